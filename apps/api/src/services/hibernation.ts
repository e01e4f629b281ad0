import type { TransactionSql } from "postgres";
import type { ClusterCondition, ClusterPhase } from "../../../../db/schema/index.ts";
import { armedKey, resyncNowKey } from "../../../../workers/src/controllers/resync/controller.ts";
import { conflictError, notFoundError } from "../errors.ts";
import { endClusterWatches } from "../kube/watch/watch-hub.ts";
import type { Runtime } from "../platform/runtime.ts";
import { kickWebhookDispatch } from "../webhooks/dispatch.ts";
import { clusterEvent, recordPlatformEvent } from "../webhooks/platform-events.ts";
import { afterCommit } from "./after-commit.ts";
import {
  activityWriteIntervalMs,
  forgetClusterActivity,
  noteClusterActivity,
  recordClusterActivity,
} from "./cluster-activity.ts";
import { announceClusterChange } from "./cluster-events.ts";
import { type ClusterView, clusterView } from "./cluster-view.ts";
import { getClusterRow } from "./clusters.ts";
import type { TenantContext } from "./context.ts";
import { cancelLifecycleJob, scheduleLifecycleJob } from "./lifecycle-jobs.ts";

/**
 * How long timers stay refused if the hibernation never commits (the process dies on the way):
 * once it commits the refusal holds until the cluster wakes or is removed, since reconciles
 * still in flight may ask for timers at any time before the next one runs.
 */
const UNCOMMITTED_REFUSAL_MS = 10 * 60_000;

export type HibernationReason = "Idle" | "Requested";
export type WakeReason = "KubernetesApiRequest" | "Requested";

export interface PhaseChange {
  changed: boolean;
  /** The phase after the call. */
  phase: ClusterPhase;
}

interface ClusterIdentity {
  id: string;
  tenant_id: string;
  name: string;
  phase: ClusterPhase;
}

async function readCluster(
  runtime: Runtime,
  clusterId: string,
  tenantId: string | undefined,
): Promise<ClusterIdentity | undefined> {
  const [row] = await runtime.db.sql<ClusterIdentity[]>`
    select id, tenant_id, name, phase from clusters
    where id = ${clusterId} and (${tenantId ?? null}::text is null or tenant_id = ${tenantId ?? null}::text)`;
  return row;
}

/**
 * Puts a Ready cluster to sleep: phase Hibernated, and nothing left scheduled or open for it (its
 * controllers' timers, its resync, its idle check, its watches in every API process). Its objects
 * stay as they are; the install's expiry job still deletes it when it expires. The timers go before
 * the phase commits, so a wake (which needs the committed phase) always comes after them. Once it
 * committed, a failing follow-up is logged, not thrown. Undefined when there is no such cluster.
 */
export async function hibernateCluster(
  runtime: Runtime,
  clusterId: string,
  reason: HibernationReason,
  tenantId?: string,
): Promise<PhaseChange | undefined> {
  const before = await readCluster(runtime, clusterId, tenantId);
  if (!before) return undefined;
  if (before.phase !== "Ready") return { changed: false, phase: before.phase };
  await runtime.reconcileQueue.suspendTimers(clusterId, UNCOMMITTED_REFUSAL_MS);
  await runtime.redis.del(armedKey(runtime, clusterId));
  const now = runtime.clock.now();
  const message =
    reason === "Idle"
      ? `no API call for ${runtime.config.idleHibernateMs / 1000} s; the next Kubernetes API request wakes it`
      : "hibernated on request; the next Kubernetes API request wakes it";
  const conditions: ClusterCondition[] = [
    { type: "Ready", status: "False", reason: "Hibernated", message, lastTransitionTime: now.toISOString() },
  ];
  let committed: boolean;
  try {
    committed = await runtime.db.sql.begin(async (tx) => {
      const [row] = await tx<ClusterIdentity[]>`
        update clusters set phase = 'Hibernated', hibernated_at = ${now.toISOString()},
               conditions = ${JSON.stringify(conditions)}
        where id = ${clusterId} and phase = 'Ready'
        returning id, tenant_id, name, phase`;
      if (!row) return false;
      await recordClusterPhaseEvent(
        tx,
        "cluster.hibernated",
        row,
        { phase: "Hibernated", reason, message },
        now,
      );
      return true;
    });
  } catch (err) {
    await resumeAfterAbortedHibernation(runtime, clusterId);
    throw err;
  }
  if (!committed) {
    const after = await readCluster(runtime, clusterId, tenantId);
    // Woken or changed meanwhile: give back what was taken from a cluster that stays awake.
    if (after && after.phase !== "Hibernated" && after.phase !== "Deleting")
      await resumeAfterAbortedHibernation(runtime, clusterId);
    return after ? { changed: false, phase: after.phase } : undefined;
  }
  const fields = { clusterId };
  await afterCommit(runtime, "hold the timers refused", fields, () =>
    runtime.reconcileQueue.holdTimersSuspended(clusterId),
  );
  await afterCommit(runtime, "end the cluster's watches", fields, () =>
    endClusterWatches(runtime.redis, runtime.config.redisPrefix, clusterId),
  );
  await afterCommit(runtime, "kick webhook dispatch", fields, () => kickWebhookDispatch(runtime));
  await afterCommit(runtime, "cancel the idle check", fields, () =>
    cancelLifecycleJob(runtime, "idle-check", clusterId),
  );
  await afterCommit(runtime, "forget the cluster's activity", fields, () =>
    forgetClusterActivity(runtime, clusterId),
  );
  await afterCommit(runtime, "announce the cluster change", fields, () =>
    announceClusterChange(runtime, before.tenant_id),
  );
  return { changed: true, phase: "Hibernated" };
}

/** The event, in the transaction of the phase change: `{clusterId, name, object, phase, reason, message}`. */
async function recordClusterPhaseEvent(
  tx: TransactionSql,
  type: "cluster.hibernated" | "cluster.woken",
  row: ClusterIdentity,
  status: { phase: ClusterPhase; reason: string; message: string },
  at: Date,
): Promise<void> {
  const event = clusterEvent(type, { tenantId: row.tenant_id, id: row.id, name: row.name }, status);
  await recordPlatformEvent(tx, { ...event, data: { ...event.data, name: row.name } }, at);
}

async function resumeAfterAbortedHibernation(runtime: Runtime, clusterId: string): Promise<void> {
  await runtime.reconcileQueue.resumeTimers(clusterId);
  await runtime.reconcileQueue.enqueue(resyncNowKey(clusterId));
}

/**
 * Wakes a Hibernated cluster: phase Ready, and every object offered to every controller (the
 * resync), so the controllers re-arm the timers they need. Objects are untouched: pods that ran keep
 * running, ages keep counting. The cluster's idle window starts again. Undefined when there is no
 * such cluster.
 */
export async function wakeCluster(
  runtime: Runtime,
  clusterId: string,
  reason: WakeReason,
  tenantId?: string,
): Promise<PhaseChange | undefined> {
  // Before the commit: the resync that follows it must be free to arm timers (a reconcile still
  // running at hibernation may have set the resync's armed mark without its timer).
  await Promise.all([
    runtime.reconcileQueue.resumeTimers(clusterId),
    runtime.redis.del(armedKey(runtime, clusterId)),
  ]);
  const now = runtime.clock.now();
  const message =
    reason === "KubernetesApiRequest"
      ? "woken by a Kubernetes API request"
      : "woken on request; the cluster resumes where it stood";
  const conditions: ClusterCondition[] = [
    { type: "Ready", status: "True", reason: "Woken", message, lastTransitionTime: now.toISOString() },
  ];
  const woken = await runtime.db.sql.begin(async (tx) => {
    const [row] = await tx<ClusterIdentity[]>`
      update clusters set phase = 'Ready', hibernated_at = null, conditions = ${JSON.stringify(conditions)}
      where id = ${clusterId} and phase = 'Hibernated'
        and (${tenantId ?? null}::text is null or tenant_id = ${tenantId ?? null}::text)
      returning id, tenant_id, name, phase`;
    if (!row) return undefined;
    await recordClusterPhaseEvent(tx, "cluster.woken", row, { phase: "Ready", reason, message }, now);
    return row;
  });
  if (!woken) {
    const current = await readCluster(runtime, clusterId, tenantId);
    return current ? { changed: false, phase: current.phase } : undefined;
  }
  const fields = { clusterId };
  await afterCommit(runtime, "kick webhook dispatch", fields, () => kickWebhookDispatch(runtime));
  // Lost, the resync leaves timers unarmed until the cluster's next write (a worker start re-arms
  // only the idle check): logged loudly, but the request that woke it is served.
  await afterCommit(runtime, "queue the wake's resync", fields, () =>
    runtime.reconcileQueue.enqueue(resyncNowKey(clusterId)),
  );
  const idleMs = runtime.config.idleHibernateMs;
  if (idleMs > 0) {
    await afterCommit(runtime, "arm the idle check", fields, async () => {
      await recordClusterActivity(runtime, clusterId, now.getTime());
      await scheduleLifecycleJob(
        runtime,
        "idle-check",
        clusterId,
        now.getTime() + idleMs + activityWriteIntervalMs(runtime),
      );
    });
  }
  await afterCommit(runtime, "announce the cluster change", fields, () =>
    announceClusterChange(runtime, woken.tenant_id),
  );
  return { changed: true, phase: "Ready" };
}

/** Wakes in flight in this process: concurrent requests to a sleeping cluster share one wake. */
const waking = new Map<string, Promise<unknown>>();

/**
 * The Kubernetes API's hook, run on every request once the caller is authorized: a hibernated
 * cluster wakes before the request is served (kubectl never notices), any other notes the call for
 * its idle check. `phase` comes from the authorization query, so this costs no round trip.
 */
export async function keepClusterAwake(
  runtime: Runtime,
  clusterId: string,
  phase: ClusterPhase,
): Promise<void> {
  if (phase !== "Hibernated") {
    noteClusterActivity(runtime, clusterId);
    return;
  }
  let wake = waking.get(clusterId);
  if (!wake) {
    wake = wakeCluster(runtime, clusterId, "KubernetesApiRequest").finally(() => waking.delete(clusterId));
    waking.set(clusterId, wake);
  }
  await wake;
}

/** `POST /v1/clusters/{id}/hibernate`. */
export async function hibernateTenantCluster(
  ctx: TenantContext,
  id: string,
): Promise<{ cluster: ClusterView; changed: boolean }> {
  const result = await hibernateCluster(ctx.runtime, id, "Requested", ctx.principal.tenantId);
  if (!result) throw notFoundError(`cluster "${id}" not found`);
  if (!result.changed && result.phase !== "Hibernated") throw notHibernatable(id, result.phase);
  return { cluster: clusterView(ctx.runtime, await getClusterRow(ctx, id)), changed: result.changed };
}

/** `POST /v1/clusters/{id}/wake`: a cluster that is not hibernated is left as it is (200). */
export async function wakeTenantCluster(
  ctx: TenantContext,
  id: string,
): Promise<{ cluster: ClusterView; changed: boolean }> {
  const current = await readCluster(ctx.runtime, id, ctx.principal.tenantId);
  if (!current) throw notFoundError(`cluster "${id}" not found`);
  if (current.phase === "Deleting") throw notHibernatable(id, current.phase);
  let changed = false;
  if (current.phase === "Hibernated") {
    const result = await wakeCluster(ctx.runtime, id, "Requested", ctx.principal.tenantId);
    changed = result?.changed ?? false;
  }
  return { cluster: clusterView(ctx.runtime, await getClusterRow(ctx, id)), changed };
}

/** Wakes the tenant's cluster if it sleeps; anything else (missing, deleting) is the caller's to answer. */
export async function wakeIfHibernated(runtime: Runtime, id: string, tenantId: string): Promise<void> {
  const current = await readCluster(runtime, id, tenantId);
  if (current?.phase === "Hibernated") await wakeCluster(runtime, id, "Requested", tenantId);
}

function notHibernatable(id: string, phase: ClusterPhase) {
  if (phase === "Deleting")
    return conflictError(`cluster "${id}" is being deleted`, undefined, "cluster_deleting");
  if (phase === "Provisioning")
    return conflictError(
      `cluster "${id}" is still provisioning; it can hibernate once it is Ready`,
      undefined,
      "cluster_not_ready",
    );
  return conflictError(
    `cluster "${id}" is ${phase}; only a Ready cluster can hibernate`,
    undefined,
    "cluster_not_ready",
  );
}
