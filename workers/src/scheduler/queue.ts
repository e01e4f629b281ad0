/** Which pods this scheduler places, and in which order (the scheduling queue with PrioritySort). */
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { isPodTerminal, podCondition } from "../controllers/shared/pods.ts";
import { SCHEDULER_NAME } from "./bind.ts";
import type { PodInfo } from "./pod-info.ts";

interface SchedulingSpec {
  nodeName?: string;
  schedulerName?: string;
  schedulingGates?: unknown[];
}

/** Unbound, ours (default-scheduler), not being deleted, not finished, not held by scheduling gates. */
export function isPendingForScheduler(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as SchedulingSpec;
  if (spec.nodeName) return false;
  if ((spec.schedulerName || SCHEDULER_NAME) !== SCHEDULER_NAME) return false;
  if (pod.metadata.deletionTimestamp || isPodTerminal(pod)) return false;
  return (spec.schedulingGates?.length ?? 0) === 0;
}

/** Whether an attempt already found no place for the pod (it waits for the cluster to change). */
export function isMarkedUnschedulable(pod: KubeObject): boolean {
  const c = podCondition(pod, "PodScheduled");
  return c?.status === "False" && c.reason === "Unschedulable";
}

/** PrioritySort: higher priority first, then the pod that has waited longer. */
export function schedulingOrder(a: PodInfo, b: PodInfo): number {
  const byName = `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1;
  return b.priority - a.priority || a.createdAt - b.createdAt || byName;
}
