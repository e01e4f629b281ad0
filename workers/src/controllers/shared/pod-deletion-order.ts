import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodActive, isPodReady, podCondition, podPhase } from "./pods.ts";

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/**
 * The pods to delete first, as upstream's ReplicaSet controller picks them (controller.ActivePodsWithRanks
 * with PodDeletionCost and LogarithmicScaleDown, both on in 1.32): unscheduled before scheduled, Pending
 * before Unknown before Running, not ready before ready, lower pod-deletion-cost first, pods doubled up on
 * a node with more related pods first, then the most recently ready, the most restarted, the youngest.
 * `relatedPods` are the pods of every ReplicaSet of the same owner (a Deployment's old and new ones).
 */
export function podsToDelete(
  pods: readonly KubeObject[],
  relatedPods: readonly KubeObject[],
  count: number,
  now: Date,
): KubeObject[] {
  if (count >= pods.length) return [...pods];
  const podsOnNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (isPodActive(pod)) podsOnNode.set(nodeOf(pod), (podsOnNode.get(nodeOf(pod)) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: podsOnNode.get(nodeOf(pod)) ?? 0 }));
  ranked.sort((a, b) => {
    if (deleteFirst(a.pod, b.pod, a.rank, b.rank, now)) return -1;
    if (deleteFirst(b.pod, a.pod, b.rank, a.rank, now)) return 1;
    return 0;
  });
  return ranked.slice(0, count).map((r) => r.pod);
}

/** ActivePodsWithRanks.Less: whether `a` should be deleted before `b`. */
function deleteFirst(a: KubeObject, b: KubeObject, rankA: number, rankB: number, now: Date): boolean {
  const nodeA = nodeOf(a);
  const nodeB = nodeOf(b);
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "";
  const phaseA = PHASE_ORDINAL[podPhase(a)] ?? 0;
  const phaseB = PHASE_ORDINAL[podPhase(b)] ?? 0;
  if (phaseA !== phaseB) return phaseA < phaseB;
  if (isPodReady(a) !== isPodReady(b)) return !isPodReady(a);
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA < costB;
  if (rankA !== rankB) return rankA > rankB;
  if (isPodReady(a) && isPodReady(b)) {
    const readyA = timeOf(podCondition(a, "Ready")?.lastTransitionTime);
    const readyB = timeOf(podCondition(b, "Ready")?.lastTransitionTime);
    if (readyA !== readyB) return laterOnLogScale(a, b, readyA, readyB, now);
  }
  const restartsA = maxRestarts(a);
  const restartsB = maxRestarts(b);
  if (restartsA !== restartsB) return restartsA > restartsB;
  const createdA = timeOf(a.metadata.creationTimestamp);
  const createdB = timeOf(b.metadata.creationTimestamp);
  if (createdA !== createdB) return laterOnLogScale(a, b, createdA, createdB, now);
  return false;
}

/**
 * The more recent time first, compared by the log2 of its age so that pods of about the same age
 * are in a pseudo-random order (by uid) instead of always losing the youngest. A zero time comes first.
 */
function laterOnLogScale(a: KubeObject, b: KubeObject, timeA: number, timeB: number, now: Date): boolean {
  if (timeA === 0 || timeB === 0) return timeA === 0;
  const rank = (t: number) => {
    const ageNanos = (now.getTime() - t) * 1e6;
    return ageNanos > 0 ? Math.floor(Math.log2(ageNanos)) : -1;
  };
  const diff = rank(timeA) - rank(timeB);
  if (diff === 0) return (a.metadata.uid ?? "") < (b.metadata.uid ?? "");
  return diff < 0;
}

function nodeOf(pod: KubeObject): string {
  return ((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? "") as string;
}

function timeOf(value: string | undefined): number {
  const t = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

function deletionCost(pod: KubeObject): number {
  const value = Number(pod.metadata.annotations?.[DELETION_COST] ?? 0);
  return Number.isInteger(value) ? value : 0;
}

function maxRestarts(pod: KubeObject): number {
  const statuses =
    (pod.status as { containerStatuses?: { restartCount?: number }[] } | undefined)?.containerStatuses ?? [];
  return statuses.reduce((max, s) => Math.max(max, s.restartCount ?? 0), 0);
}
