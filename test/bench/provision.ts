/**
 * npm run bench:provision — time from POST /v1/clusters to Ready, over HTTPS, against the API and
 * the workers each started as its own process, on a fresh database.
 *   1. 100 sequential creations: p50/p99 latency (client-observed, polling every 2 ms, and
 *      server-side from the cluster's createdAt to readyAt).
 *   2. 200 concurrent creations: clusters/s until all are Ready (one client lists the clusters every
 *      10 ms to see them become Ready).
 */
import { spawn } from "node:child_process";
import { Agent } from "node:https";
import { httpsRequest, startServerProcess } from "../fixtures/server-process.ts";

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 100);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 200);

// As in production: the API and the workers in processes of their own (`npm run start:api`,
// `npm run start:workers`), the client here.
const server = await startServerProcess(
  { LOG_LEVEL: "warn", MAX_CLUSTERS_PER_TENANT: "100000" },
  { script: "start:api" },
);
const workers = spawn("npm", ["run", "--silent", "start:workers"], {
  env: server.env,
  stdio: "ignore",
  detached: true,
});
const { database, caPem: ca } = server;
const agent = new Agent({ keepAlive: true, maxSockets: 64, ca });
const base = server.baseUrl;
const req = (method: string, path: string, token?: string, body?: unknown) =>
  httpsRequest(`${base}${path}`, { method, token, body, ca, agent });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function createAndWait(token: string, name: string): Promise<{ client: number; id: string }> {
  const start = performance.now();
  const created = await req("POST", "/v1/clusters", token, { name, nodes: { count: 3 } });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const id = created.json().id as string;
  for (;;) {
    const got = await req("GET", `/v1/clusters/${id}`, token);
    if (got.json().status.phase === "Ready") return { client: performance.now() - start, id };
    await new Promise((r) => setTimeout(r, 2));
  }
}

try {
  const signup = await req("POST", "/v1/signup", undefined, { email: "bench@example.com" });
  const token = signup.json().token as string;
  // Warm up connections, prepared statements and the JIT.
  for (let i = 0; i < 10; i++) await createAndWait(token, `warm-${i}`);

  const client: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const r = await createAndWait(token, `seq-${i}`);
    client.push(r.client);
    ids.push(r.id);
  }
  const rows = await database.db.sql<{ ms: number }[]>`
    select extract(epoch from (ready_at - created_at)) * 1000 as ms from clusters where id in ${database.db.sql(ids)}`;
  const serverSide = rows.map((r) => Number(r.ms));

  const started = performance.now();
  const created = await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const res = await req("POST", "/v1/clusters", token, { name: `par-${i}`, nodes: { count: 3 } });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
      return res.json().id as string;
    }),
  );
  const postsSeconds = (performance.now() - started) / 1000;
  const pending = new Set(created);
  while (pending.size > 0) {
    const list = await req("GET", "/v1/clusters", token);
    for (const c of list.json().items as { id: string; status: { phase: string } }[]) {
      if (c.status.phase === "Ready") pending.delete(c.id);
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 10));
  }
  const seconds = (performance.now() - started) / 1000;
  const fmt = (n: number) => `${n.toFixed(1)} ms`;
  console.log(
    `sequential (${SEQUENTIAL}): client p50 ${fmt(percentile(client, 50))}, p99 ${fmt(percentile(client, 99))}`,
  );
  console.log(
    `sequential (${SEQUENTIAL}): server createdAt→readyAt p50 ${fmt(percentile(serverSide, 50))}, p99 ${fmt(percentile(serverSide, 99))}`,
  );
  console.log(
    `concurrent (${CONCURRENT}): ${(CONCURRENT / seconds).toFixed(0)} clusters/s (${seconds.toFixed(2)} s until all Ready; all POSTs answered in ${postsSeconds.toFixed(2)} s)`,
  );
} finally {
  agent.destroy();
  process.kill(-workers.pid!, "SIGKILL");
  await server.cleanup();
}
