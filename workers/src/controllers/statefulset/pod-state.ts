/** How the StatefulSet controller reads a pod's state (stateful_set_utils.go, release-1.32). */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodAvailable, isPodReady } from "../shared/pods.ts";

function phaseOf(pod: KubeObject): string {
  return (pod.status as { phase?: string } | undefined)?.phase ?? "";
}

/** The API server has it: a pod we only built in memory has no phase yet. */
export const isCreated = (pod: KubeObject) => phaseOf(pod) !== "";
export const isPending = (pod: KubeObject) => phaseOf(pod) === "Pending";
export const isFailed = (pod: KubeObject) => phaseOf(pod) === "Failed";
export const isSucceeded = (pod: KubeObject) => phaseOf(pod) === "Succeeded";
export const isTerminating = (pod: KubeObject) => pod.metadata.deletionTimestamp !== undefined;

export const isRunningAndReady = (pod: KubeObject) => phaseOf(pod) === "Running" && isPodReady(pod);

export const isRunningAndAvailable = (pod: KubeObject, minReadySeconds: number, now: Date) =>
  isPodAvailable(pod, minReadySeconds, now);

export const isHealthy = (pod: KubeObject) => isRunningAndReady(pod) && !isTerminating(pod);

/** Not counted as available, terminating or not. */
export const isUnavailable = (pod: KubeObject, minReadySeconds: number, now: Date) =>
  !isHealthy(pod) || !isRunningAndAvailable(pod, minReadySeconds, now);
