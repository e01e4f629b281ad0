import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { controllerRefTo } from "../shared/owners.ts";
import { formatRfc3339In } from "./zoned-time.ts";

/** batch/v1 CronJobScheduledTimestampAnnotation: when the Job was meant to start, in the CronJob's zone. */
export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";

interface JobTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/**
 * getJobName: `<cronjob>-<scheduled time in minutes since the epoch>` — deterministic, so the name is
 * the lock that keeps one schedule time from ever running twice.
 */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/** getJobFromTemplate2: the Job for one schedule time, controlled by the CronJob. */
export function jobFromTemplate(cronJob: KubeObject, scheduled: Date): KubeObject {
  const spec = cronJob.spec as { jobTemplate?: JobTemplate; timeZone?: string } | undefined;
  const template = structuredClone(spec?.jobTemplate ?? {});
  const zone = spec?.timeZone ?? "UTC";
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobNameFor(cronJob.metadata.name ?? "", scheduled),
      namespace: cronJob.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: {
        ...(template.metadata?.annotations ?? {}),
        [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRfc3339In(scheduled.getTime(), zone),
      },
      ownerReferences: [controllerRefTo(cronJob)],
    },
    spec: template.spec ?? {},
  };
}
