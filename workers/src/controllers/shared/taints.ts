/**
 * Node taints and pod tolerations as the scheduler and the controllers match them
 * (k8s.io/api/core/v1 Toleration.ToleratesTaint, Taint.MatchTaint, v1helper.GetMatchingTolerations;
 * release-1.32).
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isJsonObject } from "../../../../apps/api/src/kube/object/types.ts";

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  /** When a controller added it (RFC 3339); the start of NoExecute tolerationSeconds. */
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number | null;
}

export function taintsOf(node: KubeObject): Taint[] {
  const spec = node.spec;
  if (!isJsonObject(spec) || !Array.isArray(spec.taints)) return [];
  return spec.taints.filter(isJsonObject) as unknown as Taint[];
}

export function tolerationsOf(pod: KubeObject): Toleration[] {
  const spec = pod.spec;
  if (!isJsonObject(spec) || !Array.isArray(spec.tolerations)) return [];
  return spec.tolerations.filter(isJsonObject) as unknown as Toleration[];
}

/** Taint.MatchTaint: the same key and effect (the value does not count). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** Toleration.ToleratesTaint: an empty effect or key matches any; Exists ignores the value. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "") {
    case "":
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerate(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** The first taint with one of `effects` that no toleration covers (v1helper.FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  effects: readonly string[],
): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerationsTolerate(tolerations, taint));
}

/** The taint effects the scheduler enforces (helper.DoNotScheduleTaintsFilterFunc). */
export const DO_NOT_SCHEDULE_EFFECTS = ["NoSchedule", "NoExecute"] as const;

/**
 * GetMatchingTolerations: for each taint the first toleration that tolerates it, or undefined when
 * some taint is not tolerated at all.
 */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): Toleration[] | undefined {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return undefined;
    used.push(match);
  }
  return used;
}

/**
 * How long the used tolerations keep a pod on a NoExecute-tainted node (taint eviction's
 * getMinTolerationTime): the smallest tolerationSeconds (negative counts as zero), Infinity when
 * none sets one.
 */
export function minTolerationSeconds(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (typeof t.tolerationSeconds !== "number") continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min;
}
