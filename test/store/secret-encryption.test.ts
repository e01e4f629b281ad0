import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { ObjectStore } from "../../apps/api/src/kube/store/object-store.ts";
import { changeChannel, RedisChangePublisher } from "../../apps/api/src/kube/store/publish.ts";
import { SecretCipher } from "../../apps/api/src/kube/store/secret-encryption.ts";
import { createTestDatabase, type TestDatabase } from "../fixtures/database.ts";
import { createTestRedis } from "../fixtures/redis.ts";

describe("Secret data at rest", () => {
  let t: TestDatabase;
  let store: ObjectStore;
  const ref = { group: "", resource: "secrets", namespace: "default", name: "db" };
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "default" },
    type: "Opaque",
    data: { password: Buffer.from("hunter2-very-secret").toString("base64") },
  };

  before(async () => {
    t = await createTestDatabase();
    store = new ObjectStore(t.db, { retention: 1000, secretCipher: new SecretCipher(randomBytes(32)) });
    await store.initCluster("c1");
  });
  after(() => t.drop());

  test("is sealed with AES-256-GCM in objects and in the change log, and reads back exactly", async () => {
    const created = await store.transact("c1", (tx) => tx.create(ref, secret));
    const updated = await store.transact("c1", (tx) =>
      tx.update(ref, { ...created, data: { password: Buffer.from("rotated-value").toString("base64") } }),
    );
    const rows = await t.db.sql<{ text: string }[]>`
      select body::text as text from objects where cluster_id = 'c1'
      union all select body::text from changes where cluster_id = 'c1'`;
    assert.equal(rows.length, 3);
    for (const row of rows) {
      assert.doesNotMatch(row.text, /aHVudGVyMi12ZXJ5LXNlY3JldA|cm90YXRlZC12YWx1ZQ/);
      assert.match(row.text, /aes-256-gcm/);
    }
    assert.deepEqual(await store.get("c1", ref), updated);
    assert.deepEqual((await store.list("c1", { group: "", resource: "secrets" })).items, [updated]);
    const log = await store.changesSince("c1", 0);
    assert.deepEqual(
      log.map((c) => c.object.data),
      [secret.data, updated.data],
    );
  });

  test("watchers are sent each change as committed: Secret data in the clear, other bodies as stored", async () => {
    const redis = createTestRedis();
    const publisher = new Redis(redis.url);
    // No ready check: it would send INFO on a connection that is subscribing.
    const subscriber = new Redis(redis.url, { enableReadyCheck: false });
    try {
      const published = new ObjectStore(t.db, {
        retention: 1000,
        secretCipher: new SecretCipher(randomBytes(32)),
      });
      published.addSink(new RedisChangePublisher(publisher, redis.prefix));
      await published.initCluster("c2");
      await subscriber.subscribe(changeChannel(redis.prefix, "c2"));
      const message = once(subscriber, "message");
      const cmRef = { group: "", resource: "configmaps", namespace: "default", name: "cm" };
      const committed = await published.transact("c2", async (tx) => [
        await tx.create(ref, secret),
        await tx.create(cmRef, {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "cm", namespace: "default", labels: { 'quote"d': "é ✓" } },
          data: { a: "plain" },
        }),
      ]);
      const [, text] = (await message) as [string, string];
      const { changes } = JSON.parse(text) as { changes: { type: string; name: string; object: unknown }[] };
      assert.deepEqual(
        changes.map((c) => [c.type, c.name, c.object]),
        [
          ["ADDED", "db", committed[0]],
          ["ADDED", "cm", committed[1]],
        ],
      );
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
      await redis.cleanup();
    }
  });

  test("a wrong key cannot read it", async () => {
    const other = new ObjectStore(t.db, { retention: 1000, secretCipher: new SecretCipher(randomBytes(32)) });
    await assert.rejects(other.get("c1", ref), /Unsupported state or unable to authenticate data/);
  });

  test("other kinds are stored as they are", async () => {
    await store.transact("c1", (tx) =>
      tx.create(
        { group: "", resource: "configmaps", namespace: "default", name: "cm" },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "plain" } },
      ),
    );
    const [row] = await t.db.sql<
      { text: string }[]
    >`select body::text as text from objects where resource = 'configmaps'`;
    assert.match(row!.text, /"plain"/);
  });
});
