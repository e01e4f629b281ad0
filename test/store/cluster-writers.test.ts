import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ObjectRef } from "../../apps/api/src/kube/object/types.ts";
import { ObjectStore } from "../../apps/api/src/kube/store/object-store.ts";
import { type Db, openDb } from "../../db/client.ts";
import { createTestDatabase, type TestDatabase } from "../fixtures/database.ts";

const ref = (name: string): ObjectRef => ({ group: "", resource: "configmaps", namespace: "default", name });
const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: {} });

describe("a process's writers of one cluster", () => {
  let t: TestDatabase;
  let small: Db;
  let store: ObjectStore;

  before(async () => {
    t = await createTestDatabase();
    // Two connections: one writer holding the lock, one for what it reads on the side.
    small = openDb(t.url, { max: 2 });
    store = new ObjectStore(small, { retention: 1000, checkNestedWrites: true });
    await store.initCluster("w1");
  });
  after(async () => {
    await small.close();
    await t.drop();
  });

  // A regression would hang, not fail: the timeouts make it fail.
  test("many writers of a busy cluster queue in the process, not on pooled connections", {
    timeout: 20_000,
  }, async () => {
    // Each writer also reads through the pool while it holds the lock. Were the others parked on
    // the lock in Postgres, they would hold every connection and the holder would wait for ever.
    const writes = Array.from({ length: 12 }, (_, i) =>
      store.transact("w1", async (tx) => {
        await store.get("w1", ref("missing"));
        return tx.create(ref(`c${i}`), cm(`c${i}`));
      }),
    );
    const created = await Promise.all(writes);
    assert.deepEqual(
      created.map((o) => Number(o.metadata.resourceVersion)).sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  test("a write transaction opened inside another of the same cluster is an error, not a hang", {
    timeout: 20_000,
  }, async () => {
    await assert.rejects(
      store.transact("w1", () => store.transact("w1", (tx) => tx.create(ref("inner"), cm("inner")))),
      /a write transaction of cluster w1 was opened inside another one/,
    );
    assert.equal(await store.get("w1", ref("inner")), undefined);
  });

  test("writers of different clusters do not wait for each other", async () => {
    await store.initCluster("w2");
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slow = store.transact("w1", async (tx) => {
      await held;
      return tx.create(ref("slow"), cm("slow"));
    });
    const other = await store.transact("w2", (tx) => tx.create(ref("quick"), cm("quick")));
    assert.equal(other.metadata.resourceVersion, "1");
    release();
    await slow;
  });
});
