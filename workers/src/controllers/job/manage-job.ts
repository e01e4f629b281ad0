import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodReady } from "../shared/pods.ts";
import { podFailureBackoffRemainingMs } from "./backoff.ts";
import { firstPendingIndexes, withIndexes } from "./indexes.ts";
import { forEachSettled, removeTrackingFinalizer } from "./pod-control.ts";
import { completionIndex, isPodTerminating, UNKNOWN_INDEX } from "./pod-state.ts";
import { podForJob } from "./pod-template.ts";
import { activePodsForRemoval } from "./pods-for-removal.ts";
import { type JobSync, requeueAfter } from "./sync-context.ts";
import { isIndexedJob, isSuspended, onlyReplaceFailedPods } from "./types.ts";

/** MaxPodCreateDeletePerSync. */
const MAX_POD_CHANGES_PER_SYNC = 500;
/** SlowStartInitialBatchSize: creations start with one pod and double while they succeed. */
const SLOW_START_INITIAL_BATCH = 1;
/** syncJobBatchPeriod: a delayed sync never comes sooner than this. */
const MIN_DELAYED_SYNC_MS = 1000;

/**
 * deleteJobPods: pods removed to scale down or suspend are uncounted, so their tracking finalizer
 * goes first, then the pod. Returns how many (and how many Ready) were removed.
 */
async function deleteJobPods(sync: JobSync, pods: readonly KubeObject[]): Promise<void> {
  const { ok, error } = await forEachSettled(pods, async (pod) => {
    await removeTrackingFinalizer(sync.client, pod);
    await sync.podControl.delete(pod);
  });
  pods.forEach((pod, i) => {
    if (!ok[i]) return;
    sync.active--;
    sync.terminating++;
    if (isPodReady(pod)) sync.ready--;
  });
  if (error) throw error;
}

/** How many pods should be running now (wantActive). */
function wantedActive(sync: JobSync): number {
  const parallelism = sync.spec.parallelism ?? 1;
  const completions = sync.spec.completions;
  // A work-queue Job keeps what runs once any pod succeeded; it never starts more.
  if (completions === undefined || completions === null)
    return sync.succeeded > 0 ? sync.active : parallelism;
  return Math.max(0, Math.min(completions - sync.succeeded, parallelism));
}

/** The indexes new pods take: the lowest not succeeded, not running (nor terminating, when waiting for it). */
function indexesToCreate(sync: JobSync, count: number): number[] {
  const indexesOf = (pods: readonly KubeObject[]) =>
    [...new Set(pods.map(completionIndex).filter((ix) => ix !== UNKNOWN_INDEX))].sort((a, b) => a - b);
  let taken = withIndexes(sync.succeededIndexes, indexesOf(sync.activePods));
  if (onlyReplaceFailedPods(sync.spec))
    taken = withIndexes(taken, indexesOf(sync.pods.filter(isPodTerminating)));
  return firstPendingIndexes(taken, count, sync.spec.completions ?? 0);
}

async function createPods(sync: JobSync, count: number): Promise<void> {
  const indexes = isIndexedJob(sync.spec) ? indexesToCreate(sync, count) : undefined;
  let remaining = indexes ? indexes.length : count;
  let batch = Math.min(remaining, SLOW_START_INITIAL_BATCH);
  while (remaining > 0) {
    const templates = Array.from({ length: batch }, () => podForJob(sync.job, indexes?.shift()));
    const { ok, error } = await forEachSettled(templates, async (pod) => {
      await sync.podControl.create(pod);
    });
    sync.active += ok.filter(Boolean).length;
    // Failures (a quota, an invalid template) would repeat: the rest waits for the next sync.
    if (error) throw error;
    remaining -= batch;
    batch = Math.min(2 * batch, remaining);
  }
}

/**
 * manageJob: converges the number of running pods — all removed while suspended, the surplus removed
 * (cheapest first), missing ones created once the failure back-off allows. Never more than
 * parallelism, nor more than the completions still needed.
 */
export async function manageJob(sync: JobSync): Promise<void> {
  if (isSuspended(sync.spec)) {
    await deleteJobPods(sync, activePodsForRemoval(sync.spec, sync.activePods, sync.activePods.length));
    return;
  }
  const want = wantedActive(sync);
  const surplus = activePodsForRemoval(sync.spec, sync.activePods, Math.max(0, sync.active - want));
  if (surplus.length > 0) {
    // Deletion takes precedence: one kind of change per sync.
    await deleteJobPods(sync, surplus.slice(0, MAX_POD_CHANGES_PER_SYNC));
    return;
  }
  const waitingFor = onlyReplaceFailedPods(sync.spec) ? sync.terminating : 0;
  const missing = Math.min(want - waitingFor - sync.active, MAX_POD_CHANGES_PER_SYNC);
  if (missing <= 0) return;
  const backoff = podFailureBackoffRemainingMs(sync.spec, sync.pods, sync.now, sync.backoffBaseMs);
  if (backoff > 0) {
    requeueAfter(sync, Math.max(backoff, MIN_DELAYED_SYNC_MS));
    return;
  }
  await createPods(sync, missing);
}
