import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CORE_V1, InProcessClient } from "../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { storeCreates } from "../../apps/api/src/kube/server/handlers/create.ts";
import { withClusterWriteLock } from "../../workers/src/controllers/shared/cluster-write-lock.ts";
import { prepareEvents } from "../../workers/src/events/record-event.ts";
import { BatchedWrites } from "../../workers/src/runtime/batched-writes.ts";
import type { TestRuntime } from "../fixtures/runtime.ts";
import { requestOk, startTestCluster, type TestCluster } from "./fixtures/sim-cluster.ts";

const configMap = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data: { k: name },
});

/** Creates prepared in a controller's locked section land in one insert, admitted one by one. */
describe("batched creates in a locked section", () => {
  let t: TestRuntime;
  let cluster: TestCluster;
  let client: InProcessClient;

  before(async () => {
    cluster = await startTestCluster("batch", []);
    t = cluster.t;
    client = new InProcessClient(t.runtime, cluster.clusterId, "test-controller");
  });
  after(() => t.close());

  const namespace = (name: string) =>
    requestOk(cluster, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name },
    });
  const versions = async () => (await t.runtime.store.versions(cluster.clusterId))!.rv;
  const inSection = <T>(work: Parameters<typeof withClusterWriteLock<T>>[3]) =>
    withClusterWriteLock(t.runtime, cluster.clusterId, "test-controller", work);
  const prepare = (ns: string, ...names: string[]) =>
    names.map((name) => client.prepareCreate(CORE_V1("configmaps"), ns, configMap(name)));

  test("a batch is created with consecutive versions, as the API shows it", async () => {
    await namespace("b1");
    const before = await versions();
    const { created, error } = await inSection(({ tx }) => storeCreates(tx, prepare("b1", "a", "b", "c")));
    assert.equal(error, undefined);
    assert.deepEqual(
      created.map((o) => [o.metadata.name, Number(o.metadata.resourceVersion)]),
      [
        ["a", before + 1],
        ["b", before + 2],
        ["c", before + 3],
      ],
    );
    assert.equal(await versions(), before + 3);
    const listed = await requestOk(cluster, "GET", "/api/v1/namespaces/b1/configmaps");
    const names = (listed.items as KubeObject[]).map((o) => o.metadata.name);
    assert.deepEqual(
      names.filter((n) => n !== "kube-root-ca.crt"),
      ["a", "b", "c"],
    );
    const stored = (listed.items as KubeObject[]).find((o) => o.metadata.name === "a")!;
    assert.equal(stored.metadata.managedFields?.[0]?.manager, "test-controller");
  });

  test("a ResourceQuota is counted per object: those within it are created, the first past it refused", async () => {
    await namespace("b2");
    await requestOk(cluster, "POST", "/api/v1/namespaces/b2/resourcequotas", {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "few" },
      spec: { hard: { "count/configmaps": "3" } },
    });
    // kube-root-ca.crt is not there without the namespace controller: three fit.
    const { created, error } = await inSection(({ tx }) =>
      storeCreates(tx, prepare("b2", "a", "b", "c", "d", "e")),
    );
    assert.deepEqual(
      created.map((o) => o.metadata.name),
      ["a", "b", "c"],
    );
    assert.equal(error?.status, 403);
    assert.equal(
      error?.message,
      'configmaps "d" is forbidden: exceeded quota: few, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3',
    );
  });

  test("a name taken refuses its whole insert; the section goes on and versions stay contiguous", async () => {
    await namespace("b3");
    await inSection(({ tx }) => storeCreates(tx, prepare("b3", "taken")));
    const before = await versions();
    const after = await inSection(async ({ tx }) => {
      const clash = await storeCreates(tx, prepare("b3", "new-1", "taken"));
      assert.equal(clash.error?.reason, "AlreadyExists");
      assert.deepEqual(clash.created, []);
      const next = await storeCreates(tx, prepare("b3", "new-2"));
      assert.equal(next.error, undefined);
      return next.created[0]!;
    });
    assert.equal(Number(after.metadata.resourceVersion), before + 1);
    assert.equal(await versions(), before + 1);
    const changes = await t.runtime.store.changesSince(cluster.clusterId, before);
    assert.deepEqual(
      changes.map((c) => [c.rv, c.name]),
      [[before + 1, "new-2"]],
    );
    assert.equal(await client.get(CORE_V1("configmaps"), "b3", "new-1"), undefined);
  });

  test("a prepared update is written on what was read, or redone on what is stored now", async () => {
    await namespace("b4");
    const [original] = (await inSection(({ tx }) => storeCreates(tx, prepare("b4", "u")))).created;
    const addKey = (key: string) => (current: KubeObject) => ({
      ...current,
      data: { ...(current.data as Record<string, string>), [key]: "yes" },
    });
    // Read, prepared, written: one version.
    const fresh = await client.get(CORE_V1("configmaps"), "b4", "u");
    const first = await client.prepareUpdate(CORE_V1("configmaps"), "b4", "u", fresh!, addKey("first"));
    const before = await versions();
    const written = await inSection(({ client: locked }) => locked.storeUpdate(first));
    assert.equal(Number(written.metadata.resourceVersion), before + 1);
    assert.deepEqual(written.data, { k: "u", first: "yes" });

    // Prepared on the original; someone writes meanwhile: the mutation runs again on the newer one.
    const stale = await client.prepareUpdate(CORE_V1("configmaps"), "b4", "u", original!, addKey("second"));
    const redone = await inSection(({ client: locked }) => locked.storeUpdate(stale));
    assert.deepEqual(redone.data, { k: "u", first: "yes", second: "yes" });
    assert.equal(Number(redone.metadata.resourceVersion), before + 2, "no version lost to the stale try");
  });
});

describe("group commit of locked sections", () => {
  let t: TestRuntime;
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster("group", []);
    t = cluster.t;
    await requestOk(cluster, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "g" },
    });
  });
  after(() => t.close());

  const configMap = (name: string): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "g" },
    data: {},
  });

  test("sections asked for together share a transaction; a refusal is its section's alone", async () => {
    const batcher = BatchedWrites.of(t.runtime);
    const commitsBefore = await commits(t);
    const outcomes = await Promise.allSettled(
      // Side by side, the sections write different objects; "Bad_Name" is refused by validation.
      ["a", "b", "c", "Bad_Name", "d"].map((name) =>
        batcher.run(cluster.clusterId, "test-controller", (locked) =>
          locked.client.create(CORE_V1("configmaps"), "g", configMap(name)),
        ),
      ),
    );
    const created = outcomes.filter((o) => o.status === "fulfilled").map((o) => o.value.metadata.name);
    assert.deepEqual(created.sort(), ["a", "b", "c", "d"]);
    const refused = outcomes.find((o) => o.status === "rejected");
    assert.equal((refused as PromiseRejectedResult).reason.reason, "Invalid");
    // One transaction for the five: the versions are contiguous and written together.
    const versions = outcomes
      .filter((o) => o.status === "fulfilled")
      .map((o) => Number(o.value.metadata.resourceVersion))
      .sort((x, y) => x - y);
    assert.deepEqual(versions, [versions[0]!, versions[0]! + 1, versions[0]! + 2, versions[0]! + 3]);
    assert.ok((await commits(t)) - commitsBefore <= 3, "one write transaction (and the reads around it)");
  });

  test("events that sections report are stored after them; a refused section's and a closing namespace's are dropped", async () => {
    await requestOk(cluster, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "closing" },
    });
    // No namespace controller runs here: the namespace stays Terminating, refusing new content.
    await requestOk(cluster, "DELETE", "/api/v1/namespaces/closing");
    const batcher = BatchedWrites.of(t.runtime);
    const client = new InProcessClient(t.runtime, cluster.clusterId, "test-controller");
    const involved = (namespace: string, name: string): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    });
    const report = (namespace: string, name: string) =>
      prepareEvents(
        client,
        { component: "test-controller" },
        [{ involved: involved(namespace, name), input: { type: "Normal", reason: "Seen", message: name } }],
        new Date(),
      );
    const outcomes = await Promise.allSettled([
      batcher.run(cluster.clusterId, "test-controller", async (section) => {
        await section.client.create(CORE_V1("configmaps"), "g", configMap("reported"));
        section.recordEvents(report("g", "reported"));
      }),
      batcher.run(cluster.clusterId, "test-controller", async (section) => {
        section.recordEvents(report("closing", "late"));
      }),
      batcher.run(cluster.clusterId, "test-controller", async (section) => {
        section.recordEvents(report("g", "refused"));
        await section.client.create(CORE_V1("configmaps"), "g", configMap("Refused_Name"));
      }),
      batcher.run(cluster.clusterId, "test-controller", async (section) => {
        section.recordEvents([...report("g", "twice"), ...report("g", "twice")]);
      }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["fulfilled", "fulfilled", "rejected", "fulfilled"],
    );
    const events = async (namespace: string) =>
      ((await requestOk(cluster, "GET", `/api/v1/namespaces/${namespace}/events`)).items as KubeObject[]).map(
        (e) => [(e.involvedObject as { name: string }).name, e.count],
      );
    // The same event twice in one batch is one Event counted twice, as two reports one by one are.
    assert.deepEqual((await events("g")).sort(), [
      ["reported", 1],
      ["twice", 2],
    ]);
    assert.deepEqual(await events("closing"), []);
  });

  test("an error other than a refusal fails every section of its batch, and none is written", async () => {
    const batcher = BatchedWrites.of(t.runtime);
    const outcomes = await Promise.allSettled([
      batcher.run(cluster.clusterId, "test-controller", (locked) =>
        locked.client.create(CORE_V1("configmaps"), "g", configMap("kept-out")),
      ),
      batcher.run(cluster.clusterId, "test-controller", async () => {
        throw new Error("the database went away");
      }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["rejected", "rejected"],
    );
    assert.equal(
      await new InProcessClient(t.runtime, cluster.clusterId, "x").get(
        CORE_V1("configmaps"),
        "g",
        "kept-out",
      ),
      undefined,
    );
  });
});

async function commits(t: TestRuntime): Promise<number> {
  const [row] = await t.runtime.db.sql<{ n: string }[]>`
    select xact_commit::text as n from pg_stat_database where datname = current_database()`;
  return Number(row?.n ?? 0);
}
