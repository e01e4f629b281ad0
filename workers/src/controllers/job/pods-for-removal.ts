import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodReady, podCondition, podPhase } from "../shared/pods.ts";
import { completionIndex, containerStatuses, UNKNOWN_INDEX } from "./pod-state.ts";
import { isIndexedJob, type JobSpec } from "./types.ts";

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** 0 when unset: "empty" sorts as upstream's zero time. */
function time(value: string | undefined): number {
  return value ? Date.parse(value) : 0;
}

/** afterOrZero: a zero time counts as latest. */
function afterOrZero(a: number, b: number): boolean {
  if (a === 0 || b === 0) return a === 0;
  return a > b;
}

function maxRestarts(pod: KubeObject): number {
  return Math.max(0, ...containerStatuses(pod).map((s) => s.restartCount ?? 0));
}

/**
 * controller.ActivePods ordering: the pod that is cheapest to lose first — unscheduled before
 * scheduled, pending before running, not ready before ready, ready for less time first, more
 * restarts first, newer first.
 */
export function comparePodsForRemoval(a: KubeObject, b: KubeObject): number {
  const nodeA = (a.spec as { nodeName?: string } | undefined)?.nodeName ?? "";
  const nodeB = (b.spec as { nodeName?: string } | undefined)?.nodeName ?? "";
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "" ? -1 : 1;
  const phaseA = PHASE_ORDER[podPhase(a)] ?? 0;
  const phaseB = PHASE_ORDER[podPhase(b)] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  if (readyA && readyB) {
    const sinceA = time(podCondition(a, "Ready")?.lastTransitionTime);
    const sinceB = time(podCondition(b, "Ready")?.lastTransitionTime);
    if (sinceA !== sinceB) return afterOrZero(sinceA, sinceB) ? -1 : 1;
  }
  const restartsA = maxRestarts(a);
  const restartsB = maxRestarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const createdA = time(a.metadata.creationTimestamp);
  const createdB = time(b.metadata.creationTimestamp);
  if (createdA !== createdB) return afterOrZero(createdA, createdB) ? -1 : 1;
  return 0;
}

/**
 * appendDuplicatedIndexPodsForRemoval: active pods without a valid index, past `completions`, or
 * repeating an index (all but the most advanced one of each index).
 */
function duplicatedIndexPods(pods: readonly KubeObject[], completions: number): KubeObject[] {
  const rm: KubeObject[] = [];
  const byIndex = new Map<number, KubeObject[]>();
  for (const pod of pods) {
    const ix = completionIndex(pod);
    if (ix === UNKNOWN_INDEX || ix >= completions) rm.push(pod);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), pod]);
  }
  for (const group of byIndex.values()) {
    if (group.length > 1) rm.push(...[...group].sort(comparePodsForRemoval).slice(0, -1));
  }
  return rm;
}

/** activePodsForRemoval: at least `atLeast` active pods to delete, the cheapest to lose first. */
export function activePodsForRemoval(
  spec: JobSpec,
  active: readonly KubeObject[],
  atLeast: number,
): KubeObject[] {
  const rm = isIndexedJob(spec) ? duplicatedIndexPods(active, spec.completions ?? 0) : [];
  if (rm.length < atLeast) {
    const left = active.filter((p) => !rm.includes(p)).sort(comparePodsForRemoval);
    rm.push(...left.slice(0, atLeast - rm.length));
  }
  return rm;
}
