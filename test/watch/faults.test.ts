import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { MAX_QUEUED_BYTES, MAX_QUEUED_EVENTS } from "../../apps/api/src/kube/watch/watch-stream.ts";
import { createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";
import { freePort } from "../fixtures/server-process.ts";
import { type OpenWatch, openWatch } from "../fixtures/watch-client.ts";
import { createReadyClusters } from "./direct-clusters.ts";
import { openHttpsWatch } from "./https-watch.ts";
import { type ServedWatches, serveWatches } from "./served-watches.ts";

const cmRef = (name: string, namespace = "default") => ({
  group: "",
  resource: "configmaps",
  namespace,
  name,
});
const cm = (name: string, namespace = "default", data: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});

/** A redis-server of this test's own, so that it can be killed without disturbing anyone else. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const probe = new Redis(port, "127.0.0.1", {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (
        await probe.connect().then(
          () => true,
          () => false,
        )
      )
        return child;
      if (i > 100) throw new Error("redis-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    probe.disconnect();
  }
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("a Redis restart", () => {
  let t: TestRuntime;
  let redis: ChildProcess;
  let port: number;
  let token: string;
  let clusterId: string;
  let quietCluster: string;
  const errors: string[] = [];
  const stderrWrite = process.stderr.write.bind(process.stderr);

  before(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    // createTestRuntime takes its Redis from TEST_REDIS_SERVER: point it at the private server.
    const shared = process.env.TEST_REDIS_SERVER;
    process.env.TEST_REDIS_SERVER = `redis://127.0.0.1:${port}`;
    try {
      t = await createTestRuntime({ env: { LOG_LEVEL: "error" } });
    } finally {
      if (shared === undefined) delete process.env.TEST_REDIS_SERVER;
      else process.env.TEST_REDIS_SERVER = shared;
    }
    ({
      token,
      clusterIds: [clusterId = "", quietCluster = ""],
    } = await createReadyClusters(t.runtime, 2));
    // The runtime logs one JSON line on stderr per failed publish: keep them to count.
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const text = String(chunk);
      if (text.startsWith("{")) {
        errors.push(text);
        return true;
      }
      return stderrWrite(chunk, ...rest);
    }) as typeof process.stderr.write;
  });
  after(async () => {
    process.stderr.write = stderrWrite;
    await t?.close();
    if (redis) await kill9(redis);
  });

  test("loses nothing: commits succeed while it is down, every watch gets every change once, in order", async () => {
    const api = `/k8s/${clusterId}`;
    const from = (await t.runtime.store.versions(clusterId))!.rv;
    const write = async (name: string, namespace = "default") => {
      await t.runtime.store.transact(clusterId, async (tx) => {
        const current = await tx.get(cmRef(name, namespace));
        if (!current) await tx.create(cmRef(name, namespace), cm(name, namespace));
        else if (current.data && (current.data as Record<string, string>).n === "2")
          await tx.delete(cmRef(name, namespace));
        else
          await tx.update(cmRef(name, namespace), {
            ...current,
            data: { n: String(Number((current.data as Record<string, string> | undefined)?.n ?? 0) + 1) },
          });
      });
    };
    const watches: OpenWatch[] = [
      await openWatch(
        t.app,
        token,
        `${api}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}`,
      ),
      await openWatch(t.app, token, `${api}/api/v1/configmaps?watch=true&resourceVersion=${from}`),
    ];
    for (let i = 0; i < 20; i++) await write(`before-${i % 5}`);

    if (redis) await kill9(redis);
    errors.length = 0;
    const started = Date.now();
    for (let i = 0; i < 30; i++) await write(`during-${i % 6}`, i % 2 ? "default" : "kube-system");
    assert.ok(Date.now() - started < 5_000, "commits do not wait for Redis");
    const failed = errors
      .map((line) => JSON.parse(line))
      .filter(
        (entry) => entry.msg === "change sink failed after commit" && entry.sink === "RedisChangePublisher",
      );
    assert.equal(failed.length, 30, "each publish failed and was logged");
    // A watch opened while Redis is down (on a cluster nobody watched yet, so the process has to
    // subscribe) starts at once, served from the change log by the counter checks.
    const quietFrom = (await t.runtime.store.versions(quietCluster))!.rv;
    const quiet = await openWatch(
      t.app,
      token,
      `/k8s/${quietCluster}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${quietFrom}`,
    );
    await t.runtime.store.transact(quietCluster, (tx) => tx.create(cmRef("while-down"), cm("while-down")));
    const [whileDown] = await quiet.waitFor(1, 5_000);
    assert.equal(`${whileDown?.type} ${whileDown?.object.metadata.name}`, "ADDED while-down");

    redis = await startRedisServer(port);
    for (let i = 0; i < 20; i++) await write(`after-${i % 4}`);
    await t.runtime.store.transact(quietCluster, (tx) =>
      tx.create(cmRef("after-restart"), cm("after-restart")),
    );

    const log = await t.runtime.store.changesSince(clusterId, from, 10_000);
    const expect = (namespace: string | undefined, after: number) =>
      log
        .filter((c) => c.rv > after && (namespace === undefined || c.namespace === namespace))
        .map((c) => `${c.type} ${c.namespace}/${c.name} ${c.rv}`);
    const expected = [expect("default", from), expect(undefined, from)];
    assert.equal(expected[1]!.length, 70);
    for (const [i, w] of watches.entries()) {
      const events = await w.waitFor(expected[i]!.length, 8_000);
      await new Promise((r) => setTimeout(r, 1_200));
      assert.deepEqual(
        events.map(
          (e) =>
            `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name} ${e.object.metadata.resourceVersion}`,
        ),
        expected[i],
      );
      await w.close();
    }
    const quietEvents = await quiet.waitFor(2);
    assert.deepEqual(
      quietEvents.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`),
      [`ADDED while-down ${quietFrom + 1}`, `ADDED after-restart ${quietFrom + 2}`],
    );
    await quiet.close();
  });
});

describe("a watch client that reads slowly or not at all", () => {
  let served: ServedWatches;
  let t: TestRuntime;
  let clusterIds: string[];

  before(async () => {
    served = await serveWatches(2);
    ({ t, clusterIds } = served);
  });
  after(() => served?.close());

  const watchUrl = (clusterId: string, query: string) =>
    `https://127.0.0.1:${served.server.port}/k8s/${clusterId}/api/v1/namespaces/default/configmaps?watch=true&${query}`;

  test("a client that stops reading is cut off with a 410 ERROR, and what it did not read is dropped", async () => {
    const clusterId = clusterIds[0]!;
    const from = (await t.runtime.store.versions(clusterId))!.rv;
    const w = await openHttpsWatch(watchUrl(clusterId, `resourceVersion=${from}`), {
      token: served.token,
      ca: served.ca,
      read: false,
    });
    assert.equal(await served.subscribers(clusterId), 1);
    // 64 KiB events: the kernel's socket buffers take a few MiB, then the server's own queue fills.
    const written = await served.writeUntilLetGo(clusterId);
    assert.equal(await served.subscribers(clusterId), 0, "the server let go of the watch");
    // Cut off by bytes (8 MiB past the socket buffers), long before the event limit.
    assert.ok(written * 64 * 1024 < 2 * MAX_QUEUED_BYTES + 16 * 2 ** 20, `${written} events written`);

    w.read();
    await w.ended;
    const last = w.events.at(-1)!;
    assert.equal(last.type, "ERROR");
    assert.equal(last.object.code, 410);
    assert.equal(last.object.reason, "Expired");
    assert.equal(last.object.message, "too slow: the watch fell too far behind; relist and watch again");
    // Before it, what the socket buffers held: a gapless prefix of the changes, nothing queued after.
    const before = w.events.slice(0, -1);
    assert.ok(before.length > 0 && before.length < written, `${before.length} of ${written} delivered`);
    assert.deepEqual(
      before.map((e) => `${e.type} ${e.object.metadata.resourceVersion}`),
      before.map((_, i) => `ADDED ${from + 1 + i}`),
    );
  });

  test("a large initial list is not mistaken for a slow client", async () => {
    const clusterId = clusterIds[1]!;
    const count = MAX_QUEUED_EVENTS + 500;
    await t.runtime.store.transact(clusterId, async (tx) => {
      for (let i = 0; i < count; i++) await tx.create(cmRef(`many-${i}`), cm(`many-${i}`));
    });
    // No resourceVersion: every current object first, as ADDED, all queued before the client reads.
    const w = await openHttpsWatch(watchUrl(clusterId, "resourceVersion="), {
      token: served.token,
      ca: served.ca,
    });
    const initial = count + 1; // and kube-root-ca.crt
    await w.waitFor(initial);
    await t.runtime.store.transact(clusterId, (tx) => tx.create(cmRef("live"), cm("live")));
    const events = await w.waitFor(initial + 1);
    assert.deepEqual(
      events.map((e) => e.type),
      Array.from({ length: initial + 1 }, () => "ADDED"),
    );
    assert.equal(events.at(-1)?.object.metadata.name, "live");
    w.close();
  });
});
