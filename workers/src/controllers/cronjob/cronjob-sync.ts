import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { recordEvent } from "../../events/record-event.ts";
import { JOBS } from "../shared/job-status.ts";

/** A core/v1 ObjectReference to a Job, as status.active lists them. */
export interface JobReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

export interface CronJobStatus {
  active?: JobReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

/** One sync of one CronJob: the CronJob as read, and the status being computed. */
export class CronJobSync {
  readonly spec: CronJobSpec;
  readonly status: CronJobStatus;

  constructor(
    readonly client: InProcessClient,
    readonly cronJob: KubeObject,
    readonly now: Date,
  ) {
    this.spec = cronJob.spec as CronJobSpec;
    this.status = structuredClone((cronJob.status as CronJobStatus | undefined) ?? {});
  }

  get active(): JobReference[] {
    return this.status.active ?? [];
  }

  isActive(uid: string | undefined): boolean {
    return this.active.some((ref) => ref.uid === uid);
  }

  removeFromActive(uid: string | undefined): void {
    this.status.active = this.active.filter((ref) => ref.uid !== uid);
  }

  event(type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    return recordEvent(
      this.client,
      { component: "cronjob-controller" },
      this.cronJob,
      { type, reason, message },
      this.now,
    );
  }

  /**
   * deleteJob: the Job goes (its pods with it), and its reference leaves the active list. Returns
   * false, with a FailedDelete event, when the API refused.
   */
  async deleteJob(job: KubeObject): Promise<boolean> {
    try {
      await this.client.delete(JOBS, job.metadata.namespace ?? "", job.metadata.name ?? "", {
        propagationPolicy: "Background",
      });
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "NotFound")) {
        await this.event("Warning", "FailedDelete", `Deleted job: ${(err as Error).message}`);
        return false;
      }
    }
    this.removeFromActive(job.metadata.uid);
    await this.event("Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`);
    return true;
  }

  /** UpdateStatus with the version read as precondition; nothing is written when nothing changed. */
  async writeStatus(): Promise<void> {
    const next: CronJobStatus = {
      ...(this.active.length > 0 ? { active: this.active } : {}),
      ...(this.status.lastScheduleTime ? { lastScheduleTime: this.status.lastScheduleTime } : {}),
      ...(this.status.lastSuccessfulTime ? { lastSuccessfulTime: this.status.lastSuccessfulTime } : {}),
    };
    if (jsonEqual(next, this.cronJob.status ?? {})) return;
    await this.client.update(
      { group: "batch", version: "v1", resource: "cronjobs" },
      this.cronJob.metadata.namespace ?? "",
      this.cronJob.metadata.name ?? "",
      (current) => ({
        ...current,
        metadata: { ...current.metadata, resourceVersion: this.cronJob.metadata.resourceVersion },
        status: next,
      }),
      "status",
    );
  }
}

/** getRef: the reference status.active keeps for a Job. */
export function jobReference(job: KubeObject): JobReference {
  return {
    kind: "Job",
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    apiVersion: "batch/v1",
    resourceVersion: job.metadata.resourceVersion,
  };
}
