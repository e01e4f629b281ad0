import { type ReplicaSet, specReplicas, statusOf } from "../replicaset/replica-set.ts";
import { type Deployment, desiredReplicas, maxUnavailable } from "./deployment.ts";
import { cleanupDeployment } from "./history.ts";
import { newReplicaSetReplicas, replicaSetsAndSyncRevision } from "./new-replica-set.ts";
import { deploymentComplete, syncRolloutStatus } from "./progress.ts";
import { activeReplicaSets, byCreation, specReplicaCount } from "./replica-sets.ts";
import { scaleReplicaSetAndRecordEvent } from "./scale.ts";
import type { SyncContext } from "./sync-context.ts";

/**
 * rolloutRolling (rolling.go): one step per sync — scale the new ReplicaSet up within maxSurge, or
 * else scale old ones down within maxUnavailable — then the status; the next ReplicaSet change
 * brings the next step. Old ReplicaSets past the history limit go once the rollout is complete.
 */
export async function rolloutRolling(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsAndSyncRevision(ctx, d, rsList, true);
  if (!newRS) return;
  const allRSs = [...oldRSs, newRS];
  if (await reconcileNewReplicaSet(ctx, allRSs, newRS, d)) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(ctx, allRSs, activeReplicaSets(oldRSs), newRS, d)) {
    return syncRolloutStatus(ctx, allRSs, newRS, d);
  }
  if (deploymentComplete(d, d.status)) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, newRS, d);
}

async function reconcileNewReplicaSet(
  ctx: SyncContext,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet,
  d: Deployment,
): Promise<boolean> {
  const desired = desiredReplicas(d);
  if (specReplicas(newRS) === desired) return false;
  const target = specReplicas(newRS) > desired ? desired : newReplicaSetReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, target, d)).scaled;
}

/**
 * reconcileOldReplicaSets: at most allPods - minAvailable - (new pods not yet available) may go, so
 * an unhealthy new ReplicaSet never lets the rollout eat into availability; unhealthy old pods go first.
 */
async function reconcileOldReplicaSets(
  ctx: SyncContext,
  allRSs: ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
  d: Deployment,
): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = specReplicas(newRS) - (statusOf(newRS).availableReplicas ?? 0);
  const maxScaledDown = specReplicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(ctx, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.count + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: scales old ReplicaSets down by their unavailable pods, oldest first. */
async function cleanupUnhealthyReplicas(
  ctx: SyncContext,
  oldRSs: ReplicaSet[],
  d: Deployment,
  maxCleanup: number,
): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sets = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sets.entries()) {
    if (total >= maxCleanup) break;
    const available = statusOf(rs).availableReplicas ?? 0;
    if (specReplicas(rs) === 0 || specReplicas(rs) === available) continue;
    const count = Math.min(maxCleanup - total, specReplicas(rs) - available);
    // The ReplicaSet deletes not-ready pods first, so this does not lower availability.
    sets[i] = (await scaleReplicaSetAndRecordEvent(ctx, rs, specReplicas(rs) - count, d)).rs;
    total += count;
  }
  return { oldRSs: sets, count: total };
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: old pods beyond minAvailable available ones go, oldest
 * ReplicaSet first. A ReplicaSet counts at most spec.replicas available pods: upstream counts its
 * status alone, which right after a scale-down still includes the pods about to be deleted, and a
 * second step taken in that window would delete below minAvailable.
 */
async function scaleDownOldReplicaSets(
  ctx: SyncContext,
  allRSs: ReplicaSet[],
  oldRSs: ReplicaSet[],
  d: Deployment,
): Promise<number> {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = allRSs.reduce(
    (sum, rs) => sum + Math.min(statusOf(rs).availableReplicas ?? 0, specReplicas(rs)),
    0,
  );
  if (available <= minAvailable) return 0;
  const total = available - minAvailable;
  let scaledDown = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (scaledDown >= total) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), total - scaledDown);
    await scaleReplicaSetAndRecordEvent(ctx, rs, specReplicas(rs) - count, d);
    scaledDown += count;
  }
  return scaledDown;
}
