import { podRequests } from "../../../../workers/src/scheduler/resources.ts";
import type { KubeObject } from "../kube/object/types.ts";

/** What a cluster's quota counts: its objects, its pods, and what those pods request. */
export interface QuotaAmounts {
  objects: number;
  pods: number;
  cpuMillis: number;
  memoryBytes: number;
}

export const QUOTA_DIMENSIONS = ["objects", "pods", "cpuMillis", "memoryBytes"] as const;
export type QuotaDimension = (typeof QUOTA_DIMENSIONS)[number];

export const NO_AMOUNTS: QuotaAmounts = Object.freeze({ objects: 0, pods: 0, cpuMillis: 0, memoryBytes: 0 });

/**
 * Events are left out: the control plane writes them as feedback (a refused event would hide why a
 * pod cannot be created), and upstream expires them after an hour instead of counting them.
 */
function countsAsObject(group: string, resource: string): boolean {
  return !(group === "" && resource === "events");
}

/** ResourceQuota's pod evaluator: a pod that finished (Succeeded, Failed) holds no quota. */
export function holdsPodQuota(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== "Succeeded" && phase !== "Failed";
}

/**
 * What one stored object adds to its cluster's usage. Pod requests are computed as ResourceQuota's
 * requests.cpu / requests.memory are (resourcehelper.PodRequests: containers add up, the largest
 * init container or the sidecars running beside it, plus the overhead).
 */
export function amountsOf(group: string, resource: string, object: KubeObject): QuotaAmounts {
  if (!countsAsObject(group, resource)) return NO_AMOUNTS;
  if (group !== "" || resource !== "pods" || !holdsPodQuota(object)) {
    return { objects: 1, pods: 0, cpuMillis: 0, memoryBytes: 0 };
  }
  const requests = podRequests(object);
  return { objects: 1, pods: 1, cpuMillis: requests.milliCpu, memoryBytes: requests.memory };
}

export function addAmounts(a: QuotaAmounts, b: QuotaAmounts, sign = 1): QuotaAmounts {
  return {
    objects: a.objects + sign * b.objects,
    pods: a.pods + sign * b.pods,
    cpuMillis: a.cpuMillis + sign * b.cpuMillis,
    memoryBytes: a.memoryBytes + sign * b.memoryBytes,
  };
}

export function isZero(a: QuotaAmounts): boolean {
  return QUOTA_DIMENSIONS.every((d) => a[d] === 0);
}
