import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";

/** The parts of a Pod the controllers read. */
export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export function podPhase(pod: KubeObject): string {
  return ((pod.status as { phase?: string } | undefined)?.phase ?? "Pending") as string;
}

export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  const conditions = (pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? [];
  return conditions.find((c) => c.type === type);
}

/** Ready condition True (podutil.IsPodReady). */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, "Ready")?.status === "True";
}

/**
 * Ready for at least minReadySeconds (podutil.IsPodAvailable): what Deployments, ReplicaSets and
 * StatefulSets count as available.
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: Date): boolean {
  const ready = podCondition(pod, "Ready");
  if (ready?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
  return since + minReadySeconds * 1000 <= now.getTime();
}

/** Not finished and not being deleted (controller.IsPodActive): counts towards replicas. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === "Succeeded" || phase === "Failed";
}
