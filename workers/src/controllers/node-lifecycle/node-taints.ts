/**
 * The taints the node lifecycle controller manages (doNoScheduleTaintingPass and the NoExecute
 * tainting of pkg/controller/nodelifecycle, release-1.32). Pure: each function answers the node's
 * new taint list, or undefined when nothing changes.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { sameTaint, type Taint, taintsOf } from "../shared/taints.ts";
import { nodeConditions, readyStatus } from "./node-conditions.ts";

export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

/** nodeConditionToTaintKeyStatusMap: which condition status calls for which taint. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: "node.kubernetes.io/memory-pressure" },
  DiskPressure: { True: "node.kubernetes.io/disk-pressure" },
  NetworkUnavailable: { True: "node.kubernetes.io/network-unavailable" },
  PIDPressure: { True: "node.kubernetes.io/pid-pressure" },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** Adds `add` (stamped with timeAdded, as SwapNodeControllerTaint does) and drops `remove`. */
function swapTaints(taints: Taint[], add: Taint[], remove: Taint[], now: Date): Taint[] {
  const kept = taints.filter((t) => !remove.some((r) => sameTaint(r, t)));
  const added = add
    .filter((a) => !kept.some((t) => sameTaint(a, t)))
    .map((a) => ({ key: a.key, effect: a.effect, timeAdded: kubeTime(now) }));
  return [...kept, ...added];
}

/**
 * TaintNodeByCondition: NoSchedule taints for the node's conditions and for spec.unschedulable
 * (`kubectl cordon`), so the scheduler needs nothing but taints.
 */
export function noScheduleTaints(node: KubeObject, now: Date): Taint[] | undefined {
  const wanted: Taint[] = [];
  for (const condition of nodeConditions(node)) {
    const key = CONDITION_TAINTS[condition.type]?.[condition.status];
    if (key) wanted.push({ key, effect: "NoSchedule" });
  }
  if ((node.spec as { unschedulable?: unknown } | undefined)?.unschedulable === true)
    wanted.push({ key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" });
  const taints = taintsOf(node);
  const managed = taints.filter(
    (t) => t.effect === "NoSchedule" && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)),
  );
  const add = wanted.filter((w) => !managed.some((t) => sameTaint(w, t)));
  const remove = managed.filter((t) => !wanted.some((w) => sameTaint(w, t)));
  if (add.length === 0 && remove.length === 0) return undefined;
  return swapTaints(taints, add, remove, now);
}

const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NOT_READY, effect: "NoExecute" };
const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_UNREACHABLE, effect: "NoExecute" };

/**
 * The NoExecute taint that mirrors Ready (not-ready for False, unreachable for Unknown, none for
 * True; the two are swapped at once). `evictionsStopped`: every zone is fully disrupted, so the
 * controller suspects its own connectivity and lifts them all. `newTaintsPaused`: the zone is
 * partially disrupted and its eviction rate is zero (any cluster of at most 50 nodes), so no node
 * gets a new one.
 */
export function noExecuteTaints(
  node: KubeObject,
  decision: { evictionsStopped: boolean; newTaintsPaused: boolean },
  now: Date,
): Taint[] | undefined {
  const taints = taintsOf(node);
  const has = (t: Taint) => taints.some((x) => sameTaint(x, t));
  const ready = readyStatus(node);
  if (decision.evictionsStopped || ready === "True") {
    const remove = [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE].filter(has);
    return remove.length > 0 ? swapTaints(taints, [], remove, now) : undefined;
  }
  if (ready !== "False" && ready !== "Unknown") return undefined;
  const [target, opposite] =
    ready === "False"
      ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE]
      : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
  if (has(opposite)) return swapTaints(taints, [target], [opposite], now);
  if (has(target) || decision.newTaintsPaused) return undefined;
  return swapTaints(taints, [target], [], now);
}

/**
 * NoExecute taints without timeAdded (`kubectl taint … :NoExecute` leaves it out) get one, so the
 * tolerationSeconds of the pods on the node have a start that survives restarts: upstream's taint
 * manager keeps that start in memory instead.
 */
export function timedNoExecuteTaints(node: KubeObject, now: Date): Taint[] | undefined {
  const taints = taintsOf(node);
  if (!taints.some((t) => t.effect === "NoExecute" && !t.timeAdded)) return undefined;
  return taints.map((t) =>
    t.effect === "NoExecute" && !t.timeAdded ? { ...t, timeAdded: kubeTime(now) } : t,
  );
}

/** The node with `taints` (an empty list drops the field, as `omitempty` does). */
export function withTaints(node: KubeObject, taints: Taint[]): KubeObject {
  const spec = { ...((node.spec as Record<string, unknown> | undefined) ?? {}) };
  if (taints.length > 0) spec.taints = taints;
  else delete spec.taints;
  return { ...node, spec };
}
