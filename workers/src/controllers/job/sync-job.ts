import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { recordEvent } from "../../events/record-event.ts";
import type { JobCondition } from "../shared/job-status.ts";
import { isPodActive, isPodReady, podPhase } from "../shared/pods.ts";
import { ensureCondition, findCondition, newCondition } from "./conditions.ts";
import { parseIndexes, totalIndexes, withIndexes } from "./indexes.ts";
import { manageJob } from "./manage-job.ts";
import { forEachSettled, JOB_CONTROLLER_COMPONENT, JobPodControl } from "./pod-control.ts";
import {
  completionIndex,
  containerStatuses,
  hasTrackingFinalizer,
  initContainerStatuses,
  isPodFailed,
  isPodTerminating,
  UNKNOWN_INDEX,
} from "./pod-state.ts";
import { matchPodFailurePolicy, matchSuccessPolicy } from "./policies.ts";
import { conditionsOf, type JobSync, requeueAfter } from "./sync-context.ts";
import { trackStatusAndRemoveFinalizers } from "./track-status.ts";
import { isIndexedJob, isSuspended, type JobSpec, jobSpec, jobStatus } from "./types.ts";

/** Pods with the finalizer that are not yet counted, split by outcome (getNewFinishedPods). */
function newFinishedPods(sync: JobSync): { succeeded: KubeObject[]; failed: KubeObject[] } {
  const valid = (pod: KubeObject, uncounted: Set<string>) => {
    if (!hasTrackingFinalizer(pod) || uncounted.has(pod.metadata.uid ?? "")) return false;
    if (!isIndexedJob(sync.spec)) return true;
    const ix = completionIndex(pod);
    return ix !== UNKNOWN_INDEX && ix < (sync.spec.completions ?? 0);
  };
  return {
    succeeded: sync.pods.filter((p) => valid(p, sync.uncounted.succeeded) && podPhase(p) === "Succeeded"),
    failed: sync.pods.filter((p) => valid(p, sync.uncounted.failed) && isPodFailed(p, sync.spec)),
  };
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure the kubelet restarts containers; restarts count. */
function pastBackoffLimitOnFailure(spec: JobSpec, pods: readonly KubeObject[]): boolean {
  if ((spec.template?.spec as { restartPolicy?: string } | undefined)?.restartPolicy !== "OnFailure")
    return false;
  let restarts = 0;
  for (const pod of pods) {
    const phase = podPhase(pod);
    if (phase !== "Running" && phase !== "Pending") continue;
    for (const s of [...initContainerStatuses(pod), ...containerStatuses(pod)])
      restarts += s.restartCount ?? 0;
  }
  const limit = spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** Milliseconds left before activeDeadlineSeconds passes; undefined when there is no running deadline. */
function deadlineRemainingMs(sync: JobSync): number | undefined {
  const { activeDeadlineSeconds } = sync.spec;
  const start = sync.status.startTime;
  if (activeDeadlineSeconds === undefined || !start || isSuspended(sync.spec)) return undefined;
  return activeDeadlineSeconds * 1000 - (sync.now.getTime() - Date.parse(start));
}

function failJobMessage(sync: JobSync): string | undefined {
  if (!sync.spec.podFailurePolicy) return undefined;
  for (const pod of sync.pods) {
    if (!isPodFailed(pod, sync.spec)) continue;
    const message = matchPodFailurePolicy(sync.spec.podFailurePolicy, pod).failJobMessage;
    if (message) return message;
  }
  return undefined;
}

/** Decides whether the Job has failed (interim FailureTarget) — or, when it has not, when to look again. */
function decideFailure(sync: JobSync): JobCondition | undefined {
  const conditions = sync.status.conditions;
  const criteria = findCondition(conditions, "SuccessCriteriaMet");
  if (criteria?.status === "True") return criteria;
  const target = findCondition(conditions, "FailureTarget");
  if (target?.status === "True")
    return newCondition("Failed", "True", target.reason ?? "", target.message ?? "", sync.now);
  const message = failJobMessage(sync);
  if (message) return newCondition("FailureTarget", "True", "PodFailurePolicy", message, sync.now);
  if (sync.failed > (sync.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(sync.spec, sync.pods)) {
    return newCondition(
      "FailureTarget",
      "True",
      "BackoffLimitExceeded",
      "Job has reached the specified backoff limit",
      sync.now,
    );
  }
  const left = deadlineRemainingMs(sync);
  if (left !== undefined && left <= 0) {
    return newCondition(
      "FailureTarget",
      "True",
      "DeadlineExceeded",
      "Job was active longer than specified deadline",
      sync.now,
    );
  }
  if (left !== undefined) requeueAfter(sync, left);
  return undefined;
}

/**
 * deleteActivePods: a failed Job's running pods go; finalizers stay so they are counted as failed.
 * Rejects with the first failure, after accounting for the pods that did go.
 */
async function deleteActivePods(sync: JobSync): Promise<void> {
  const { ok, error } = await forEachSettled(sync.activePods, (pod) => sync.podControl.delete(pod));
  sync.activePods.forEach((pod, i) => {
    if (!ok[i]) return;
    sync.active--;
    sync.terminating++;
    if (isPodReady(pod)) sync.ready--;
  });
  if (error) throw error;
}

/** The Suspended condition and the Suspended/Resumed events; resuming restarts the deadline clock. */
async function syncSuspendedCondition(sync: JobSync): Promise<void> {
  const conditions = conditionsOf(sync.status);
  const event = (reason: string, message: string) =>
    recordEvent(
      sync.client,
      JOB_CONTROLLER_COMPONENT,
      sync.job,
      { type: "Normal", reason, message },
      sync.now,
    );
  if (isSuspended(sync.spec)) {
    if (ensureCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", sync.now))
      await event("Suspended", "Job suspended");
  } else if (ensureCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", sync.now)) {
    await event("Resumed", "Job resumed");
    sync.status.startTime = kubeTime(sync.now);
  }
}

/**
 * Indexed Jobs count succeeded indexes, not pods (calculateSucceededIndexes); a success policy met by
 * them ends the Job early.
 */
function countSucceededIndexes(sync: JobSync): void {
  const completions = sync.spec.completions ?? 0;
  sync.prevSucceededIndexes = parseIndexes(sync.status.completedIndexes, completions);
  const newlySucceeded = sync.pods
    .filter((p) => podPhase(p) === "Succeeded" && hasTrackingFinalizer(p))
    .map(completionIndex)
    .filter((ix) => ix !== UNKNOWN_INDEX && ix < completions);
  const sorted = [...new Set(newlySucceeded)].sort((a, b) => a - b);
  sync.succeededIndexes = withIndexes(sync.prevSucceededIndexes, sorted);
  sync.succeeded = totalIndexes(sync.succeededIndexes);
  if (sync.finished) return;
  const message = matchSuccessPolicy(sync.spec.successPolicy, completions, sync.succeededIndexes);
  if (message) sync.finished = newCondition("SuccessCriteriaMet", "True", "SuccessPolicy", message, sync.now);
}

function newSync(
  client: InProcessClient,
  job: KubeObject,
  pods: KubeObject[],
  now: Date,
  backoffBaseMs: number,
): JobSync {
  const spec = jobSpec(job);
  const status = structuredClone(jobStatus(job));
  status.uncountedTerminatedPods ??= {};
  const activePods = pods.filter(isPodActive);
  return {
    client,
    podControl: new JobPodControl(client, job, now),
    job,
    spec,
    status,
    pods,
    activePods,
    now,
    backoffBaseMs,
    active: activePods.length,
    ready: activePods.filter(isPodReady).length,
    terminating: pods.filter(isPodTerminating).length,
    succeeded: 0,
    failed: 0,
    uncounted: {
      succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
      failed: new Set(status.uncountedTerminatedPods.failed ?? []),
    },
    prevSucceededIndexes: [],
    succeededIndexes: [],
  };
}

/**
 * syncJob (pkg/controller/job/job_controller.go, release-1.32) for a Job that has not finished:
 * counts finished pods, decides success or failure, runs or removes pods, and writes the status.
 * Returns when to sync again regardless of changes (deadline, back-off), if ever.
 */
export async function syncJob(
  client: InProcessClient,
  job: KubeObject,
  pods: KubeObject[],
  now: Date,
  backoffBaseMs: number,
): Promise<number | undefined> {
  const sync = newSync(client, job, pods, now, backoffBaseMs);
  const { spec, status } = sync;
  const fresh = newFinishedPods(sync);
  const counted = fresh.failed.filter((p) => matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed);
  sync.succeeded = (status.succeeded ?? 0) + fresh.succeeded.length + sync.uncounted.succeeded.size;
  sync.failed = (status.failed ?? 0) + counted.length + sync.uncounted.failed.size;
  if (!status.startTime && !isSuspended(spec)) status.startTime = kubeTime(now);

  sync.finished = decideFailure(sync);
  if (isIndexedJob(spec)) countSucceededIndexes(sync);

  let manageError: unknown;
  if (sync.finished) {
    // Not finished until every running pod is gone.
    await deleteActivePods(sync).catch((err: unknown) => {
      manageError = err;
      sync.finished = undefined;
    });
  } else {
    if (!job.metadata.deletionTimestamp) await manageJob(sync).catch((err: unknown) => (manageError = err));
    const completions = spec.completions;
    const complete =
      completions === undefined || completions === null
        ? sync.succeeded > 0 && sync.active === 0
        : sync.succeeded >= completions && sync.active === 0;
    if (complete) sync.finished = newCondition("SuccessCriteriaMet", "True", "", "", now);
    else if (!job.metadata.deletionTimestamp) await syncSuspendedCondition(sync);
  }

  status.active = sync.active;
  status.ready = sync.ready;
  status.terminating = sync.terminating;
  await trackStatusAndRemoveFinalizers(sync);
  if (manageError) throw manageError;
  return sync.requeueAfterMs;
}
