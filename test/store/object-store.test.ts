import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ApiError } from "../../apps/api/src/errors.ts";
import type { KubeObject, ObjectRef } from "../../apps/api/src/kube/object/types.ts";
import { ObjectStore } from "../../apps/api/src/kube/store/object-store.ts";
import type { Change } from "../../apps/api/src/kube/store/types.ts";
import { createTestDatabase, type TestDatabase } from "../fixtures/database.ts";

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default" },
  data,
});
const kValue = (o: KubeObject | undefined) => (o?.data as Record<string, string> | undefined)?.k;
const ref = (name: string): ObjectRef => ({ group: "", resource: "configmaps", namespace: "default", name });

describe("object store", () => {
  let t: TestDatabase;
  let store: ObjectStore;
  const published: Change[] = [];

  before(async () => {
    t = await createTestDatabase();
    store = new ObjectStore(t.db, { retention: 1000 });
    store.addSink({
      changesCommitted: async (_id, changes) => {
        published.push(...changes.map((p) => p.change));
      },
    });
  });
  after(() => t.drop());

  test("create assigns uid, creationTimestamp and the next resourceVersion", async () => {
    await store.initCluster("c1");
    const created = await store.transact("c1", (tx) => tx.create(ref("a"), cm("a", { k: "v" })));
    assert.match(created.metadata.uid!, /^[0-9a-f-]{36}$/);
    assert.match(created.metadata.creationTimestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created.metadata.resourceVersion, "1");
    assert.deepEqual(await store.get("c1", ref("a")), created);
    assert.equal(published.at(-1)?.type, "ADDED");
    assert.equal(published.at(-1)?.rv, 1);
  });

  test("a second create of the same name is AlreadyExists and takes no version", async () => {
    await assert.rejects(
      store.transact("c1", (tx) => tx.create(ref("a"), cm("a"))),
      (err: ApiError) => err.status === 409 && err.message === 'configmaps "a" already exists',
    );
    assert.equal((await store.versions("c1"))?.rv, 1);
  });

  test("update with a stale resourceVersion is a Conflict with kube-apiserver's message", async () => {
    const updated = await store.transact("c1", (tx) =>
      tx.update(ref("a"), { ...cm("a", { k: "w" }) }, { expectedResourceVersion: "1" }),
    );
    assert.equal(updated.metadata.resourceVersion, "2");
    await assert.rejects(
      store.transact("c1", (tx) =>
        tx.update(ref("a"), cm("a", { k: "x" }), { expectedResourceVersion: "1" }),
      ),
      (err: ApiError) =>
        err.reason === "Conflict" &&
        err.message ===
          'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  test("an update that changes nothing keeps the version and publishes nothing", async () => {
    const before = await store.get("c1", ref("a"));
    const count = published.length;
    const same = await store.transact("c1", (tx) => tx.update(ref("a"), structuredClone(before!)));
    assert.equal(same.metadata.resourceVersion, before!.metadata.resourceVersion);
    assert.equal(published.length, count);
  });

  test("generation is bumped on spec changes only", async () => {
    const dref: ObjectRef = { group: "apps", resource: "deployments", namespace: "default", name: "d" };
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: 1 } };
    const created = await store.transact("c1", (tx) => tx.create(dref, dep, { trackGeneration: true }));
    assert.equal(created.metadata.generation, 1);
    const labelled = await store.transact("c1", (tx) =>
      tx.update(
        dref,
        { ...created, metadata: { ...created.metadata, labels: { a: "b" } } },
        { trackGeneration: true },
      ),
    );
    assert.equal(labelled.metadata.generation, 1);
    const scaled = await store.transact("c1", (tx) =>
      tx.update(dref, { ...labelled, spec: { replicas: 3 } }, { trackGeneration: true }),
    );
    assert.equal(scaled.metadata.generation, 2);
    assert.equal(await store.get("c1", { ...dref, name: "missing" }), undefined);
  });

  test("delete honours uid and resourceVersion preconditions and logs the last state", async () => {
    const current = await store.get("c1", ref("a"));
    await assert.rejects(
      store.transact("c1", (tx) => tx.delete(ref("a"), { expectedUid: "other" })),
      (err: ApiError) =>
        err.reason === "Conflict" && err.message.includes("Precondition failed: UID in precondition"),
    );
    const gone = await store.transact("c1", (tx) =>
      tx.delete(ref("a"), { expectedResourceVersion: current!.metadata.resourceVersion! }),
    );
    assert.equal(await store.get("c1", ref("a")), undefined);
    const log = await store.changesSince("c1", Number(current!.metadata.resourceVersion));
    assert.equal(log.at(-1)?.type, "DELETED");
    assert.equal(log.at(-1)?.object.metadata.resourceVersion, gone.metadata.resourceVersion);
    await assert.rejects(
      store.transact("c1", (tx) => tx.delete(ref("a"))),
      { reason: "NotFound" },
    );
  });

  test("writes to an unknown cluster are NotFound", async () => {
    await assert.rejects(
      store.transact("nope", (tx) => tx.create(ref("x"), cm("x"))),
      { reason: "NotFound" },
    );
  });

  test("concurrent writers to one object: exactly one wins per version, the rest get Conflict", async () => {
    await store.initCluster("c2");
    const base = await store.transact("c2", (tx) => tx.create(ref("hot"), cm("hot", { n: "0" })));
    let version = base.metadata.resourceVersion!;
    for (let round = 0; round < 5; round++) {
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.transact("c2", (tx) =>
            tx.update(ref("hot"), cm("hot", { n: `${round}-${i}` }), { expectedResourceVersion: version }),
          ),
        ),
      );
      const won = attempts.filter((a) => a.status === "fulfilled");
      const lost = attempts.filter((a) => a.status === "rejected");
      assert.equal(won.length, 1);
      for (const l of lost)
        assert.equal(((l as PromiseRejectedResult).reason as ApiError).reason, "Conflict");
      const winner = (
        won[0] as PromiseFulfilledResult<{ data?: unknown; metadata: { resourceVersion?: string } }>
      ).value;
      const stored = await store.get("c2", ref("hot"));
      assert.deepEqual(stored?.data, winner.data);
      version = winner.metadata.resourceVersion!;
    }
  });

  test("concurrent writers to one cluster: versions are contiguous and never visible out of order", async () => {
    await store.initCluster("c3");
    let stop = false;
    let holes = 0;
    // A reader that, at any moment, must see versions 1..max with nothing missing.
    const reader = (async () => {
      while (!stop) {
        const rows = await t.db.sql<
          { rv: number }[]
        >`select rv from changes where cluster_id = 'c3' order by rv`;
        rows.forEach((r, i) => {
          if (r.rv !== i + 1) holes++;
        });
      }
    })();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.transact("c3", async (tx) => {
          await tx.create(ref(`w${i}`), cm(`w${i}`));
          await tx.create(ref(`x${i}`), cm(`x${i}`));
        }),
      ),
    );
    stop = true;
    await reader;
    assert.equal(holes, 0);
    const log = await store.changesSince("c3", 0, 10_000);
    assert.deepEqual(
      log.map((c) => c.rv),
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    // Each transaction's two writes got adjacent versions.
    for (let i = 0; i < 120; i += 2) assert.equal(log[i]!.name.slice(1), log[i + 1]!.name.slice(1));
    assert.equal((await store.versions("c3"))?.rv, 120);
  });

  test("list returns items with the version of the same snapshot, and pages", async () => {
    const all = await store.list("c3", { group: "", resource: "configmaps", namespace: "default" });
    assert.equal(all.items.length, 120);
    assert.equal(all.resourceVersion, 120);
    const page1 = await store.list("c3", { group: "", resource: "configmaps", limit: 50 });
    assert.equal(page1.items.length, 50);
    assert.ok(page1.last);
    const page2 = await store.list("c3", {
      group: "",
      resource: "configmaps",
      limit: 100,
      after: page1.last,
    });
    assert.equal(page2.items.length, 70);
    assert.equal(page2.last, undefined);
  });

  test("the change log is compacted past its retention", async () => {
    const small = new ObjectStore(t.db, { retention: 100 });
    await small.initCluster("c4");
    for (let i = 0; i < 6; i++) {
      await small.transact("c4", async (tx) => {
        await tx.createMany(
          Array.from({ length: 100 }, (_, j) => ({ ref: ref(`o${i}-${j}`), object: cm(`o${i}-${j}`) })),
        );
      });
    }
    const v = await small.versions("c4");
    assert.equal(v?.rv, 600);
    // Compaction ran when the write crossed version 500, keeping the last 100 changes then.
    assert.equal(v?.compactedRv, 400);
    const kept = await small.changesSince("c4", 0, 10_000);
    assert.equal(kept[0]?.rv, 401);
  });
  test("commit hooks see each change with what it replaced, write alongside it, and can refuse it", async () => {
    const hookStore = new ObjectStore(t.db, { retention: 1000 });
    const seen: { type: string; before?: string; after?: string }[] = [];
    hookStore.addCommitHook({
      beforeCommit: async (sql, clusterId, pending) => {
        for (const { change, previous } of pending) {
          if (change.name === "refused") throw new Error("refused by hook");
          seen.push({ type: change.type, before: kValue(previous), after: kValue(change.object) });
        }
        await sql`insert into cluster_versions (cluster_id) values (${`${clusterId}-hooked`}) on conflict do nothing`;
      },
    });
    await hookStore.initCluster("hooks");
    await hookStore.transact("hooks", (tx) => tx.create(ref("h"), cm("h", { k: "1" })));
    await hookStore.transact("hooks", (tx) => tx.update(ref("h"), cm("h", { k: "2" })));
    await hookStore.transact("hooks", (tx) => tx.delete(ref("h")));
    assert.deepEqual(seen, [
      { type: "ADDED", before: undefined, after: "1" },
      { type: "MODIFIED", before: "1", after: "2" },
      { type: "DELETED", before: "2", after: "2" },
    ]);
    assert.ok(await hookStore.versions("hooks-hooked"), "the hook's own row committed with the change");

    const rv = (await hookStore.versions("hooks"))?.rv;
    await assert.rejects(
      hookStore.transact("hooks", (tx) => tx.create(ref("refused"), cm("refused"))),
      /refused by hook/,
    );
    assert.equal(await hookStore.get("hooks", ref("refused")), undefined);
    assert.equal((await hookStore.versions("hooks"))?.rv, rv, "a refused write takes no version");
  });

  test("an assumed object: written without a read when current, a Conflict with nothing spent when stale", async () => {
    await store.initCluster("assume");
    const first = await store.transact("assume", (tx) => tx.create(ref("s"), cm("s", { k: "1" })));
    // Current: the update goes through on the assumption.
    const second = await store.transact("assume", (tx) => {
      tx.assume(ref("s"), first);
      return tx.update(ref("s"), cm("s", { k: "2" }));
    });
    assert.equal(kValue(second), "2");
    assert.equal(second.metadata.resourceVersion, "2");
    // Stale (first is no longer stored): a Conflict, no version spent, and the transaction goes on.
    const after = await store.transact("assume", async (tx) => {
      tx.assume(ref("s"), first);
      await assert.rejects(
        tx.update(ref("s"), cm("s", { k: "stale" })),
        (err: ApiError) => err.reason === "Conflict",
      );
      // The conflict forgot the assumption: an assumed delete is checked as well.
      tx.assume(ref("s"), first);
      await assert.rejects(tx.delete(ref("s")), (err: ApiError) => err.reason === "Conflict");
      return tx.update(ref("s"), cm("s", { k: "3" }));
    });
    assert.equal(kValue(after), "3");
    assert.equal(after.metadata.resourceVersion, "3");
    assert.equal(kValue(await store.get("assume", ref("s"))), "3");
    assert.deepEqual(
      (await store.changesSince("assume", 0)).map((c) => [c.rv, kValue(c.object)]),
      [
        [1, "1"],
        [2, "2"],
        [3, "3"],
      ],
    );
  });
});
