import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { ObjectStore } from "../../apps/api/src/kube/store/object-store.ts";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";
import { openWatch } from "../fixtures/watch-client.ts";

const cm = (
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", labels },
  data,
});
const cmRef = (name: string) => ({ group: "", resource: "configmaps", namespace: "default", name });
const CMS = "/api/v1/namespaces/default/configmaps";

describe("watch", () => {
  let t: TestRuntime;
  let token: string;
  let id: string;
  let api: string;

  before(async () => {
    t = await createTestRuntime({ workers: true });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "watch@example.com" } })).body.token;
    id = (await call(t.app, "POST", "/v1/clusters", { token, body: { name: "w", nodes: { count: 1 } } })).body
      .id;
    await waitForPhase(t.app, token, id, "Ready");
    api = `/k8s/${id}`;
  });
  after(() => t.close());

  const listRv = async () =>
    (await call(t.app, "GET", `${api}${CMS}`, { token })).body.metadata.resourceVersion as string;
  const logRvs = async (after: number) =>
    (await t.runtime.store.changesSince(id, after, 100_000))
      .filter((c) => c.resource === "configmaps")
      .map((c) => c.rv);

  test("list at X, then watch from X: every later change exactly once, in order, with concurrent writers", async () => {
    const from = await listRv();
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=true&resourceVersion=${from}`);
    await Promise.all(
      [0, 1, 2].map(async (writer) => {
        for (let i = 0; i < 40; i++) {
          const name = `c-${writer}-${i % 10}`;
          await t.runtime.store.transact(id, async (tx) => {
            const current = await tx.get(cmRef(name));
            if (current) await tx.update(cmRef(name), { ...current, data: { i: String(i) } });
            else await tx.create(cmRef(name), cm(name));
          });
        }
      }),
    );
    const expected = await logRvs(Number(from));
    const events = await w.waitFor(expected.length);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      events.map((e) => Number(e.object.metadata.resourceVersion)),
      expected,
    );
    assert.equal(events.filter((e) => e.type === "ADDED").length, 30);
    assert.equal(events.filter((e) => e.type === "MODIFIED").length, 90);
    await w.close();
  });

  test("no resourceVersion: the current objects as ADDED first, then live changes", async () => {
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=1`);
    const initial = (await call(t.app, "GET", `${api}${CMS}`, { token })).body.items.length;
    await w.waitFor(initial);
    assert.ok(w.events.every((e) => e.type === "ADDED"));
    await call(t.app, "POST", `${api}${CMS}`, { token, body: cm("live-one") });
    const events = await w.waitFor(initial + 1);
    assert.equal(events.at(-1)?.type, "ADDED");
    assert.equal(events.at(-1)?.object.metadata.name, "live-one");
    await w.close();
  });

  test("changes whose pub/sub message never came (a writer died after commit) are still delivered", async () => {
    const from = await listRv();
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=true&resourceVersion=${from}`);
    // A store without the Redis sink: commits land in Postgres, nothing is published.
    const silent = new ObjectStore(t.runtime.db, { retention: 10_000 });
    await silent.transact(id, (tx) => tx.create(cmRef("silent-1"), cm("silent-1")));
    await silent.transact(id, (tx) => tx.create(cmRef("silent-2"), cm("silent-2")));
    // The lost tail is found by the periodic counter check…
    await w.waitFor(2, 5_000);
    // …and a gap before a published change is filled from the change log.
    await silent.transact(id, (tx) => tx.create(cmRef("silent-3"), cm("silent-3")));
    await t.runtime.store.transact(id, (tx) => tx.create(cmRef("loud-4"), cm("loud-4")));
    const events = await w.waitFor(4);
    assert.deepEqual(
      events.map((e) => e.object.metadata.name),
      ["silent-1", "silent-2", "silent-3", "loud-4"],
    );
    await w.close();
  });

  test("a dropped subscriber connection reconnects and loses nothing", async () => {
    const from = await listRv();
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=true&resourceVersion=${from}`);
    const admin = new Redis(t.redis.url);
    try {
      const clients = (await admin.client("LIST")) as string;
      const subscriberId = clients
        .split("\n")
        .find((line) => line.includes(`name=sandcastle-watch-${t.redis.prefix} `))
        ?.match(/id=(\d+)/)?.[1];
      assert.ok(subscriberId, "the hub's subscriber connection is listed");
      await admin.client("KILL", "ID", subscriberId);
    } finally {
      admin.disconnect();
    }
    for (let i = 0; i < 5; i++)
      await t.runtime.store.transact(id, (tx) => tx.create(cmRef(`after-kill-${i}`), cm(`after-kill-${i}`)));
    const events = await w.waitFor(5, 8_000);
    assert.deepEqual(
      events.map((e) => e.object.metadata.name),
      [0, 1, 2, 3, 4].map((i) => `after-kill-${i}`),
    );
    await w.close();
  });

  test("a label selector turns objects entering and leaving the selection into ADDED and DELETED", async () => {
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=true&labelSelector=app%3Dweb`);
    await call(t.app, "POST", `${api}${CMS}`, { token, body: cm("sel", { app: "web" }) });
    await call(t.app, "PATCH", `${api}${CMS}/sel`, {
      token,
      rawBody: JSON.stringify({ metadata: { labels: { app: "db" } } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    await call(t.app, "PATCH", `${api}${CMS}/sel`, {
      token,
      rawBody: JSON.stringify({ metadata: { labels: { app: "web" } } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    await call(t.app, "DELETE", `${api}${CMS}/sel`, { token });
    const events = await w.waitFor(4);
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "DELETED", "ADDED", "DELETED"],
    );
    await w.close();
  });

  test("a single-object watch (fieldSelector=metadata.name) sees only that object", async () => {
    await call(t.app, "POST", `${api}${CMS}`, { token, body: cm("one") });
    const w = await openWatch(
      t.app,
      token,
      `${api}${CMS}?watch=true&fieldSelector=metadata.name%3Done&resourceVersion=0`,
    );
    await w.waitFor(1);
    await call(t.app, "POST", `${api}${CMS}`, { token, body: cm("two") });
    await call(t.app, "DELETE", `${api}${CMS}/one`, { token });
    const events = await w.waitFor(2);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED one", "DELETED one"],
    );
    await w.close();
  });

  test("Table output: one-row Tables, column definitions in the first event only", async () => {
    const w = await openWatch(
      t.app,
      token,
      `${api}${CMS}?watch=true&fieldSelector=metadata.name%3Dkube-root-ca.crt`,
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    );
    await call(t.app, "PATCH", `${api}${CMS}/kube-root-ca.crt`, {
      token,
      rawBody: JSON.stringify({ metadata: { labels: { touched: "yes" } } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    const events = await w.waitFor(2);
    assert.equal(events[0]?.object.kind, "Table");
    assert.deepEqual(
      events[0]?.object.columnDefinitions.map((c: { name: string }) => c.name),
      ["Name", "Data", "Age"],
    );
    assert.equal(events[0]?.object.rows[0].cells[0], "kube-root-ca.crt");
    assert.equal(events[1]?.object.columnDefinitions, null);
    assert.equal(events[1]?.type, "MODIFIED");
    await w.close();
  });

  test("sendInitialEvents ends the initial burst with the initial-events-end bookmark", async () => {
    const w = await openWatch(
      t.app,
      token,
      `${api}${CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    const count = (await call(t.app, "GET", `${api}${CMS}`, { token })).body.items.length;
    const events = await w.waitFor(count + 1);
    const last = events[count]!;
    assert.equal(last.type, "BOOKMARK");
    assert.equal(last.object.metadata.annotations["k8s.io/initial-events-end"], "true");
    assert.equal(last.object.metadata.resourceVersion, await listRv());
    await w.close();
  });

  test("timeoutSeconds ends the stream cleanly", async () => {
    const started = Date.now();
    const w = await openWatch(
      t.app,
      token,
      `${api}${CMS}?watch=true&resourceVersion=${await listRv()}&timeoutSeconds=1`,
    );
    await w.ended;
    assert.ok(Date.now() - started >= 900);
  });

  test("a version older than the retained change log gets a 410 Expired ERROR event", async () => {
    await t.database.db.sql`update cluster_versions set compacted_rv = 50 where cluster_id = ${id}`;
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=true&resourceVersion=10`);
    const [event] = await w.waitFor(1);
    await w.ended;
    assert.equal(event?.type, "ERROR");
    assert.equal(event?.object.code, 410);
    assert.equal(event?.object.reason, "Expired");
    assert.equal(event?.object.message, "too old resource version: 10 (50)");
    await t.database.db.sql`update cluster_versions set compacted_rv = 0 where cluster_id = ${id}`;
  });

  test("list resourceVersion semantics: a future version waits, then 504; Exact past the log is 410", async () => {
    const current = Number(await listRv());
    const ahead = call(t.app, "GET", `${api}${CMS}?resourceVersion=${current + 1}`, { token });
    await t.runtime.store.transact(id, (tx) => tx.create(cmRef("catch-up"), cm("catch-up")));
    assert.equal((await ahead).status, 200, "the list waited for the version to exist");
    const tooLarge = await call(t.app, "GET", `${api}${CMS}?resourceVersion=${current + 1000}`, { token });
    assert.equal(tooLarge.status, 504);
    assert.equal(tooLarge.body.reason, "Timeout");
    assert.equal(
      tooLarge.body.message,
      `Too large resource version: ${current + 1000}, current: ${current + 1}`,
    );
    await t.database.db.sql`update cluster_versions set compacted_rv = 50 where cluster_id = ${id}`;
    const gone = await call(t.app, "GET", `${api}${CMS}?resourceVersion=10&resourceVersionMatch=Exact`, {
      token,
    });
    await t.database.db.sql`update cluster_versions set compacted_rv = 0 where cluster_id = ${id}`;
    assert.equal(gone.status, 410);
    assert.equal(gone.body.reason, "Expired");
    assert.equal(gone.body.message, "too old resource version: 10 (50)");
  });

  test("deleting the cluster ends its watches", async () => {
    const w = await openWatch(t.app, token, `${api}${CMS}?watch=true&resourceVersion=${await listRv()}`);
    await call(t.app, "DELETE", `/v1/clusters/${id}`, { token });
    await Promise.race([
      w.ended,
      new Promise((_, reject) => setTimeout(() => reject(new Error("watch still open")), 8_000)),
    ]);
  });
});
