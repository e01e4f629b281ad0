import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "../../../../../test/fixtures/database.ts";
import { ObjectStore } from "./object-store.ts";

const svc = (namespace: string, name: string) => ({
  ref: { group: "", resource: "services", namespace, name },
  object: {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { clusterIP: "10.96.0.9" },
  },
});

describe("StoreTransaction.list", () => {
  let t: TestDatabase;
  let store: ObjectStore;

  before(async () => {
    t = await createTestDatabase();
    store = new ObjectStore(t.db, { retention: 1000 });
    await store.initCluster("c1");
    await store.initCluster("c2");
    await store.transact("c1", (tx) =>
      tx.createMany([svc("default", "b"), svc("apps", "a"), svc("default", "a")]),
    );
    await store.transact("c2", (tx) =>
      tx.create(svc("default", "other").ref, svc("default", "other").object),
    );
  });
  after(() => t.drop());

  test("lists one resource across namespaces, ordered by namespace then name, in one cluster only", async () => {
    const names = await store.transact("c1", async (tx) =>
      (await tx.list("", "services")).map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    );
    assert.deepEqual(names, ["apps/a", "default/a", "default/b"]);
  });

  test("narrows to one namespace and sees the transaction's own writes", async () => {
    const names = await store.transact("c1", async (tx) => {
      await tx.create(svc("default", "c").ref, svc("default", "c").object);
      return (await tx.list("", "services", "default")).map((o) => o.metadata.name);
    });
    assert.deepEqual(names, ["a", "b", "c"]);
  });

  test("another resource or group lists nothing", async () => {
    const counts = await store.transact("c1", async (tx) => [
      (await tx.list("", "pods")).length,
      (await tx.list("apps", "services")).length,
    ]);
    assert.deepEqual(counts, [0, 0]);
  });
});
