import { and, eq, ne } from "drizzle-orm";
import { clusters } from "../../../../db/schema/index.ts";
import type { Config } from "../config.ts";
import { badRequest, notFoundError } from "../errors.ts";
import type { Runtime } from "../platform/runtime.ts";
import { activityWriteIntervalMs, recordClusterActivity } from "./cluster-activity.ts";
import { announceClusterChange } from "./cluster-events.ts";
import { type ClusterView, clusterView } from "./cluster-view.ts";
import type { TenantContext } from "./context.ts";
import { scheduleLifecycleJob } from "./lifecycle-jobs.ts";

/** The cluster's lifetime in seconds: the requested one within MIN…MAX_CLUSTER_TTL_SECONDS, or the default. */
export function clusterTtlSeconds(config: Config, requested: number | undefined): number {
  const { defaultSeconds, minSeconds, maxSeconds } = config.clusterTtl;
  if (requested === undefined) return defaultSeconds;
  if (!Number.isInteger(requested) || requested < minSeconds || requested > maxSeconds) {
    throw badRequest(
      `ttlSeconds must be a whole number of seconds from ${minSeconds} to ${maxSeconds} (${describeSeconds(maxSeconds)}); got ${requested}`,
      "invalid_request",
    );
  }
  return requested;
}

function describeSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return `${seconds} s`;
}

/**
 * When the expiry job looks next: at the `cluster.expiring` warning time, or at the expiry once the
 * warning was sent for this expiresAt (or warnings are off). A time in the past means "at once": a
 * TTL shorter than the warning lead warns as soon as the cluster exists.
 */
export function nextExpiryCheck(config: Config, expiresAt: Date, warnedFor: Date | null): number {
  const warningMs = config.clusterTtl.warningSeconds * 1000;
  const warned = warningMs === 0 || warnedFor?.getTime() === expiresAt.getTime();
  return warned ? expiresAt.getTime() : expiresAt.getTime() - warningMs;
}

/** A new cluster's timed jobs: its expiry, and the idle check that hibernates it when nobody uses it. */
export async function armClusterLifecycle(
  runtime: Runtime,
  clusterId: string,
  expiresAt: Date,
): Promise<void> {
  await scheduleLifecycleJob(runtime, "expiry", clusterId, nextExpiryCheck(runtime.config, expiresAt, null));
  const idleMs = runtime.config.idleHibernateMs;
  if (idleMs === 0) return;
  const now = runtime.clock.now().getTime();
  await recordClusterActivity(runtime, clusterId, now);
  await scheduleLifecycleJob(
    runtime,
    "idle-check",
    clusterId,
    now + idleMs + activityWriteIntervalMs(runtime),
  );
}

/**
 * `PATCH /v1/clusters/{id} {"ttlSeconds"}`: the cluster now expires ttlSeconds from now (sooner or
 * later than before). Its expiry job moves to the new time; one already running re-reads expiresAt.
 */
export async function setClusterTtl(
  ctx: TenantContext,
  id: string,
  ttlSeconds: number,
): Promise<ClusterView> {
  const { runtime, principal } = ctx;
  const seconds = clusterTtlSeconds(runtime.config, ttlSeconds);
  const expiresAt = new Date(runtime.clock.now().getTime() + seconds * 1000);
  const [row] = await runtime.db.orm
    .update(clusters)
    .set({ expiresAt })
    .where(
      and(eq(clusters.id, id), eq(clusters.tenantId, principal.tenantId), ne(clusters.phase, "Deleting")),
    )
    .returning();
  if (!row) throw notFoundError(`cluster "${id}" not found`);
  await scheduleLifecycleJob(
    runtime,
    "expiry",
    id,
    nextExpiryCheck(runtime.config, expiresAt, row.expiryWarnedFor),
  );
  await announceClusterChange(runtime, principal.tenantId);
  return clusterView(runtime, row);
}
