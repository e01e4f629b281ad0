import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";

/** A batch/v1 JobCondition. */
export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The API group/version/resource of Jobs, for the in-process client. */
export const JOBS = { group: "batch", version: "v1", resource: "jobs" } as const;

export function jobConditions(job: KubeObject): JobCondition[] {
  return (job.status as { conditions?: JobCondition[] } | undefined)?.conditions ?? [];
}

/**
 * The terminal condition (Complete or Failed, status True), if any: what the job and cronjob
 * controllers call "finished" (util.IsJobFinished / getFinishedStatus).
 */
export function finishedCondition(job: KubeObject): JobCondition | undefined {
  return jobConditions(job).find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
}

export function isJobFinished(job: KubeObject): boolean {
  return finishedCondition(job) !== undefined;
}

export function isJobSucceeded(job: KubeObject): boolean {
  return finishedCondition(job)?.type === "Complete";
}
