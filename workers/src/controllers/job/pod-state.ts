import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodTerminal, podCondition, podPhase } from "../shared/pods.ts";
import { type JobSpec, onlyReplaceFailedPods } from "./types.ts";

/** The finalizer that keeps a Job's finished pod until the controller has counted it (batch/v1). */
export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
/** Annotation (and, since PodIndexLabel, label) carrying an Indexed Job pod's index. */
export const COMPLETION_INDEX_KEY = "batch.kubernetes.io/job-completion-index";
export const UNKNOWN_INDEX = -1;

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: { exitCode?: number; finishedAt?: string } };
}

export function containerStatuses(pod: KubeObject): ContainerStatus[] {
  return (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
}

export function initContainerStatuses(pod: KubeObject): ContainerStatus[] {
  return (
    (pod.status as { initContainerStatuses?: ContainerStatus[] } | undefined)?.initContainerStatuses ?? []
  );
}

export function hasTrackingFinalizer(pod: KubeObject): boolean {
  return pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** getCompletionIndex: the pod's index annotation, or UNKNOWN_INDEX when absent or malformed. */
export function completionIndex(pod: KubeObject): number {
  const value = pod.metadata.annotations?.[COMPLETION_INDEX_KEY];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return UNKNOWN_INDEX;
  const n = Number(value);
  return n < 0 ? UNKNOWN_INDEX : n;
}

/** Deleted but not yet finished (controller.IsPodTerminating). */
export function isPodTerminating(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && pod.metadata.deletionTimestamp !== undefined;
}

/**
 * isPodFailed: phase Failed; or, unless replacements wait for failure, deleted before succeeding
 * (an orphan or evicted pod may never reach phase Failed).
 */
export function isPodFailed(pod: KubeObject, spec: JobSpec): boolean {
  const phase = podPhase(pod);
  if (phase === "Failed") return true;
  if (onlyReplaceFailedPods(spec)) return false;
  return pod.metadata.deletionTimestamp !== undefined && phase !== "Succeeded";
}

/**
 * getFinishedTime (backoff_utils.go): the last container's finishedAt when every container has
 * terminated, else when Ready went False, else the deletion time, else the creation time.
 */
export function podFinishedTime(pod: KubeObject): number {
  const statuses = containerStatuses(pod);
  let latest: number | undefined;
  let allTerminated = statuses.length > 0;
  for (const s of statuses) {
    const at = s.state?.terminated?.finishedAt;
    if (!at) {
      allTerminated = false;
      break;
    }
    latest = Math.max(latest ?? 0, Date.parse(at));
  }
  if (allTerminated && latest !== undefined) return latest;
  const ready = podCondition(pod, "Ready");
  if (ready?.status === "False" && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  const deletion = pod.metadata.deletionTimestamp;
  if (deletion) {
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
    return Date.parse(deletion) - grace * 1000;
  }
  return Date.parse(pod.metadata.creationTimestamp ?? "") || 0;
}
