import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { finishedCondition, JOBS } from "../shared/job-status.ts";
import { jobSpec } from "./types.ts";

/**
 * timeLeft (pkg/controller/ttlafterfinished): milliseconds until a finished Job with
 * ttlSecondsAfterFinished expires, counted from its Complete/Failed transition; undefined when the
 * Job needs no clean-up (no TTL, not finished, already being deleted).
 */
export function ttlRemainingMs(job: KubeObject, now: Date): number | undefined {
  const ttl = jobSpec(job).ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return undefined;
  const finishedAt = finishedCondition(job)?.lastTransitionTime;
  if (!finishedAt) return undefined;
  return Date.parse(finishedAt) + ttl * 1000 - now.getTime();
}

/**
 * The TTL-after-finished controller's work for one Job: delete it once its TTL has passed (only this
 * incarnation, dependents cascading as upstream's foreground delete), otherwise ask to be woken then.
 * A timer, not polling: the returned delay becomes one delayed reconcile.
 */
export async function expireFinishedJob(
  client: InProcessClient,
  job: KubeObject,
  now: Date,
): Promise<number | undefined> {
  const remaining = ttlRemainingMs(job, now);
  if (remaining === undefined) return undefined;
  if (remaining > 0) return remaining;
  try {
    await client.delete(JOBS, job.metadata.namespace ?? "", job.metadata.name ?? "", {
      uid: job.metadata.uid,
      propagationPolicy: "Foreground",
    });
  } catch (err) {
    // Gone already, or replaced by a new Job of the same name: nothing of ours to delete.
    if (err instanceof ApiError && (err.reason === "NotFound" || err.reason === "Conflict")) return undefined;
    throw err;
  }
  return undefined;
}
