/**
 * npm run bench:api — the Kubernetes API of one cluster over HTTPS (keep-alive), against the service
 * started as `npm start` does (on the allocator of the service image: allocator.ts), on a fresh database:
 * on a settled cluster (every pod Running, the control plane quiet):
 *   GET of one pod (p50/p99 over 2,000 sequential requests), LIST of 1,000 pods as JSON and as a
 *   Table (p50/p99 over 100 requests each), and sustained GET req/s with 32 concurrent clients for 5 s.
 * Each is measured after a warm-up of the same requests: the figures are a serving process's, not
 * those of code V8 has not optimised yet (the first ~2,000 GETs of a fresh process are up to 50 %
 * slower).
 */
import { Agent, request } from "node:https";
import { parse } from "yaml";
import { httpsRequest, startServerProcess } from "../fixtures/server-process.ts";
import { deployedAllocator } from "./allocator.ts";

const PODS = Number(process.env.BENCH_PODS ?? 1000);
const WARM_UP_GETS = 2000;
const WARM_UP_LISTS = 10;
// Enough that the p99 is not simply the slowest request.
const LIST_SAMPLES = 100;
const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

// The limiter stays on (its Redis call is part of every request's cost) but never refuses.
const allocator = deployedAllocator();
const server = await startServerProcess({ LOG_LEVEL: "warn", RATE_LIMIT_RPS: "1000000", ...allocator.env });
const ca = server.caPem;
const agent = new Agent({ keepAlive: true, maxSockets: 64, ca });
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const fmt = (n: number) => `${n.toFixed(2)} ms`;

try {
  const signup = await httpsRequest(`${server.baseUrl}/v1/signup`, {
    method: "POST",
    body: { email: "bench@example.com" },
    ca,
    agent,
  });
  const token = signup.json().token as string;
  const created = await httpsRequest(`${server.baseUrl}/v1/clusters`, {
    method: "POST",
    // Room for every pod (110 per node), started at once: the API is measured on a settled cluster.
    body: { name: "bench", speed: "instant", nodes: { count: Math.ceil(PODS / 100) + 1 } },
    token,
    ca,
    agent,
  });
  const id = created.json().id as string;
  while (
    (await httpsRequest(`${server.baseUrl}/v1/clusters/${id}`, { token, ca, agent })).json().status.phase !==
    "Ready"
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const kubeconfig = parse(
    (await httpsRequest(`${server.baseUrl}/v1/clusters/${id}/kubeconfig`, { token, ca, agent })).text,
  );
  const clusterToken = kubeconfig.users[0].user.token as string;
  const api = `${server.baseUrl}/k8s/${id}`;
  const kube = (path: string, options: { method?: string; body?: unknown; accept?: string } = {}) =>
    httpsRequest(`${api}${path}`, { ...options, token: clusterToken, ca, agent });

  for (let i = 0; i < PODS; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, PODS - i) }, (_, j) =>
        kube("/api/v1/namespaces/default/pods", {
          method: "POST",
          body: {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `pod-${i + j}`, labels: { app: "bench" } },
            spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
          },
        }).then((r) => {
          if (r.status !== 201) throw new Error(`create pod: ${r.status} ${r.text}`);
        }),
      ),
    );
  }

  // Wait until the control plane is done with them: the figures are the API's, not the scheduler's.
  for (;;) {
    const pods = (await kube("/api/v1/namespaces/default/pods")).json().items as {
      status?: { phase?: string };
    }[];
    if (pods.filter((p) => p.status?.phase === "Running").length === PODS) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 2000));

  // The measured requests read the answer as bytes, as a Go client does before it decodes: the
  // fixture's answer as a JS string costs this client as much CPU as the server spends on a list.
  const measured = (path: string, accept?: string) =>
    new Promise<{ status: number; bytes: number }>((resolve, reject) => {
      const req = request(
        `${api}${path}`,
        { agent, ca, headers: { authorization: `Bearer ${clusterToken}`, ...(accept ? { accept } : {}) } },
        (res) => {
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
        },
      );
      req.on("error", reject);
      req.end();
    });
  const getPod = (i: number) => measured(`/api/v1/namespaces/default/pods/pod-${i % PODS}`);
  for (let i = 0; i < WARM_UP_GETS; i++) await getPod(i);
  const getTimes: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const start = performance.now();
    const res = await getPod(i);
    if (res.status !== 200) throw new Error(`get: ${res.status}`);
    getTimes.push(performance.now() - start);
  }
  const timeList = async (accept?: string) => {
    for (let i = 0; i < WARM_UP_LISTS; i++) await measured("/api/v1/namespaces/default/pods", accept);
    const times: number[] = [];
    for (let i = 0; i < LIST_SAMPLES; i++) {
      const start = performance.now();
      const res = await measured("/api/v1/namespaces/default/pods", accept);
      // Every pod is in it (each is ~2 KiB): a fast answer that left them out would measure nothing.
      if (res.status !== 200 || res.bytes < PODS * 1000)
        throw new Error(`list: ${res.status}, ${res.bytes} bytes`);
      times.push(performance.now() - start);
    }
    return times;
  };
  const listJson = await timeList();
  const listTable = await timeList(TABLE_ACCEPT);

  let done = 0;
  const until = performance.now() + 5000;
  await Promise.all(
    Array.from({ length: 32 }, async (_, c) => {
      for (let i = c; performance.now() < until; i += 32) {
        const res = await getPod(i);
        if (res.status !== 200) throw new Error(`get: ${res.status}`);
        done++;
      }
    }),
  );

  console.log(`API process on ${allocator.name}`);
  console.log(`GET one pod: p50 ${fmt(percentile(getTimes, 50))}, p99 ${fmt(percentile(getTimes, 99))}`);
  console.log(
    `LIST ${PODS} pods (JSON): p50 ${fmt(percentile(listJson, 50))}, p99 ${fmt(percentile(listJson, 99))}`,
  );
  console.log(
    `LIST ${PODS} pods (Table): p50 ${fmt(percentile(listTable, 50))}, p99 ${fmt(percentile(listTable, 99))}`,
  );
  console.log(`sustained GET: ${(done / 5).toFixed(0)} req/s with 32 concurrent clients`);
} finally {
  agent.destroy();
  await server.cleanup();
}
