import type { ReplicaSet } from "../replicaset/replica-set.ts";
import {
  fromReplicaSetCondition,
  getCondition,
  newCondition,
  PROGRESSING,
  REPLICA_FAILURE,
  Reason,
  removeCondition,
  setCondition,
} from "./conditions.ts";
import {
  type Deployment,
  type DeploymentStatus,
  desiredReplicas,
  hasProgressDeadline,
} from "./deployment.ts";
import { calculateStatus, sameStatus } from "./status.ts";
import type { SyncContext } from "./sync-context.ts";

/**
 * syncRolloutStatus (progress.go): the status of a rollout, with Progressing saying whether it is
 * complete (NewReplicaSetAvailable), moving (ReplicaSetUpdated, its lastUpdateTime refreshed on every
 * sign of progress) or stuck longer than progressDeadlineSeconds (ProgressDeadlineExceeded), and the
 * ReplicaSets' ReplicaFailure carried over. When nothing changes, a stuck rollout asks to be looked
 * at again when its deadline passes: a timer, not a polling loop.
 */
export async function syncRolloutStatus(
  ctx: SyncContext,
  allRSs: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, ctx.now);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const complete =
    status.replicas === status.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) updateProgressing(ctx, d, status, newRS);

  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, fromReplicaSetCondition(failure));
  else removeCondition(status, REPLICA_FAILURE);

  if (sameStatus(d.status, status)) {
    requeueStuckDeployment(ctx, d, status);
    return;
  }
  d.status = status;
  await ctx.writeStatus(d);
}

function updateProgressing(
  ctx: SyncContext,
  d: Deployment,
  status: DeploymentStatus,
  newRS?: ReplicaSet,
): void {
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (deploymentComplete(d, status)) {
    const message = `${subject} has successfully progressed.`;
    setCondition(status, newCondition(PROGRESSING, "True", Reason.NewReplicaSetAvailable, message, ctx.now));
  } else if (deploymentProgressing(d, status)) {
    // Same reason again, but a new lastUpdateTime: progress restarts the deadline.
    const condition = newCondition(
      PROGRESSING,
      "True",
      Reason.ReplicaSetUpdated,
      `${subject} is progressing.`,
      ctx.now,
    );
    const current = getCondition(d.status, PROGRESSING);
    if (current?.status === "True") condition.lastTransitionTime = current.lastTransitionTime;
    removeCondition(status, PROGRESSING);
    setCondition(status, condition);
  } else if (deploymentTimedOut(d, status, ctx.now)) {
    const message = `${subject} has timed out progressing.`;
    setCondition(status, newCondition(PROGRESSING, "False", Reason.TimedOut, message, ctx.now));
  }
}

/** The new ReplicaSet's ReplicaFailure first, else the first old one's. */
function replicaFailure(allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined) {
  const failureOf = (rs: ReplicaSet | undefined) =>
    rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  return failureOf(newRS) ?? allRSs.map(failureOf).find((c) => c !== undefined);
}

/** DeploymentComplete: every replica updated and available, and this generation observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const desired = desiredReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last time. */
function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const before = d.status;
  const oldBefore = (before.replicas ?? 0) - (before.updatedReplicas ?? 0);
  const oldNow = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (before.updatedReplicas ?? 0) ||
    oldNow < oldBefore ||
    (status.readyReplicas ?? 0) > (before.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (before.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress reported for progressDeadlineSeconds (strictly more). */
function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  const condition = getCondition(status, PROGRESSING);
  if (!condition || condition.reason === Reason.NewReplicaSetAvailable) return false;
  if (condition.reason === Reason.TimedOut) return true;
  return deadlineOf(d, condition.lastUpdateTime) < now.getTime();
}

function deadlineOf(d: Deployment, lastUpdateTime: string | undefined): number {
  return (Date.parse(lastUpdateTime ?? "") || 0) + (d.spec.progressDeadlineSeconds ?? 0) * 1000;
}

/**
 * requeueStuckDeployment: a rollout that neither completed nor timed out is looked at again when its
 * deadline passes (plus a second, as upstream, against clock skew), to notice the timeout.
 */
function requeueStuckDeployment(ctx: SyncContext, d: Deployment, status: DeploymentStatus): void {
  const current = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === Reason.TimedOut) return;
  const after = deadlineOf(d, current.lastUpdateTime) - ctx.now.getTime();
  ctx.requeueAfter(Math.max(0, after) + 1000);
}
