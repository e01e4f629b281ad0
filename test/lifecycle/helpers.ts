import assert from "node:assert/strict";
import { Queue } from "bullmq";
import { bullPrefix, CLUSTER_LIFECYCLE_QUEUE } from "../../apps/api/src/platform/queues.ts";
import { reconcileQueueName } from "../../workers/src/runtime/reconcile-queue.ts";
import { call, type TestRuntime } from "../fixtures/runtime.ts";

export async function signup(t: TestRuntime, email: string): Promise<string> {
  const res = await call(t.app, "POST", "/v1/signup", { body: { email } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.token;
}

/** Creates a cluster (instant speed, one node unless said otherwise) and returns its view. */
export async function createCluster(
  t: TestRuntime,
  token: string,
  body: Record<string, unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: tests read the cluster view field by field.
): Promise<any> {
  const res = await call(t.app, "POST", "/v1/clusters", {
    token,
    body: { nodes: { count: 1 }, speed: "instant", ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Polls `read` until `ok` holds, failing after `timeoutMs` with what was last read. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    assert.ok(Date.now() < deadline, `${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RecordedEvent {
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** The cluster's platform events (the webhook outbox), oldest first. */
export async function platformEventsOf(t: TestRuntime, clusterId: string): Promise<RecordedEvent[]> {
  const rows = await t.database.db.sql<{ type: string; occurred_at: string | Date; data: unknown }[]>`
    select type, occurred_at, data from platform_events where cluster_id = ${clusterId} order by occurred_at, id`;
  return rows.map((r) => ({
    type: r.type,
    occurred_at: new Date(r.occurred_at),
    data: (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
  }));
}

/** The cluster lifecycle queue's delayed jobs naming one cluster (in their data or id), as name and due time. */
export async function delayedLifecycleJobs(
  t: TestRuntime,
  clusterId: string,
): Promise<{ name: string; dueAt: number }[]> {
  const jobs = await t.runtime.clusterQueue.getDelayed();
  return jobs
    .filter((j) => j.data?.clusterId === clusterId || j.id?.includes(clusterId))
    .map((j) => ({ name: j.name, dueAt: j.timestamp + (j.delay ?? 0) }));
}

/** The install's expiry job(s) waiting to run, as due time (there should be exactly one). */
export async function pendingExpiryJobs(t: TestRuntime): Promise<{ dueAt: number }[]> {
  const jobs = await t.runtime.clusterQueue.getJobs(["delayed", "waiting", "prioritized"]);
  return jobs.filter((j) => j.name === "expiry").map((j) => ({ dueAt: j.timestamp + (j.delay ?? 0) }));
}

/** What a Redis flush does to the cluster lifecycle queue: every key of it gone, jobs and all. */
export async function flushLifecycleQueue(t: TestRuntime): Promise<void> {
  const pattern = `${bullPrefix(t.runtime.config.redisPrefix)}:${CLUSTER_LIFECYCLE_QUEUE}:*`;
  let cursor = "0";
  do {
    const [next, keys] = await t.runtime.redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await t.runtime.redis.del(...keys);
  } while (cursor !== "0");
}

/**
 * Everything BullMQ holds scheduled for the cluster's controllers: delayed timer jobs, and delayed
 * (back-off) jobs of every controller queue.
 */
export async function delayedReconcileJobs(
  t: TestRuntime,
  clusterId: string,
  controllers: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const job of await t.runtime.reconcileQueue.timers.getDelayed()) {
    if (job.data?.clusterId === clusterId) found.push(`timer ${job.id}`);
  }
  for (const controller of controllers) {
    const queue = new Queue(reconcileQueueName(controller), {
      connection: t.runtime.redis,
      prefix: bullPrefix(t.runtime.config.redisPrefix),
    });
    try {
      for (const job of await queue.getDelayed()) {
        if (job.data?.clusterId === clusterId) found.push(`${controller} ${job.id}`);
      }
    } finally {
      await queue.close();
    }
  }
  return found;
}
