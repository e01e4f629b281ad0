/**
 * StatefulSet status (stateful_set_control.go computeReplicaStatus, completeRollingUpdate,
 * inconsistentStatus; release-1.32): the counts `kubectl rollout status sts/…` waits on.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { podRevision } from "./identity.ts";
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating } from "./pod-state.ts";
import { replicasOf, type StatefulSetStatus, specOf } from "./types.ts";

/** The replica counts over the given pods (pods only built in memory do not count). */
export function countReplicas(
  status: StatefulSetStatus,
  pods: readonly (KubeObject | undefined)[],
  minReadySeconds: number,
  now: Date,
): void {
  status.replicas = 0;
  status.readyReplicas = 0;
  status.availableReplicas = 0;
  status.currentReplicas = 0;
  status.updatedReplicas = 0;
  for (const pod of pods) {
    if (!pod || !isCreated(pod)) continue;
    status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas++;
    }
    if (!isTerminating(pod)) {
      const revision = podRevision(pod);
      if (revision === status.currentRevision) status.currentReplicas++;
      if (revision === status.updateRevision) status.updatedReplicas++;
    }
  }
}

/** completeRollingUpdate: once every replica is updated and ready, the update revision is current. */
export function completeRollingUpdate(set: KubeObject, status: StatefulSetStatus): void {
  const replicas = replicasOf(set);
  if (
    (specOf(set).updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate" &&
    status.updatedReplicas === replicas &&
    status.readyReplicas === replicas &&
    status.replicas === replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** inconsistentStatus: whether the stored status differs from the computed one. */
export function statusChanged(set: KubeObject, status: StatefulSetStatus): boolean {
  const stored = (set.status ?? {}) as Partial<StatefulSetStatus>;
  return (
    (status.observedGeneration ?? 0) > (stored.observedGeneration ?? 0) ||
    status.replicas !== (stored.replicas ?? 0) ||
    status.currentReplicas !== (stored.currentReplicas ?? 0) ||
    status.readyReplicas !== (stored.readyReplicas ?? 0) ||
    status.updatedReplicas !== (stored.updatedReplicas ?? 0) ||
    status.currentRevision !== stored.currentRevision ||
    status.availableReplicas !== (stored.availableReplicas ?? 0) ||
    status.updateRevision !== stored.updateRevision ||
    status.collisionCount !== stored.collisionCount
  );
}
