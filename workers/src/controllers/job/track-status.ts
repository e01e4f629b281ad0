import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { recordEvent } from "../../events/record-event.ts";
import { podPhase } from "../shared/pods.ts";
import { ensureCondition, findCondition, isSuccessCriteriaMet, newCondition } from "./conditions.ts";
import { formatIndexes, hasIndex, totalIndexes, withIndexes } from "./indexes.ts";
import { forEachSettled, JOB_CONTROLLER_COMPONENT, removeTrackingFinalizer } from "./pod-control.ts";
import { completionIndex, hasTrackingFinalizer, isPodFailed, UNKNOWN_INDEX } from "./pod-state.ts";
import { matchPodFailurePolicy } from "./policies.ts";
import { writeJobStatus } from "./status-writer.ts";
import { conditionsOf, type JobSync, uncountedOf } from "./sync-context.ts";
import { isIndexedJob } from "./types.ts";

/** MaxUncountedPods: keeps uncountedTerminatedPods (and one sync's work) bounded. */
const MAX_UNCOUNTED_PODS = 500;

/**
 * cleanUncountedPodsWithoutFinalizers: a pod listed as uncounted whose finalizer is gone has been
 * counted for good — move it from the list to the counter.
 */
function countPodsWithoutFinalizers(sync: JobSync, uidsWithFinalizer: ReadonlySet<string>): void {
  const uncounted = uncountedOf(sync.status);
  const keep = (uids: string[] | undefined) => (uids ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  const succeeded = keep(uncounted.succeeded);
  sync.status.succeeded =
    (sync.status.succeeded ?? 0) + (uncounted.succeeded?.length ?? 0) - succeeded.length;
  uncounted.succeeded = succeeded;
  const failed = keep(uncounted.failed);
  sync.status.failed = (sync.status.failed ?? 0) + (uncounted.failed?.length ?? 0) - failed.length;
  uncounted.failed = failed;
}

/** canRemoveFinalizer: once the Job ends, the pod succeeded, or it failed. */
function canRemoveFinalizer(sync: JobSync, pod: KubeObject, consideredFailed: boolean): boolean {
  return (
    sync.job.metadata.deletionTimestamp !== undefined ||
    sync.finished !== undefined ||
    podPhase(pod) === "Succeeded" ||
    consideredFailed
  );
}

/** Picks the finished pods to count now, recording them as uncounted; returns the pods to release. */
function collectFinishedPods(sync: JobSync, uidsWithFinalizer: ReadonlySet<string>) {
  const { spec, status } = sync;
  const indexed = isIndexedJob(spec);
  const completions = spec.completions ?? 0;
  const uncounted = uncountedOf(status);
  const pods = indexed ? [...sync.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : sync.pods;
  const toRelease: KubeObject[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMax = false;
  for (const pod of pods) {
    const uid = pod.metadata.uid ?? "";
    if (!uidsWithFinalizer.has(uid)) continue;
    const failed = isPodFailed(pod, spec);
    if (!canRemoveFinalizer(sync, pod, failed)) continue;
    toRelease.push(pod);
    const ix = completionIndex(pod);
    if (podPhase(pod) === "Succeeded" && !sync.uncounted.failed.has(uid)) {
      if (indexed) {
        // The completion index alone keeps a success from being counted twice.
        if (ix !== UNKNOWN_INDEX && ix < completions && !hasIndex(sync.prevSucceededIndexes, ix))
          newSucceededIndexes.push(ix);
      } else if (!sync.uncounted.succeeded.has(uid)) {
        uncounted.succeeded.push(uid);
      }
    } else if (failed || (sync.finished !== undefined && !isSuccessCriteriaMet(sync.finished))) {
      // Once the Job has failed, every pod still running counts as failed.
      const validIndex = !indexed || (ix !== UNKNOWN_INDEX && ix < completions);
      if (
        !sync.uncounted.failed.has(uid) &&
        validIndex &&
        matchPodFailurePolicy(spec.podFailurePolicy, pod).countFailed
      )
        uncounted.failed.push(uid);
    }
    if (
      newSucceededIndexes.length + uncounted.succeeded.length + uncounted.failed.length >=
      MAX_UNCOUNTED_PODS
    ) {
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    sync.succeededIndexes = withIndexes(
      sync.succeededIndexes,
      newSucceededIndexes.sort((a, b) => a - b),
    );
    status.succeeded = totalIndexes(sync.succeededIndexes);
    status.completedIndexes = formatIndexes(sync.succeededIndexes);
  }
  return { toRelease, reachedMax };
}

/**
 * Moves the Job to its interim condition (FailureTarget, SuccessCriteriaMet) before any finalizer
 * goes, and prepares the terminal one (Failed, Complete) to set once every pod is counted and gone.
 */
function announceInterimCondition(sync: JobSync): void {
  const finished = sync.finished;
  if (!finished) return;
  const conditions = conditionsOf(sync.status);
  if (finished.type === "FailureTarget") {
    conditions.push(finished);
    sync.finished = newCondition("Failed", "True", finished.reason ?? "", finished.message ?? "", sync.now);
  } else if (isSuccessCriteriaMet(finished)) {
    if (!findCondition(conditions, "SuccessCriteriaMet")) conditions.push(finished);
    sync.finished = newCondition("Complete", "True", finished.reason ?? "", finished.message ?? "", sync.now);
  }
}

/** enactJobFinished: sets Complete/Failed once nothing is uncounted and no pod is still terminating. */
function enactJobFinished(sync: JobSync): boolean {
  const finished = sync.finished;
  if (!finished) return false;
  const uncounted = sync.status.uncountedTerminatedPods;
  if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false;
  if (sync.terminating > 0) return false;
  const conditions = conditionsOf(sync.status);
  ensureCondition(
    conditions,
    finished.type,
    finished.status,
    finished.reason ?? "",
    finished.message ?? "",
    sync.now,
  );
  if (finished.type === "Complete")
    sync.status.completionTime = finished.lastTransitionTime ?? kubeTime(sync.now);
  return true;
}

async function recordJobFinished(sync: JobSync): Promise<void> {
  const finished = sync.finished!;
  const event = (type: "Normal" | "Warning", reason: string, message: string) =>
    recordEvent(sync.client, JOB_CONTROLLER_COMPONENT, sync.job, { type, reason, message }, sync.now);
  if (finished.type === "Complete") {
    const completions = sync.spec.completions;
    if (typeof completions === "number" && (sync.status.succeeded ?? 0) > completions)
      await event(
        "Warning",
        "TooManySucceededPods",
        "Too many succeeded pods running after completion count reached",
      );
    await event("Normal", "Completed", "Job completed");
  } else {
    await event("Warning", finished.reason ?? "", finished.message ?? "");
  }
}

/**
 * trackJobStatusAndRemoveFinalizers — counts every finished pod exactly once, across crashes:
 *  1. finished pods still holding the tracking finalizer are listed in status.uncountedTerminatedPods
 *     (written first);
 *  2. their finalizers are removed;
 *  3. pods listed as uncounted that no longer hold a finalizer move to the succeeded/failed counters.
 * A crash between any two steps leaves a state the next sync completes without double counting.
 */
export async function trackStatusAndRemoveFinalizers(sync: JobSync): Promise<void> {
  const uidsWithFinalizer = new Set(sync.pods.filter(hasTrackingFinalizer).map((p) => p.metadata.uid ?? ""));
  countPodsWithoutFinalizers(sync, uidsWithFinalizer);
  const { toRelease, reachedMax } = collectFinishedPods(sync, uidsWithFinalizer);
  announceInterimCondition(sync);
  sync.job = await writeJobStatus(sync.client, sync.job, sync.status);
  const { ok, error } = await forEachSettled(toRelease, (pod) => removeTrackingFinalizer(sync.client, pod));
  toRelease.forEach((pod, i) => {
    if (ok[i]) uidsWithFinalizer.delete(pod.metadata.uid ?? "");
  });
  countPodsWithoutFinalizers(sync, uidsWithFinalizer);
  if (error) {
    sync.job = await writeJobStatus(sync.client, sync.job, sync.status);
    throw error;
  }
  const jobFinished = !reachedMax && enactJobFinished(sync);
  sync.job = await writeJobStatus(sync.client, sync.job, sync.status);
  if (jobFinished) await recordJobFinished(sync);
}
