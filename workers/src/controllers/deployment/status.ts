import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { ReplicaSet } from "../replicaset/replica-set.ts";
import { AVAILABLE, newCondition, Reason, setCondition } from "./conditions.ts";
import { type Deployment, type DeploymentStatus, desiredReplicas, maxUnavailable } from "./deployment.ts";
import {
  actualReplicaCount,
  availableReplicaCount,
  readyReplicaCount,
  specReplicaCount,
} from "./replica-sets.ts";
import { compactStatus, type SyncContext } from "./sync-context.ts";

/**
 * calculateStatus (sync.go): the counters `kubectl rollout status` reads, summed over the
 * ReplicaSets (updatedReplicas: the new one's), and Available while at least spec.replicas -
 * maxUnavailable pods are available. Conditions other than Available are carried over.
 */
export function calculateStatus(
  allRSs: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
  now: Date,
): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    // Negative while scaling down with more available pods than wanted: none is unavailable then.
    unavailableReplicas: Math.max(0, specReplicaCount(allRSs) - available),
    ...(d.status.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status.conditions ? { conditions: structuredClone(d.status.conditions) } : {}),
  };
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    const message = "Deployment has minimum availability.";
    setCondition(status, newCondition(AVAILABLE, "True", Reason.MinimumReplicasAvailable, message, now));
  } else {
    const message = "Deployment does not have minimum availability.";
    setCondition(status, newCondition(AVAILABLE, "False", Reason.MinimumReplicasUnavailable, message, now));
  }
  return compactStatus(status);
}

/** syncDeploymentStatus: writes the calculated status unless it is what the Deployment has. */
export async function syncDeploymentStatus(
  ctx: SyncContext,
  allRSs: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, ctx.now);
  if (sameStatus(d.status, status)) return;
  d.status = status;
  await ctx.writeStatus(d);
}

export function sameStatus(a: DeploymentStatus, b: DeploymentStatus): boolean {
  return jsonEqual(compactStatus(a), compactStatus(b));
}
