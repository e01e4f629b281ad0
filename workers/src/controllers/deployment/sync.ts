import type { ReplicaSet } from "../replicaset/replica-set.ts";
import { DESIRED_REPLICAS, intAnnotation } from "./annotations.ts";
import { getCondition, newCondition, PROGRESSING, Reason, setCondition } from "./conditions.ts";
import { type Deployment, desiredReplicas, hasProgressDeadline } from "./deployment.ts";
import { cleanupDeployment } from "./history.ts";
import { type ReplicaSets, replicaSetsAndSyncRevision } from "./new-replica-set.ts";
import { activeReplicaSets } from "./replica-sets.ts";
import { scale } from "./scale.ts";
import { syncDeploymentStatus } from "./status.ts";
import type { SyncContext } from "./sync-context.ts";

/** syncStatusOnly: a Deployment being deleted only gets its status. */
export async function syncStatusOnly(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsAndSyncRevision(ctx, d, rsList, false);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/**
 * sync: scaling (`kubectl scale`, or anything while paused) without rolling out. A paused
 * Deployment also cleans up its history here.
 */
export async function syncScaling(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsAndSyncRevision(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec.paused) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

/**
 * isScalingEvent: spec.replicas differs from the desired-replicas an active ReplicaSet was sized
 * for, so this sync scales instead of rolling out.
 */
export async function isScalingEvent(
  ctx: SyncContext,
  d: Deployment,
  rsList: ReplicaSet[],
): Promise<boolean> {
  const { newRS, oldRSs }: ReplicaSets = await replicaSetsAndSyncRevision(ctx, d, rsList, false);
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}

/**
 * checkPausedConditions: Progressing becomes Unknown/DeploymentPaused while paused and
 * Unknown/DeploymentResumed on resume, so time spent paused never counts against the deadline. A
 * timed-out rollout keeps saying so.
 */
export async function checkPausedConditions(ctx: SyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const current = getCondition(d.status, PROGRESSING);
  if (current?.reason === Reason.TimedOut) return;
  const pausedShown = current?.reason === Reason.Paused;
  if (d.spec.paused && !pausedShown) {
    setCondition(
      d.status,
      newCondition(PROGRESSING, "Unknown", Reason.Paused, "Deployment is paused", ctx.now),
    );
  } else if (!d.spec.paused && pausedShown) {
    setCondition(
      d.status,
      newCondition(PROGRESSING, "Unknown", Reason.Resumed, "Deployment is resumed", ctx.now),
    );
  } else {
    return;
  }
  await ctx.writeStatus(d);
}
