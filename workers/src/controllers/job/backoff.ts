import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { podPhase } from "../shared/pods.ts";
import { isPodFailed, podFinishedTime } from "./pod-state.ts";
import type { JobSpec } from "./types.ts";

/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff (job_controller.go). */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

/**
 * How long replacements for failed pods must still wait: base × 2^(n−1), capped, after the last of
 * the n failures since the last success, counted from that failure (backoff_utils.go).
 *
 * Upstream keeps this record in the controller's memory and feeds it the newly finished pods of each
 * sync; here it is derived from the Job's pods themselves (finished pods stay until the Job goes),
 * so it survives a worker restart and two syncs can never count a failure twice.
 */
export function podFailureBackoffRemainingMs(
  spec: JobSpec,
  pods: readonly KubeObject[],
  now: Date,
  baseMs: number,
  maxMs = MAX_POD_FAILURE_BACKOFF_MS,
): number {
  let lastSuccess = Number.NEGATIVE_INFINITY;
  for (const pod of pods) {
    if (podPhase(pod) === "Succeeded") lastSuccess = Math.max(lastSuccess, podFinishedTime(pod));
  }
  let failures = 0;
  let lastFailure = Number.NEGATIVE_INFINITY;
  for (const pod of pods) {
    if (!isPodFailed(pod, spec)) continue;
    const at = podFinishedTime(pod);
    if (at <= lastSuccess) continue;
    failures++;
    lastFailure = Math.max(lastFailure, at);
  }
  if (failures === 0 || baseMs <= 0) return 0;
  let delay = baseMs;
  for (let i = 1; i < failures && delay < maxMs; i++) delay *= 2;
  delay = Math.min(delay, maxMs);
  return Math.max(0, delay - (now.getTime() - lastFailure));
}
