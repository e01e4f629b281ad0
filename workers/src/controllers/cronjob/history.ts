import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { finishedCondition } from "../shared/job-status.ts";
import type { CronJobSync } from "./cronjob-sync.ts";

const startTimeOf = (job: KubeObject) => (job.status as { startTime?: string } | undefined)?.startTime;

/** byJobStartTime: earliest start first, Jobs that never started last, names breaking ties. */
export function compareByStartTime(a: KubeObject, b: KubeObject): number {
  const sa = startTimeOf(a);
  const sb = startTimeOf(b);
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  const ta = sa ? Date.parse(sa) : 0;
  const tb = sb ? Date.parse(sb) : 0;
  if (ta === tb) return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
  return ta - tb;
}

/** The oldest finished Jobs beyond the history limit, in deletion order (removeOldestJobs). */
export function jobsBeyondLimit(jobs: readonly KubeObject[], limit: number): KubeObject[] {
  const excess = jobs.length - limit;
  if (excess <= 0) return [];
  return [...jobs].sort(compareByStartTime).slice(0, excess);
}

/**
 * cleanupFinishedJobs: keeps at most successfulJobsHistoryLimit Complete and failedJobsHistoryLimit
 * Failed Jobs, deleting the oldest.
 */
export async function cleanupFinishedJobs(sync: CronJobSync, jobs: readonly KubeObject[]): Promise<void> {
  const { successfulJobsHistoryLimit, failedJobsHistoryLimit } = sync.spec;
  const withOutcome = (type: string) => jobs.filter((j) => finishedCondition(j)?.type === type);
  const doomed = [
    ...(successfulJobsHistoryLimit === undefined
      ? []
      : jobsBeyondLimit(withOutcome("Complete"), successfulJobsHistoryLimit)),
    ...(failedJobsHistoryLimit === undefined
      ? []
      : jobsBeyondLimit(withOutcome("Failed"), failedJobsHistoryLimit)),
  ];
  for (const job of doomed) await sync.deleteJob(job);
}
