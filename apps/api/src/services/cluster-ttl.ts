import { and, eq, ne } from "drizzle-orm";
import { clusters } from "../../../../db/schema/index.ts";
import type { Config } from "../config.ts";
import { badRequest, notFoundError } from "../errors.ts";
import type { Runtime } from "../platform/runtime.ts";
import { afterCommit } from "./after-commit.ts";
import { activityWriteIntervalMs, recordClusterActivity } from "./cluster-activity.ts";
import { announceClusterChange } from "./cluster-events.ts";
import { type ClusterView, clusterView } from "./cluster-view.ts";
import type { TenantContext } from "./context.ts";
import { scheduleExpiryJob, scheduleLifecycleJob } from "./lifecycle-jobs.ts";

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
 * The longest the install's expiry job sleeps: it re-reads Postgres at least this often, so a
 * re-arm lost to a race (two processes replacing the job with minimums each read before the
 * other's commit) or to a Redis error delays an expiry by at most this much.
 */
export const EXPIRY_MAX_WAIT_MS = 60_000;

/**
 * When something is next due anywhere in the install (epoch ms): the earliest `cluster.expiring`
 * warning not yet sent for its cluster's expiresAt, or the earliest expiry. Two min()s over partial
 * indexes on expires_at, whatever the number of clusters. A time in the past means "at once": a TTL
 * shorter than the warning lead warns as soon as the cluster exists.
 */
export async function nextExpiryDue(runtime: Runtime): Promise<number | undefined> {
  const [row] = await runtime.db.sql<{ expiry: Date | string | null; unwarned: Date | string | null }[]>`
    select
      (select min(expires_at) from clusters where phase <> 'Deleting') as expiry,
      (select min(expires_at) from clusters
        where phase <> 'Deleting' and expiry_warned_for is distinct from expires_at) as unwarned`;
  const warningMs = runtime.config.clusterTtl.warningSeconds * 1000;
  const due = [
    row?.expiry == null ? Number.POSITIVE_INFINITY : new Date(row.expiry).getTime(),
    row?.unwarned == null || warningMs === 0
      ? Number.POSITIVE_INFINITY
      : new Date(row.unwarned).getTime() - warningMs,
  ];
  const next = Math.min(...due);
  return Number.isFinite(next) ? next : undefined;
}

/**
 * Puts the install's expiry job at the next due time read from Postgres (or EXPIRY_MAX_WAIT_MS from
 * now, if sooner). Cheap enough to run after every change of an expiresAt and at every worker start,
 * which is what makes a Redis flush lose nothing.
 */
export async function rearmExpiryJob(runtime: Runtime): Promise<number> {
  const due = await nextExpiryDue(runtime);
  const at = Math.min(due ?? Number.POSITIVE_INFINITY, runtime.clock.now().getTime() + EXPIRY_MAX_WAIT_MS);
  await scheduleExpiryJob(runtime, at);
  return at;
}

/**
 * A new cluster's timed work, once its row is committed: the install's expiry job moves if this
 * cluster is due first, and its idle check (the job that hibernates it when nobody uses it) starts.
 * Failures are logged, not thrown: the cluster exists, and the expiry job re-reads Postgres anyway.
 */
export async function armClusterLifecycle(runtime: Runtime, clusterId: string): Promise<void> {
  await afterCommit(runtime, "re-arm the expiry job", { clusterId }, () => rearmExpiryJob(runtime));
  const idleMs = runtime.config.idleHibernateMs;
  if (idleMs === 0) return;
  await afterCommit(runtime, "arm the idle check", { clusterId }, async () => {
    const now = runtime.clock.now().getTime();
    await recordClusterActivity(runtime, clusterId, now);
    await scheduleLifecycleJob(
      runtime,
      "idle-check",
      clusterId,
      now + idleMs + activityWriteIntervalMs(runtime),
    );
  });
}

/**
 * `PATCH /v1/clusters/{id} {"ttlSeconds"}`: the cluster now expires ttlSeconds from now (sooner or
 * later than before). The install's expiry job is re-armed for the new earliest due time; one
 * already running, or due earlier than needed, re-reads Postgres and re-arms itself.
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
  await afterCommit(runtime, "re-arm the expiry job", { clusterId: id }, () => rearmExpiryJob(runtime));
  await afterCommit(runtime, "announce the cluster change", { clusterId: id }, () =>
    announceClusterChange(runtime, principal.tenantId),
  );
  return clusterView(runtime, row);
}
