import { errorFields } from "../platform/logger.ts";
import { redisKey } from "../platform/redis.ts";
import type { Runtime } from "../platform/runtime.ts";

/** When this process last wrote a cluster's activity: the hot path writes Redis rarely, not per request. */
const lastWrites = new Map<string, number>();

const activityKey = (runtime: Runtime, clusterId: string) =>
  redisKey(runtime.config.redisPrefix, "activity", `{${clusterId}}`);

/**
 * How stale a recorded activity may be: a process writes a cluster's activity at most once per this
 * long, so the idle check adds it before calling a cluster idle. A tenth of the idle window, at most 5 s.
 */
export function activityWriteIntervalMs(runtime: Runtime): number {
  return Math.min(5000, Math.floor(runtime.config.idleHibernateMs / 10));
}

/**
 * Notes an API call to the cluster (its Kubernetes API or its /v1 resource) for the idle check.
 * Costs nothing on most requests: one Redis SET per cluster per write interval per process, not
 * awaited (a lost write costs at most an early hibernation, which the next request undoes).
 */
export function noteClusterActivity(runtime: Runtime, clusterId: string): void {
  if (runtime.config.idleHibernateMs === 0) return;
  const now = runtime.clock.now().getTime();
  const last = lastWrites.get(clusterId);
  if (last !== undefined && now - last >= 0 && now - last < activityWriteIntervalMs(runtime)) return;
  recordClusterActivity(runtime, clusterId, now).catch((err: unknown) =>
    runtime.log.warn("could not record cluster activity", { clusterId, ...errorFields(err) }),
  );
}

/** Records an API call at `at` (epoch ms) now, without throttling: creation and waking start the idle window. */
export async function recordClusterActivity(runtime: Runtime, clusterId: string, at: number): Promise<void> {
  if (lastWrites.size >= 100_000) lastWrites.clear();
  lastWrites.set(clusterId, at);
  // The key outlives any idle check that reads it; a hibernated or deleted cluster drops it.
  const keepMs = 2 * runtime.config.idleHibernateMs + 60_000;
  await runtime.redis.set(activityKey(runtime, clusterId), String(at), "PX", keepMs);
}

/** The cluster's last recorded API call (epoch ms), if any. */
export async function lastClusterActivity(runtime: Runtime, clusterId: string): Promise<number | undefined> {
  const value = await runtime.redis.get(activityKey(runtime, clusterId));
  const at = value === null ? Number.NaN : Number(value);
  return Number.isFinite(at) ? at : undefined;
}

/** Hibernating or deleting a cluster drops its activity (a later /v1 read may note one; it expires). */
export async function forgetClusterActivity(runtime: Runtime, clusterId: string): Promise<void> {
  lastWrites.delete(clusterId);
  await runtime.redis.del(activityKey(runtime, clusterId));
}
