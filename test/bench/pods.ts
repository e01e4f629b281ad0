/**
 * npm run bench:pods — the control plane under load, with the API and the workers each in a process
 * of their own (as in production), on a fresh database.
 *   1. One cluster of 20 nodes at `instant` speed: a Deployment scaled from 0 to 2,000 replicas.
 *      Seconds until all pods are Running and Ready, pods/s, Postgres writes (committed changes) and
 *      transactions per pod.
 *   2. 1,000 clusters each running the walkthrough's app (ConfigMap, Secret, two Deployments, two
 *      Services): memory of the API and worker processes and of Postgres, then CPU over a minute of
 *      idleness and the jobs left scheduled (goal: none).
 */
import { spawn } from "node:child_process";
import { Agent } from "node:https";
import { httpsRequest, startServerProcess } from "../fixtures/server-process.ts";
import { commandCpuSeconds, processGroupStats } from "./process-stats.ts";

const PODS = Number(process.env.BENCH_PODS ?? 2000);
const NODES = Number(process.env.BENCH_NODES ?? 20);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 1000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
// BENCH_CREATE_ONLY=1: the pods name a scheduler nobody runs, so they stay Pending and the scale-up
// measures the ReplicaSet controller's creates alone (counted as created, not as Running). Its cost
// beside a whole scale-up's tells how the control plane's CPU splits between creating the pods
// and scheduling and starting them.
const CREATE_ONLY = process.env.BENCH_CREATE_ONLY === "1";
const UNSERVED_SCHEDULER = "bench-nobody";

// The resync an active cluster arms is due RESYNC_SECONDS after its last burst of activity; the
// idle window starts once it has run, so that what is measured is a cluster nobody touches.
const RESYNC_SECONDS = 20;
const server = await startServerProcess(
  {
    LOG_LEVEL: "warn",
    MAX_CLUSTERS_PER_TENANT: "100000",
    RESYNC_SECONDS: String(RESYNC_SECONDS),
    // The 2,000-pod Deployment is past the default per-cluster quotas, and one token drives it all.
    MAX_PODS_PER_CLUSTER: String(Math.max(PODS, 1000)),
    MAX_OBJECTS_PER_CLUSTER: String(Math.max(PODS, 1000) + 1000),
    RATE_LIMIT_RPS: "0",
  },
  { script: "start:api" },
);
// BENCH_WORKERS_NODE_OPTIONS: node flags for the worker process alone (--cpu-prof, …).
const workerFlags = (process.env.BENCH_WORKERS_NODE_OPTIONS ?? "").split(" ").filter(Boolean);
// BENCH_WORKER_PROCESSES: how many worker processes share the queues (they scale out).
const WORKER_PROCESSES = Number(process.env.BENCH_WORKER_PROCESSES ?? 1);
const workerProcesses = Array.from({ length: WORKER_PROCESSES }, () =>
  spawn(process.execPath, [...workerFlags, "--import", "tsx", "workers/src/main.ts"], {
    env: server.env,
    stdio: "ignore",
    detached: true,
  }),
);
/** CPU seconds and resident memory of every worker process together. */
function workersStats(): { cpuSeconds: number; rssBytes: number } {
  const all = workerProcesses.map((w) => processGroupStats(w.pid!));
  return {
    cpuSeconds: all.reduce((sum, s) => sum + s.cpuSeconds, 0),
    rssBytes: all.reduce((sum, s) => sum + s.rssBytes, 0),
  };
}
const { database, caPem: ca } = server;
const agent = new Agent({ keepAlive: true, maxSockets: 32, ca });
const req = (method: string, path: string, token?: string, body?: unknown, contentType?: string) =>
  httpsRequest(`${server.baseUrl}${path}`, {
    method,
    token,
    body,
    ca,
    agent,
    ...(contentType ? { headers: { "content-type": contentType } } : {}),
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createCluster(token: string, name: string, body: Record<string, unknown>): Promise<string> {
  const created = await req("POST", "/v1/clusters", token, { name, ...body });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const id = created.json().id as string;
  for (;;) {
    const got = await req("GET", `/v1/clusters/${id}`, token);
    if (got.json().status.phase === "Ready") return id;
    await sleep(20);
  }
}

function deployment(name: string, replicas: number, image: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ...extra }] },
      },
    },
  };
}

async function clusterWrites(clusterId: string): Promise<number> {
  const [row] = await database.db.sql<
    { rv: number }[]
  >`select rv from cluster_versions where cluster_id = ${clusterId}`;
  return Number(row?.rv ?? 0);
}

/** Every object write in every cluster: the sum of the clusters' resourceVersion counters. */
async function allWrites(): Promise<number> {
  const [row] = await database.db.sql<
    { n: string }[]
  >`select coalesce(sum(rv), 0)::text as n from cluster_versions`;
  return Number(row?.n ?? 0);
}

async function commits(): Promise<number> {
  const [row] = await database.db.sql<{ n: string }[]>`
    select xact_commit::text as n from pg_stat_database where datname = current_database()`;
  return Number(row?.n ?? 0);
}

async function scaleUp(token: string): Promise<void> {
  const id = await createCluster(token, "pods", {
    nodes: { count: NODES, cpu: "64", memory: "256Gi" },
    speed: "instant",
  });
  const apps = `/k8s/${id}/apis/apps/v1/namespaces/default/deployments`;
  const web = deployment("web", 0, "nginx:1.27");
  if (CREATE_ONLY) Object.assign(web.spec.template.spec, { schedulerName: UNSERVED_SCHEDULER });
  const created = await req("POST", apps, token, web);
  if (created.status !== 201) throw new Error(`deployment: ${created.status} ${created.text}`);
  await sleep(500);
  const writesBefore = await clusterWrites(id);
  const commitsBefore = await commits();
  const started = performance.now();
  const scaled = await req(
    "PATCH",
    `${apps}/web/scale`,
    token,
    { spec: { replicas: PODS } },
    "application/merge-patch+json",
  );
  if (scaled.status !== 200) throw new Error(`scale: ${scaled.status} ${scaled.text}`);
  let lastReport = 0;
  const cpuBefore = {
    api: processGroupStats(server.child.pid!).cpuSeconds,
    work: workersStats().cpuSeconds,
    postgres: commandCpuSeconds("postgres"),
  };
  // Counted in Postgres, not through the API, and from the change log: each poll reads only the
  // pod changes since the last one, so the benchmark does not load what it measures.
  const ready = new Map<string, boolean>();
  let seenRv = writesBefore;
  for (;;) {
    const rows = await database.db.sql<{ rv: number; type: string; name: string; ready: boolean }[]>`
      select rv, type, name,
             (body->'status'->>'phase' = 'Running'
               and (body->'status'->'conditions')::jsonb @> '[{"type":"Ready","status":"True"}]') as ready
      from changes
      where cluster_id = ${id} and rv > ${seenRv} and api_group = '' and resource = 'pods'
      order by rv`;
    for (const row of rows) {
      if (row.type === "DELETED") ready.delete(row.name);
      else ready.set(row.name, CREATE_ONLY || row.ready);
      seenRv = Math.max(seenRv, Number(row.rv));
    }
    const versions = await database.db.sql<{ compacted_rv: number }[]>`
      select compacted_rv from cluster_versions where cluster_id = ${id}`;
    if (Number(versions[0]?.compacted_rv ?? 0) > seenRv)
      throw new Error("the change log was compacted past the count");
    const running = [...ready.values()].filter(Boolean).length;
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed - lastReport >= 5) {
      console.log(`  … ${elapsed.toFixed(0)} s: ${ready.size} pods, ${running} Running`);
      lastReport = elapsed;
    }
    if (running >= PODS) break;
    if (elapsed > 600) throw new Error(`only ${running} of ${PODS} Running after 600 s`);
    await sleep(100);
  }
  const cpuAfter = {
    api: processGroupStats(server.child.pid!).cpuSeconds,
    work: workersStats().cpuSeconds,
    postgres: commandCpuSeconds("postgres"),
  };
  console.log(
    `  CPU during the scale-up: API ${(cpuAfter.api - cpuBefore.api).toFixed(1)} s, ${WORKER_PROCESSES} worker process(es) ${(cpuAfter.work - cpuBefore.work).toFixed(1)} s, Postgres ${(cpuAfter.postgres - cpuBefore.postgres).toFixed(1)} s`,
  );
  const seconds = (performance.now() - started) / 1000;
  const writes = (await clusterWrites(id)) - writesBefore;
  const txns = (await commits()) - commitsBefore;
  console.log(
    `scale 0→${PODS} on ${NODES} nodes (instant): ${seconds.toFixed(1)} s until all ${CREATE_ONLY ? "created (not scheduled)" : "Running"}, ${(PODS / seconds).toFixed(0)} pods/s, ${(writes / PODS).toFixed(1)} object writes/pod, ${(txns / PODS).toFixed(1)} Postgres commits/pod`,
  );
  await req("DELETE", `/v1/clusters/${id}`, token);
}

async function walkthroughApp(token: string, clusterId: string): Promise<void> {
  const core = `/k8s/${clusterId}/api/v1/namespaces/default`;
  const apps = `/k8s/${clusterId}/apis/apps/v1/namespaces/default/deployments`;
  const posts: [string, unknown][] = [
    [
      `${core}/configmaps`,
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "mongo-config" },
        data: { "mongo-url": "mongo-service" },
      },
    ],
    [
      `${core}/secrets`,
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "mongo-secret" },
        stringData: { "mongo-user": "mongouser", "mongo-password": "mongopassword" },
      },
    ],
    [`${apps}`, deployment("mongo", 1, "mongo:5.0", { ports: [{ containerPort: 27017 }] })],
    [
      `${core}/services`,
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "mongo-service" },
        spec: { selector: { app: "mongo" }, ports: [{ port: 27017, targetPort: 27017 }] },
      },
    ],
    [
      `${apps}`,
      deployment("webapp", 1, "nanajanashia/k8s-demo-app:v1.0", { ports: [{ containerPort: 3000 }] }),
    ],
    [
      `${core}/services`,
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "webapp-service" },
        spec: { type: "NodePort", selector: { app: "webapp" }, ports: [{ port: 3000, targetPort: 3000 }] },
      },
    ],
  ];
  for (const [path, body] of posts) {
    const res = await req("POST", path, token, body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
  }
}

async function manyIdleClusters(token: string): Promise<void> {
  const started = performance.now();
  const ids: string[] = [];
  const batch = 20;
  for (let i = 0; i < CLUSTERS; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, CLUSTERS - i) }, (_, j) =>
        createCluster(token, `app-${i + j}`, { nodes: { count: 3 }, speed: "instant" }),
      ),
    );
    await Promise.all(made.map((id) => walkthroughApp(token, id)));
    ids.push(...made);
  }
  // Wait until every app pod runs.
  for (;;) {
    const [row] = await database.db.sql<{ n: string }[]>`
      select count(*)::text as n from objects
      where resource = 'pods' and api_group = '' and body->'status'->>'phase' = 'Running'`;
    const running = Number(row?.n ?? 0);
    if (running >= CLUSTERS * 2) break;
    if ((performance.now() - started) / 1000 > 1200) throw new Error(`only ${running} app pods running`);
    await sleep(1000);
  }
  console.log(
    `${CLUSTERS} clusters with the walkthrough app running after ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  // Let in-flight reconciles and the resyncs their last changes armed finish: the window measures
  // clusters nobody touches.
  await waitForQuiet();
  const api = processGroupStats(server.child.pid!);
  const work = workersStats();
  const [size] = await database.db.sql<
    { bytes: string }[]
  >`select pg_database_size(current_database())::text as bytes`;
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
  console.log(
    `memory: API processes ${mb(api.rssBytes)}, worker processes ${mb(work.rssBytes)}, Postgres database ${mb(Number(size?.bytes ?? 0))} (${(Number(size?.bytes ?? 0) / CLUSTERS / 1024).toFixed(0)} KiB per cluster)`,
  );
  const before = { api: api.cpuSeconds, work: work.cpuSeconds, writes: await allWrites() };
  await sleep(IDLE_SECONDS * 1000);
  const after = {
    api: processGroupStats(server.child.pid!).cpuSeconds,
    work: workersStats().cpuSeconds,
  };
  const idleWrites = (await allWrites()) - before.writes;
  const delayed = await countDelayedJobs();
  console.log(
    `idle ${IDLE_SECONDS} s: CPU API ${(after.api - before.api).toFixed(2)} s, workers ${(after.work - before.work).toFixed(2)} s (${(((after.api - before.api + after.work - before.work) / IDLE_SECONDS) * 100).toFixed(2)} % of one core), ${idleWrites} object writes, ${delayed} delayed jobs left`,
  );
}

/**
 * Waits until the control plane has nothing to do for 5 s in a row: no reconcile waiting, running or
 * due later (timers, armed resyncs). The clusters' idle checks (lifecycle jobs) stay: they are what
 * an idle cluster keeps.
 */
async function waitForQuiet(): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(server.redis.url);
  try {
    let quietSince = performance.now();
    const deadline = performance.now() + 10 * RESYNC_SECONDS * 1000;
    while (performance.now() < deadline) {
      const keys = await redis.keys(`${server.redis.prefix}*reconcile-*`);
      let pending = 0;
      for (const key of keys) {
        if (key.endsWith(":delayed") || key.endsWith(":prioritized")) pending += await redis.zcard(key);
        else if (key.endsWith(":wait") || key.endsWith(":active")) pending += await redis.llen(key);
      }
      if (pending > 0) quietSince = performance.now();
      else if (performance.now() - quietSince > 5000) return;
      await sleep(1000);
    }
    throw new Error("the control plane never went quiet");
  } finally {
    redis.disconnect();
  }
}

/** Delayed BullMQ jobs (timers) under this run's prefix: an idle cluster should leave none. */
async function countDelayedJobs(): Promise<number> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(server.redis.url);
  try {
    const keys = await redis.keys(`${server.redis.prefix}*:delayed`);
    let n = 0;
    for (const key of keys) {
      const count = await redis.zcard(key);
      n += count;
      if (count > 0 && process.env.BENCH_VERBOSE) {
        const ids = await redis.zrange(key, 0, 20);
        console.log(`  ${key}: ${count}`, ids.join(" "));
      }
    }
    return n;
  } finally {
    redis.disconnect();
  }
}

try {
  const signup = await req("POST", "/v1/signup", undefined, { email: "bench-pods@example.com" });
  const token = signup.json().token as string;
  if (PODS > 0) await scaleUp(token);
  if (CLUSTERS > 0) await manyIdleClusters(token);
} finally {
  agent.destroy();
  // A clean stop first (a --cpu-prof profile is written on exit), then whatever is left.
  const exited = Promise.all(workerProcesses.map((w) => new Promise((r) => w.once("exit", r))));
  for (const w of workerProcesses) w.kill("SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  for (const w of workerProcesses) {
    try {
      process.kill(-w.pid!, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  await server.cleanup();
}
