import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { matchesLabels, selectorFromSet } from "../../../../apps/api/src/kube/selectors/index.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { isPodAvailable, isPodReady, podCondition } from "../shared/pods.ts";
import {
  minReadySeconds,
  REPLICASETS,
  type ReplicaSet,
  type ReplicaSetCondition,
  type ReplicaSetStatus,
  specReplicas,
  statusOf,
} from "./replica-set.ts";

export const REPLICA_FAILURE = "ReplicaFailure";

/** What manageReplicas reports: the first create or delete error, if any. */
export interface ManageError {
  message: string;
}

/**
 * calculateStatus (replica_set_utils.go): the pods the ReplicaSet controls, counted as replicas, as
 * fully labeled (carrying every template label), ready and available; ReplicaFailure set when pods
 * could not be created or deleted, removed once that works again.
 */
export function calculateStatus(
  rs: ReplicaSet,
  pods: readonly KubeObject[],
  manageError: ManageError | undefined,
  now: Date,
): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec.template?.metadata?.labels ?? {});
  const status: ReplicaSetStatus = structuredClone(statusOf(rs));
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (matchesLabels(templateLabels, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds(rs), now)) available++;
    }
  }
  const failure = status.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - specReplicas(rs);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    setCondition(status, {
      type: REPLICA_FAILURE,
      status: "True",
      lastTransitionTime: kubeTime(now),
      reason,
      message: manageError.message,
    });
  } else if (!manageError && failure) {
    status.conditions = status.conditions?.filter((c) => c.type !== REPLICA_FAILURE);
  }
  status.replicas = pods.length;
  setCounter(status, "fullyLabeledReplicas", fullyLabeled);
  setCounter(status, "readyReplicas", ready);
  setCounter(status, "availableReplicas", available);
  if (status.conditions?.length === 0) delete status.conditions;
  return status;
}

/**
 * updateReplicaSetStatus: writes the status (with observedGeneration) unless nothing changed. The
 * status is what this reconcile observed; a newer spec gets its own reconcile.
 */
export async function writeStatus(
  client: InProcessClient,
  rs: ReplicaSet,
  next: ReplicaSetStatus,
): Promise<ReplicaSet> {
  const status: ReplicaSetStatus = { ...next };
  setCounter(status, "observedGeneration", rs.metadata.generation ?? 0);
  if (jsonEqual(status, statusOf(rs))) return rs;
  const { namespace = "", name = "", uid } = rs.metadata;
  const written = await client.update(
    REPLICASETS,
    namespace,
    name,
    (current) => {
      // A ReplicaSet recreated under the same name is not the one observed.
      if (current.metadata.uid !== uid) return current;
      return { ...current, status };
    },
    "status",
  );
  return written as ReplicaSet;
}

/** When the next ready pod becomes available (minReadySeconds), to look again then; none: undefined. */
export function nextAvailabilityCheckMs(
  rs: ReplicaSet,
  pods: readonly KubeObject[],
  now: Date,
): number | undefined {
  const minReady = minReadySeconds(rs);
  if (minReady <= 0) return undefined;
  let soonest: number | undefined;
  for (const pod of pods) {
    if (!isPodReady(pod) || isPodAvailable(pod, minReady, now)) continue;
    const since = Date.parse(podCondition(pod, "Ready")?.lastTransitionTime ?? "") || now.getTime();
    const wait = since + minReady * 1000 - now.getTime();
    soonest = soonest === undefined ? wait : Math.min(soonest, wait);
  }
  // A little past the moment, so the pod is available when we look.
  return soonest === undefined ? undefined : Math.max(soonest, 0) + 50;
}

/** The ReplicaFailure condition's age, for a back-off that grows while pods cannot be created. */
export function failingSinceMs(rs: ReplicaSet, now: Date): number {
  const failure = statusOf(rs).conditions?.find((c) => c.type === REPLICA_FAILURE);
  const since = Date.parse(failure?.lastTransitionTime ?? "");
  return Number.isNaN(since) ? 0 : Math.max(0, now.getTime() - since);
}

/** SetCondition: a condition with the same status and reason is kept as it is. */
function setCondition(status: ReplicaSetStatus, condition: ReplicaSetCondition): void {
  const current = status.conditions?.find((c) => c.type === condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), condition];
}

type Counter = "fullyLabeledReplicas" | "readyReplicas" | "availableReplicas" | "observedGeneration";

/** The counters are `omitempty`: 0 is not written. */
function setCounter(status: ReplicaSetStatus, field: Counter, value: number): void {
  if (value === 0) delete status[field];
  else status[field] = value;
}
