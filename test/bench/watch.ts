/**
 * npm run bench:watch — many watches on one API process: 10,000 watches over 1,000 clusters (10 per
 * cluster, each `GET …/namespaces/default/configmaps?watch=true&resourceVersion=<rv>`, a cluster's
 * watches multiplexed on one HTTP/2 connection as kubectl and client-go open them), then ~1,000
 * writes/s spread at random over the clusters, each write seen by the 10 watches of its cluster
 * (~10,000 events/s).
 *   - delivery latency: commit → client (the writer records when each commit returned) and
 *     write start → client (an annotation stamped before the write), p50/p99/max;
 *   - memory per idle watch: the API process's RSS (and V8's share of it) and heap after full
 *     collections (median of three readings), before and after opening the watches, divided by
 *     their number (connection and TLS state included);
 *   - CPU of each process, idle (watches open, no writes) and under load, and of the whole machine;
 *   - the transport's floor: the same watches opened on a bare Node HTTP/2 server (raw stream API,
 *     one line written per stream, no application) and measured the same way: what Node's TLS and
 *     HTTP/2 cost per watch whatever the API does.
 * Three processes, so that no event loop serves two roles: the API (what `npm run start:api` runs,
 * plus a stats channel, on the service image's allocator: allocator.ts), the watch client, and this
 * one (setup and the writer, through the store as a controller writes). Clusters are created
 * straight through the store; the bench is about watch.
 * BENCH_TRANSPORT: `h2` (default: a cluster's watches are streams of one HTTP/2 connection, as
 * kubectl and client-go multiplex them) or `h1` (one HTTPS/1.1 connection per watch).
 * BENCH_CLUSTERS, BENCH_WATCHES_PER_CLUSTER, BENCH_RATES (writes/s of each load phase, comma-separated)
 * and BENCH_SECONDS (per phase) change the shape.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { type ClientHttp2Session, type ClientHttp2Stream, connect, createSecureServer } from "node:http2";
import { Agent, request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { getHeapStatistics, writeHeapSnapshot } from "node:v8";
import { loadConfig } from "../../apps/api/src/config.ts";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { openRuntime } from "../../apps/api/src/platform/runtime.ts";
import { issueServingCertificate, type KeyPairPem } from "../../apps/api/src/tls/certificates.ts";
import { loadOrCreateCa } from "../../apps/api/src/tls/server-tls.ts";
import { createTestDatabase } from "../fixtures/database.ts";
import { createTestRedis } from "../fixtures/redis.ts";
import { freePort } from "../fixtures/server-process.ts";
import { createReadyClusters } from "../watch/direct-clusters.ts";
import { deployedAllocator } from "./allocator.ts";

const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 1000);
const PER_CLUSTER = Number(process.env.BENCH_WATCHES_PER_CLUSTER ?? 10);
/** Load phases, in writes/s: one this 2-core machine sustains beside Postgres, then the target. */
const RATES = (process.env.BENCH_RATES ?? "250,1000").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TRANSPORT = process.env.BENCH_TRANSPORT === "h1" ? "h1" : "h2";
const STAMP = "bench.sandcastle.dev/written-at";
const SELF = fileURLToPath(import.meta.url);

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

interface Stats {
  loopDelay?: { p99: number; max: number };
  rss: number;
  heapUsed: number;
  external: number;
  cpuMs: number;
  /** V8's heap pages in memory (part of the RSS). */
  v8Pages: number;
}
/** This process's figures; `collect` forces a full GC first (hundreds of ms: memory figures only). */
function ownStats(collect = false): Stats {
  // biome-ignore lint/suspicious/noExplicitAny: gc exists only under --expose-gc.
  if (collect) (globalThis as any).gc?.();
  const m = process.memoryUsage();
  const c = process.cpuUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    cpuMs: (c.user + c.system) / 1000,
    v8Pages: getHeapStatistics().total_physical_size,
  };
}

/**
 * Answers `{stats: id}` messages from the parent with this process's figures, including how late
 * its event loop ran since the previous answer (what an event waits before it is handled).
 */
function serveStats(extra: () => Record<string, unknown> = () => ({})) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on("message", (msg: { stats?: number; collect?: boolean; heapSnapshot?: string }) => {
    if (msg.heapSnapshot) {
      writeHeapSnapshot(msg.heapSnapshot);
      process.send!({ heapSnapshotWritten: true });
    }
    if (msg.stats === undefined) return;
    const loopDelay = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    const stats = { statsReply: msg.stats, ...ownStats(msg.collect), loopDelay, ...extra() };
    delay.reset();
    process.send!(stats);
  });
}

type Message = Record<string, unknown>;
/** A child process with request/answer helpers over its IPC channel. */
class Child {
  private seq = 0;
  private readonly waiting: { key: string; id?: number; resolve: (msg: Message) => void }[] = [];
  constructor(readonly process: ChildProcess) {
    process.on("message", (msg: Message) => {
      const i = this.waiting.findIndex((w) => w.key in msg && (w.id === undefined || msg[w.key] === w.id));
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(msg);
    });
  }
  /** Resolves with the next message carrying `key`. */
  next(key: string): Promise<Message> {
    return new Promise((resolve) => this.waiting.push({ key, resolve }));
  }
  async stats(collect = false): Promise<Stats & Message> {
    const id = ++this.seq;
    const reply = new Promise<Message>((resolve) => this.waiting.push({ key: "statsReply", id, resolve }));
    this.process.send({ stats: id, collect });
    return (await reply) as Stats & Message;
  }
}

/**
 * A process's memory after full collections: the median of three readings a second apart, as RSS
 * moves by megabytes from one reading to the next (heap pages and malloc arenas given back late).
 */
async function settledMemory(child: Child): Promise<Stats> {
  const readings: Stats[] = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(1000);
    readings.push(await child.stats(true));
  }
  return readings.sort((a, b) => a.rss - b.rss)[1]!;
}

function spawnRole(role: string, env: NodeJS.ProcessEnv): Child {
  const child = fork(SELF, [role], {
    // BENCH_API_NODE_OPTIONS: flags for the API process alone (--cpu-prof, --max-semi-space-size…).
    execArgv: [
      "--expose-gc",
      "--import",
      "tsx",
      ...(role === "server" ? (process.env.BENCH_API_NODE_OPTIONS ?? "").split(" ").filter(Boolean) : []),
    ],
    env,
    serialization: "advanced",
    // The API's stdout carries its boot banner (the admin token); warnings and errors go to stderr.
    stdio: ["ignore", role === "server" ? "ignore" : "inherit", "inherit", "ipc"],
  });
  return new Child(child);
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU seconds used so far by every process whose command name is `comm` (Postgres, Redis). */
function cpuOf(comm: string): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!name.startsWith(comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks / 100;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise<false>((r) => setTimeout(() => r(false), ms));
const ms = (n: number) => `${n.toFixed(2)} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

// ---------------------------------------------------------------------------------------------
// The API process: what `npm run start:api` runs, plus the stats channel.

async function runServer() {
  const { boot } = await import("../../apps/api/src/boot/boot.ts");
  const { startApiServer } = await import("../../apps/api/src/server.ts");
  const booted = await boot("api");
  const server = await startApiServer(booted.runtime);
  serveStats();
  process.send!({ ready: true, port: server.port });
  process.on("disconnect", () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The transport's floor: Node's own HTTP/2-over-TLS server, answering each watch with one bookmark
// and holding it open, with the API's kind of certificate. Nothing of the application is loaded.

async function runFloor() {
  const serving = (msg: { floorTls: KeyPairPem }) => {
    const server = createSecureServer({
      cert: msg.floorTls.certPem,
      key: msg.floorTls.keyPem,
      allowHTTP1: true,
    });
    server.on("stream", (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/json" });
      stream.write('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"1"}}}\n');
    });
    server.listen(0, "127.0.0.1", () => {
      serveStats();
      process.send!({ ready: true, port: (server.address() as AddressInfo).port });
    });
  };
  process.once("message", serving);
  process.on("disconnect", () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The watch client: opens the watches, timestamps every event on arrival.

interface ClientSetup {
  base: string;
  ca: string;
  token: string;
  clusterIds: string[];
  fromRv: number[];
  perCluster: number;
}

async function runClient() {
  const setupArrived = new Promise<ClientSetup>((resolve) =>
    process.once("message", (msg: { setup: ClientSetup }) => resolve(msg.setup)),
  );
  process.send!({ ready: true });
  const setup = await setupArrived;
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxCachedSessions: 1000 });
  // Receipts: (cluster index, resourceVersion) as one number, arrival time, and the writer's stamp.
  let keys = new Float64Array(1 << 20);
  let arrived = new Float64Array(1 << 20);
  let stamped = new Float64Array(1 << 20);
  let received = 0;
  let bookmarks = 0;
  let failures = 0;
  const record = (cluster: number, rv: number, stamp: number) => {
    if (received === keys.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      keys = grow(keys);
      arrived = grow(arrived);
      stamped = grow(stamped);
    }
    keys[received] = cluster * 1e9 + rv;
    arrived[received] = now();
    stamped[received] = stamp;
    received++;
  };
  const requests: { destroy(): void }[] = [];
  const sessions = new Map<number, ClientHttp2Session>();
  let watching = 0;
  /** Reads newline-delimited watch events off a stream and records each arrival. */
  const consume = (cluster: number, body: NodeJS.ReadableStream) => {
    let buffer = "";
    body.setEncoding("utf8");
    body.on("data", (text: string) => {
      buffer += text;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const event = JSON.parse(buffer.slice(0, newline)) as { type: string; object: KubeObject };
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
        if (event.type === "BOOKMARK") bookmarks++;
        else
          record(
            cluster,
            Number(event.object.metadata.resourceVersion),
            Number(event.object.metadata.annotations?.[STAMP] ?? Number.NaN),
          );
      }
    });
  };
  const watchPath = (cluster: number) =>
    `/k8s/${setup.clusterIds[cluster]!}/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${setup.fromRv[cluster]}&timeoutSeconds=3600`;
  const openH1 = (cluster: number) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        `${setup.base}${watchPath(cluster)}`,
        { agent, ca: setup.ca, headers: { authorization: `Bearer ${setup.token}` } },
        (res) => {
          if (res.statusCode !== 200) {
            failures++;
            res.resume();
            return reject(new Error(`watch: ${res.statusCode}`));
          }
          consume(cluster, res);
          watching++;
          resolve();
        },
      );
      req.on("error", (err) => {
        failures++;
        reject(err);
      });
      req.end();
      requests.push(req);
    });
  const openH2 = (cluster: number) =>
    new Promise<void>((resolve, reject) => {
      let session = sessions.get(cluster);
      if (!session) {
        session = connect(setup.base, { ca: setup.ca });
        session.on("error", () => failures++);
        sessions.set(cluster, session);
        requests.push(session);
      }
      const stream: ClientHttp2Stream = session.request({
        ":path": watchPath(cluster),
        authorization: `Bearer ${setup.token}`,
      });
      stream.on("response", (headers) => {
        if (headers[":status"] !== 200) {
          failures++;
          stream.resume();
          return reject(new Error(`watch: ${headers[":status"]}`));
        }
        consume(cluster, stream);
        watching++;
        resolve();
      });
      stream.on("error", (err) => {
        failures++;
        reject(err);
      });
    });
  const open = TRANSPORT === "h2" ? openH2 : openH1;
  const openAll = async (clusters: number[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let i = next++; i < clusters.length; i = next++) {
          for (let w = 0; w < setup.perCluster; w++) await open(clusters[i]!);
        }
      }),
    );
  };
  serveStats(() => ({ received, bookmarks, failures, watching, connections: requests.length }));
  process.on(
    "message",
    async (msg: { open?: number[]; closeAll?: boolean; report?: Float64Array[]; base?: string }) => {
      if (msg.base) setup.base = msg.base;
      if (msg.open) {
        const started = now();
        await openAll(msg.open).catch((err: unknown) => console.error("open failed:", err));
        process.send!({ opened: true, count: watching, ms: now() - started });
      }
      if (msg.closeAll) {
        for (const r of requests.splice(0)) r.destroy();
        sessions.clear();
        watching = 0;
        received = 0;
        process.send!({ closed: true });
      }
      if (msg.report) {
        // The writer's commits of one load phase: latency of each receipt of them, from the commit.
        const [commitKeys, commitTimes] = msg.report as [Float64Array, Float64Array];
        const committed = new Map<number, number>();
        for (let i = 0; i < commitKeys.length; i++) committed.set(commitKeys[i]!, commitTimes[i]!);
        const fromCommit: number[] = [];
        const fromStamp: number[] = [];
        for (let i = 0; i < received; i++) {
          const at = committed.get(keys[i]!);
          if (at === undefined) continue;
          fromCommit.push(arrived[i]! - at);
          fromStamp.push(arrived[i]! - stamped[i]!);
        }
        process.send!({
          latencies: true,
          fromCommit: Float64Array.from(fromCommit).sort(),
          fromStamp: Float64Array.from(fromStamp).sort(),
        });
      }
    },
  );
  process.on("disconnect", () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The orchestrator: database, clusters, the writer, the figures.

async function runBench() {
  const allocator = deployedAllocator();
  const database = await createTestDatabase();
  const redis = createTestRedis();
  const dataDir = await mkdtemp(join(tmpdir(), "sandcastle-bench-watch-"));
  const children: Child[] = [];
  try {
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      PORT: String(await freePort()),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SECRETS_KEY: randomBytes(32).toString("base64"),
      DATA_DIR: dataDir,
      // One token opens every watch: the bench is about watch, not the per-token rate limit.
      RATE_LIMIT_RPS: "0",
    };
    const runtime = await openRuntime(
      loadConfig(env),
      { databaseUrl: database.url, redisUrl: redis.url },
      { migrate: false },
    );
    const caPair = await loadOrCreateCa(runtime.db.orm);
    const ca = caPair.certPem;
    let t = now();
    const { token, clusterIds } = await createReadyClusters(runtime, CLUSTERS, { caPem: ca });
    const ref = { group: "", resource: "configmaps", namespace: "default", name: "bench" };
    let nextCluster = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = nextCluster++; i < CLUSTERS; i = nextCluster++) {
          await runtime.store.transact(clusterIds[i]!, (tx) =>
            tx.create(ref, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bench" }, data: {} }),
          );
        }
      }),
    );
    const fromRv = await Promise.all(clusterIds.map(async (id) => (await runtime.store.versions(id))!.rv));
    console.log(`${CLUSTERS} clusters created in ${((now() - t) / 1000).toFixed(1)} s`);

    const server = spawnRole("server", { ...env, ...allocator.env });
    children.push(server);
    const { port } = (await server.next("ready")) as { port: number };
    const client = spawnRole("client", process.env);
    children.push(client);
    await client.next("ready");
    client.process.send({
      setup: { base: `https://127.0.0.1:${port}`, ca, token, clusterIds, fromRv, perCluster: PER_CLUSTER },
    });

    // Warm the server up (code paths, JIT, pools) with a few watches, then take the baseline.
    client.process.send({ open: [0, 1, 2, 3, 4] });
    await client.next("opened");
    client.process.send({ closeAll: true });
    await client.next("closed");
    await new Promise((r) => setTimeout(r, 1500));
    const before = await settledMemory(server);

    t = now();
    client.process.send({ open: clusterIds.map((_, i) => i) });
    const opened = (await client.next("opened")) as { count: number; ms: number };
    const watches = opened.count;
    console.log(`${watches} watches open in ${(opened.ms / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await settledMemory(server);
    if (process.env.BENCH_HEAP_SNAPSHOT) {
      // For finding what a watch holds: open it in Chrome DevTools' Memory tab.
      server.process.send({ heapSnapshot: process.env.BENCH_HEAP_SNAPSHOT });
      await server.next("heapSnapshotWritten");
    }

    // Idle: every watch open, nothing written; what the counter checks and bookmarks cost.
    const idleSeconds = 10;
    const idleFrom = { server: await server.stats(), client: await client.stats(), machine: machineCpu() };
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idleTo = { server: await server.stats(), client: await client.stats(), machine: machineCpu() };

    const cpu = (a: Stats, b: Stats, seconds: number) =>
      `${((b.cpuMs - a.cpuMs) / 10 / seconds).toFixed(0)}%`;
    const machine = (a: { busy: number; total: number }, b: { busy: number; total: number }) =>
      `${(((b.busy - a.busy) / (b.total - a.total)) * 100).toFixed(0)}% of all cores`;
    console.log(
      `\nbench:watch — ${watches} watches on ${CLUSTERS} clusters, one API process, ${
        TRANSPORT === "h2" ? "HTTP/2 (one connection per cluster)" : "HTTPS/1.1 (one connection per watch)"
      }; API and floor on ${allocator.name}`,
    );
    console.log(
      `memory per idle watch: RSS ${kib((after.rss - before.rss) / watches)} (V8 heap pages ${kib(
        (after.v8Pages - before.v8Pages) / watches,
      )}, the rest native), heap used ${kib((after.heapUsed - before.heapUsed) / watches)}, external ${kib(
        (after.external - before.external) / watches,
      )}` + ` (API RSS ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MiB)`,
    );
    console.log(
      `idle CPU (${idleSeconds} s): API ${cpu(idleFrom.server, idleTo.server, idleSeconds)}, client ${cpu(
        idleFrom.client,
        idleTo.client,
        idleSeconds,
      )}, machine ${machine(idleFrom.machine, idleTo.machine)}`,
    );

    /** `rate` writes/s for `seconds`, each an update of one random cluster's "bench" ConfigMap. */
    const loadPhase = async (rate: number) => {
      const commitKeys = new Float64Array(rate * SECONDS + 1);
      const commitTimes = new Float64Array(rate * SECONDS + 1);
      let commits = 0;
      let skipped = 0;
      let inFlight = 0;
      const write = async (cluster: number) => {
        inFlight++;
        try {
          const updated = await runtime.store.transact(clusterIds[cluster]!, async (tx) => {
            const current = (await tx.get(ref))!;
            return tx.update(ref, {
              ...current,
              metadata: { ...current.metadata, annotations: { [STAMP]: now().toFixed(3) } },
            });
          });
          // After the store published it: the API process has the message by now.
          commitTimes[commits] = now();
          commitKeys[commits] = cluster * 1e9 + Number(updated.metadata.resourceVersion);
          commits++;
        } finally {
          inFlight--;
        }
      };
      const from = {
        server: await server.stats(),
        client: await client.stats(),
        machine: machineCpu(),
        self: ownStats(),
        postgres: cpuOf("postgres"),
        redis: cpuOf("redis-server"),
      };
      const started = now();
      await new Promise<void>((resolve) => {
        let due = 0;
        const timer = setInterval(() => {
          const elapsed = now() - started;
          if (elapsed >= SECONDS * 1000) {
            clearInterval(timer);
            return resolve();
          }
          // Keep to the schedule, but never more than 256 writes in flight (the pool has 20).
          for (const target = Math.floor((elapsed / 1000) * rate); due < target; due++) {
            if (inFlight >= 256) {
              skipped++;
              continue;
            }
            void write(Math.floor(Math.random() * CLUSTERS)).catch((err: unknown) =>
              console.error("write failed:", err),
            );
          }
        }, 10);
      });
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
      const seconds = (now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 2000)); // stragglers
      const to = {
        server: await server.stats(),
        client: await client.stats(),
        machine: machineCpu(),
        self: ownStats(),
        postgres: cpuOf("postgres"),
        redis: cpuOf("redis-server"),
      };
      client.process.send({ report: [commitKeys.subarray(0, commits), commitTimes.subarray(0, commits)] });
      const report = (await client.next("latencies")) as {
        fromCommit: Float64Array;
        fromStamp: Float64Array;
      };
      const span = seconds + 2;
      const share = (cpuSeconds: number) => `${((cpuSeconds / span) * 100).toFixed(0)}%`;
      const lag = (s: Stats) =>
        `p99 ${ms(s.loopDelay?.p99 ?? Number.NaN)}, max ${ms(s.loopDelay?.max ?? Number.NaN)}`;
      console.log(`\nload at ${rate} writes/s:`);
      console.log(
        `  ${commits} writes in ${seconds.toFixed(1)} s (${(commits / seconds).toFixed(0)}/s${
          skipped ? `, ${skipped} skipped: the writer could not keep up` : ""
        }), ${report.fromCommit.length} of ${commits * PER_CLUSTER} events delivered`,
      );
      console.log(
        `  latency commit → client: p50 ${ms(percentile(report.fromCommit, 50))}, p99 ${ms(
          percentile(report.fromCommit, 99),
        )}, max ${ms(percentile(report.fromCommit, 100))}; write start → client: p50 ${ms(
          percentile(report.fromStamp, 50),
        )}, p99 ${ms(percentile(report.fromStamp, 99))}`,
      );
      console.log(`  event loop delay: API ${lag(to.server)}; client ${lag(to.client)}`);
      console.log(
        `  CPU (of one core): API ${cpu(from.server, to.server, span)}, client ${cpu(
          from.client,
          to.client,
          span,
        )}, writer ${cpu(from.self, to.self, span)}, Postgres ${share(
          to.postgres - from.postgres,
        )}, Redis ${share(to.redis - from.redis)}; machine ${machine(from.machine, to.machine)}`,
      );
    };
    for (const rate of RATES) await loadPhase(rate);
    await runtime.close();

    // The floor: the same watches on a bare Node HTTP/2 server, measured the same way.
    client.process.send({ closeAll: true });
    await client.next("closed");
    const floor = spawnRole("floor", { ...process.env, ...allocator.env });
    children.push(floor);
    floor.process.send({ floorTls: issueServingCertificate(caPair, ["127.0.0.1"]) });
    const floorPort = ((await floor.next("ready")) as { port: number }).port;
    client.process.send({ base: `https://127.0.0.1:${floorPort}`, open: [0, 1, 2, 3, 4] });
    await client.next("opened");
    client.process.send({ closeAll: true });
    await client.next("closed");
    await new Promise((r) => setTimeout(r, 1500));
    const floorBefore = await settledMemory(floor);
    client.process.send({ open: clusterIds.map((_, i) => i) });
    const floorWatches = ((await client.next("opened")) as { count: number }).count;
    await new Promise((r) => setTimeout(r, 3000));
    const floorAfter = await settledMemory(floor);
    if (process.env.BENCH_FLOOR_HEAP_SNAPSHOT) {
      floor.process.send({ heapSnapshot: process.env.BENCH_FLOOR_HEAP_SNAPSHOT });
      await floor.next("heapSnapshotWritten");
    }
    console.log(
      `\ntransport floor (bare Node ${process.version} HTTP/2 server, raw streams, no application): ` +
        `${floorWatches} watches, RSS ${kib((floorAfter.rss - floorBefore.rss) / floorWatches)} (V8 heap pages ${kib(
          (floorAfter.v8Pages - floorBefore.v8Pages) / floorWatches,
        )}), heap used ${kib((floorAfter.heapUsed - floorBefore.heapUsed) / floorWatches)} per idle watch`,
    );
  } finally {
    // Disconnecting lets each child exit on its own (and write a --cpu-prof profile), then kill.
    await Promise.all(
      children.map(async ({ process: child }) => {
        if (child.connected) child.disconnect();
        const exited = new Promise((r) => child.once("exit", r));
        if (child.exitCode === null && !(await Promise.race([exited, sleep(3000)]))) child.kill("SIGKILL");
      }),
    );
    await database.drop();
    await redis.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const role = process.argv[2];
if (role === "server") await runServer();
else if (role === "client") await runClient();
else if (role === "floor") await runFloor();
else await runBench();
