/**
 * The status of a PodDisruptionBudget from its pods (disruption.go buildDisruptedPodMap,
 * countHealthyPods, updatePdbStatus; release-1.32).
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  type BudgetStatus,
  setStatusCondition,
  updateDisruptionAllowedCondition,
} from "../../../../apps/api/src/kube/server/handlers/eviction.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { isPodReady } from "../shared/pods.ts";

/**
 * DeletionTimeout: how long a pod the Eviction API let go may take to show its deletion before the
 * controller counts it again.
 */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export interface DisruptedPods {
  /** Entries still awaiting their pod's deletion. */
  pending: Record<string, string>;
  /** Pods that outlived their entry: the eviction did not delete them. */
  notDeleted: KubeObject[];
  /** When the earliest pending entry expires. */
  recheckAt?: number;
}

/** buildDisruptedPodMap: keeps the entries of pods that exist, are not deleting, and are not overdue. */
export function disruptedPods(pods: readonly KubeObject[], status: BudgetStatus, now: Date): DisruptedPods {
  const recorded = status.disruptedPods ?? {};
  const result: DisruptedPods = { pending: {}, notDeleted: [] };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name ?? "";
    const at = recorded[name];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now.getTime()) {
      result.notDeleted.push(pod);
    } else {
      result.pending[name] = at;
      if (result.recheckAt === undefined || expectedDeletion < result.recheckAt)
        result.recheckAt = expectedDeletion;
    }
  }
  return result;
}

/** countHealthyPods: ready, not deleting, and not about to be deleted by an eviction. */
export function countHealthy(
  pods: readonly KubeObject[],
  pending: Record<string, string>,
  now: Date,
): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = pending[pod.metadata.name ?? ""];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now.getTime()) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * updatePdbStatus: the next status, or undefined when the stored one is already right (same counts,
 * disrupted pods, observed generation and an up-to-date DisruptionAllowed condition).
 */
export function nextStatus(
  pdb: KubeObject,
  current: BudgetStatus,
  counts: { currentHealthy: number; desiredHealthy: number; expectedPods: number },
  pending: Record<string, string>,
  now: Date,
): BudgetStatus | undefined {
  const { currentHealthy, desiredHealthy, expectedPods } = counts;
  // With no pods expected the budget allows nothing, so that pods appearing before the next sync
  // are protected.
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  const generation = pdb.metadata.generation ?? 0;
  const condition = current.conditions?.find((c) => c.type === "DisruptionAllowed");
  const conditionUpToDate =
    condition !== undefined &&
    current.observedGeneration === generation &&
    (current.disruptionsAllowed > 0
      ? condition.status === "True" && condition.reason === "SufficientPods"
      : condition.status === "False" && condition.reason === "InsufficientPods");
  if (
    current.currentHealthy === currentHealthy &&
    current.desiredHealthy === desiredHealthy &&
    current.expectedPods === expectedPods &&
    current.disruptionsAllowed === disruptionsAllowed &&
    sameMap(current.disruptedPods ?? {}, pending) &&
    current.observedGeneration === generation &&
    conditionUpToDate
  ) {
    return undefined;
  }
  const next: BudgetStatus = {
    observedGeneration: generation,
    ...(Object.keys(pending).length > 0 ? { disruptedPods: pending } : {}),
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    ...(current.conditions ? { conditions: current.conditions } : {}),
  };
  updateDisruptionAllowedCondition(next, kubeTime(now));
  return next;
}

/** failSafe: no disruption allowed, and the condition says why the status could not be computed. */
export function failSafeStatus(current: BudgetStatus, error: string, now: Date): BudgetStatus {
  const condition = {
    type: "DisruptionAllowed",
    status: "False",
    reason: "SyncFailed",
    message: error,
    ...(current.observedGeneration !== undefined ? { observedGeneration: current.observedGeneration } : {}),
  };
  return {
    ...current,
    disruptionsAllowed: 0,
    conditions: setStatusCondition(current.conditions ?? [], condition, kubeTime(now)),
  };
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
