import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Sql } from "postgres";
import type { ApiError } from "../../apps/api/src/errors.ts";
import type { KubeObject, ObjectRef } from "../../apps/api/src/kube/object/types.ts";
import { FollowedLists } from "../../apps/api/src/kube/store/followed-lists.ts";
import { ObjectStore } from "../../apps/api/src/kube/store/object-store.ts";
import { createTestDatabase, type TestDatabase } from "../fixtures/database.ts";

const cm = (namespace: string, name: string, k = "v"): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data: { k },
});
const ref = (namespace: string, name: string): ObjectRef => ({
  group: "",
  resource: "configmaps",
  namespace,
  name,
});
const names = (objects: readonly KubeObject[]) =>
  objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}=${(o.data as { k: string }).k}`);

describe("followed lists (the store's informer)", () => {
  let t: TestDatabase;
  // A small retention, so that compaction leaves a followed list behind.
  let store: ObjectStore;

  before(async () => {
    t = await createTestDatabase();
    store = new ObjectStore(t.db, { retention: 5 });
    await store.initCluster("f1");
  });
  after(() => t.drop());

  const follow = () => store.listFollowed("f1", "", "configmaps");
  const fresh = async () => (await store.list("f1", { group: "", resource: "configmaps" })).items;
  /** A followed list's full read of the configmaps, as stored text. */
  const relistConfigMaps = async () => {
    const { items, resourceVersion } = await store.list("f1", { group: "", resource: "configmaps" });
    const rows = items.map((o) => ({
      namespace: o.metadata.namespace ?? "",
      name: o.metadata.name ?? "",
      body: JSON.stringify(o),
    }));
    return { resourceVersion, rows };
  };

  test("a followed list equals a fresh list after creates, updates and deletes", async () => {
    await store.transact("f1", async (tx) => {
      await tx.create(ref("b", "x"), cm("b", "x"));
      await tx.create(ref("a", "z"), cm("a", "z"));
      await tx.create(ref("a-b", "y"), cm("a-b", "y"));
    });
    assert.deepEqual(names(await follow()), names(await fresh()));
    assert.deepEqual(names(await follow()), ["a/z=v", "a-b/y=v", "b/x=v"]);

    await store.transact("f1", async (tx) => {
      await tx.update(ref("a", "z"), cm("a", "z", "w"));
      await tx.delete(ref("b", "x"));
      await tx.create(ref("a", "a"), cm("a", "a"));
    });
    assert.deepEqual(names(await follow()), ["a/a=v", "a/z=w", "a-b/y=v"]);
    assert.deepEqual(names(await follow()), names(await fresh()));
  });

  test("objects handed out are frozen: a reader cannot change what others read", async () => {
    const [first] = await follow();
    assert.throws(() => {
      (first!.data as Record<string, string>).k = "changed";
    }, TypeError);
    assert.equal(((await follow())[0]!.data as { k: string }).k, "v");
  });

  test("one object from a followed list: as fresh as a get, frozen, absent once deleted", async () => {
    const one = (namespace: string, name: string) => store.getFollowed("f1", ref(namespace, name));
    await follow();
    await store.transact("f1", (tx) => tx.create(ref("g", "one"), cm("g", "one")));
    // Created after the list was last read: the lookup catches up first.
    assert.deepEqual((await one("g", "one"))?.data, { k: "v" });
    await store.transact("f1", (tx) => tx.update(ref("g", "one"), cm("g", "one", "w")));
    const found = await one("g", "one");
    assert.deepEqual(found?.data, { k: "w" });
    assert.deepEqual(found, await store.get("f1", ref("g", "one")));
    assert.throws(() => {
      (found!.data as Record<string, string>).k = "changed";
    }, TypeError);
    assert.equal(await one("g", "nope"), undefined);
    await store.transact("f1", (tx) => tx.delete(ref("g", "one")));
    assert.equal(await one("g", "one"), undefined);
    // Secrets are sealed at rest: never followed.
    await assert.rejects(store.getFollowed("f1", { ...ref("g", "s"), resource: "secrets" }), /in the clear/);
  });

  test("a list the change log no longer reaches back to is read whole again", async () => {
    await follow();
    // Past the next compaction (every 500 versions), which keeps only the last 5 changes.
    await store.transact("f1", async (tx) => {
      for (let i = 0; i < 500; i++) await tx.update(ref("a", "z"), cm("a", "z", `w${i}`));
    });
    assert.ok(((await store.versions("f1"))?.compactedRv ?? 0) > 0, "the log was compacted");
    assert.deepEqual(names(await follow()), names(await fresh()));
    assert.deepEqual(names(await follow()), ["a/a=v", "a/z=w499", "a-b/y=v"]);
  });

  test("concurrent readers share one catch-up and see the same list", async () => {
    await store.transact("f1", (tx) => tx.create(ref("c", "c"), cm("c", "c")));
    const [one, two] = await Promise.all([follow(), follow()]);
    assert.deepEqual(names(one!), names(two!));
    assert.deepEqual(names(one!), names(await fresh()));
  });

  test("a read sees every commit made before it, even while an older catch-up is in flight", async () => {
    // A connection whose answers can be held back: a catch-up that read before a commit answers
    // after it, as a slow round trip would.
    let holdMs = 0;
    const slow = ((strings: TemplateStringsArray, ...values: unknown[]) => {
      const delay = holdMs;
      return t.db.sql(strings, ...(values as never[])).then(async (rows) => {
        await new Promise((r) => setTimeout(r, delay));
        return rows;
      });
    }) as unknown as Sql;
    const lists = new FollowedLists(slow, { maxLists: 8, maxBytes: 1 << 20, maxIdleMs: 60_000 });
    const read = async () => (await lists.list("f1", "", "configmaps", relistConfigMaps)).objects();
    await read();
    holdMs = 300;
    const early = read();
    await new Promise((r) => setTimeout(r, 50)); // its query has run; its answer is held
    holdMs = 0;
    await store.transact("f1", (tx) => tx.create(ref("e", "after-early"), cm("e", "after-early")));
    const late = await read();
    assert.ok(names(late).includes("e/after-early=v"), "a read after a commit sees it");
    await early;
  });

  test("inside a write transaction: what the lock lets it see, and its own writes", async () => {
    await follow();
    await store.transact("f1", (tx) => tx.create(ref("d", "late"), cm("d", "late")));
    await store.transact("f1", async (tx) => {
      // Committed after the last read of the followed list: the transaction's view has it.
      assert.deepEqual(names(await tx.listFollowed("", "configmaps", "d")), ["d/late=v"]);
      await tx.create(ref("d", "mine"), cm("d", "mine"));
      // Written here, not committed: read as the transaction sees it.
      assert.deepEqual(names(await tx.listFollowed("", "configmaps", "d")), ["d/late=v", "d/mine=v"]);
    });
    assert.deepEqual(names(await follow()), names(await fresh()));
  });

  test("a transaction rolled back leaves the followed list as committed", async () => {
    await assert.rejects(
      store.transact("f1", async (tx) => {
        await tx.listFollowed("", "configmaps");
        await tx.create(ref("d", "gone"), cm("d", "gone"));
        throw new Error("roll back");
      }),
      /roll back/,
    );
    await store.transact("f1", (tx) => tx.create(ref("d", "next"), cm("d", "next")));
    assert.deepEqual(names(await follow()), names(await fresh()));
    assert.ok(!names(await follow()).includes("d/gone=v"));
  });

  test("lists past the memory bound are dropped and read whole again when next asked for", async () => {
    const small = new FollowedLists(t.db.sql, { maxLists: 8, maxBytes: 1, maxIdleMs: 60_000 });
    let relists = 0;
    const relist = () => {
      relists++;
      return relistConfigMaps();
    };
    const read = async () => (await small.list("f1", "", "configmaps", relist)).objects();
    assert.deepEqual(names(await read()), names(await fresh()));
    // Another list is read: the first is over the bound and goes.
    await small.list("f1", "", "services", async () => ({ resourceVersion: 0, rows: [] }));
    await store.transact("f1", (tx) => tx.create(ref("g", "new"), cm("g", "new")));
    assert.deepEqual(names(await read()), names(await fresh()));
    assert.equal(relists, 2, "the dropped list was read whole again");
  });

  test("a cluster that is gone is NotFound", async () => {
    await store.dropCluster("f1");
    await assert.rejects(follow(), (err: ApiError) => err.status === 404);
  });
});
