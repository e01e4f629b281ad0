import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isKnownTimeZone } from "../../../../apps/api/src/kube/registry/batch/cronjobs/schedule.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { finishedCondition, JOBS } from "../shared/job-status.ts";
import { isControlledBy } from "../shared/owners.ts";
import { type CronJobSync, jobReference } from "./cronjob-sync.ts";
import { jobFromTemplate, jobNameFor } from "./job-from-template.ts";
import {
  type CronSchedule,
  type MostRecentSchedule,
  mostRecentScheduleTime,
  nextScheduleDelayMs,
  parseSchedule,
  type ScheduleState,
} from "./schedule.ts";

const UNSUPPORTED_TZ =
  "is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details";

function scheduleState(sync: CronJobSync): ScheduleState {
  return {
    creationTimestamp: sync.cronJob.metadata.creationTimestamp ?? kubeTime(sync.now),
    ...(sync.status.lastScheduleTime ? { lastScheduleTime: sync.status.lastScheduleTime } : {}),
    ...(sync.spec.startingDeadlineSeconds !== undefined
      ? { startingDeadlineSeconds: sync.spec.startingDeadlineSeconds }
      : {}),
  };
}

/** Go's time.RFC1123Z of a UTC instant: `Mon, 02 Jan 2006 15:04:05 +0000`. */
function rfc1123z(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

/** Folds the CronJob's Jobs into its status: finished ones leave the active list, successes date lastSuccessfulTime. */
async function observeJobs(sync: CronJobSync, jobs: readonly KubeObject[]): Promise<void> {
  for (const job of jobs) {
    const finished = finishedCondition(job);
    const found = sync.isActive(job.metadata.uid);
    if (!found && !finished) {
      // A Job we did not create (kubectl create job --from=cronjob/…) or forgot: not ours to count.
      await sync.event(
        "Warning",
        "UnexpectedJob",
        `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
      );
    } else if (found && finished) {
      sync.removeFromActive(job.metadata.uid);
      await sync.event(
        "Normal",
        "SawCompletedJob",
        `Saw completed job: ${job.metadata.name}, status: ${finished.type}`,
      );
    }
    const completed = (job.status as { completionTime?: string } | undefined)?.completionTime;
    if (finished?.type === "Complete" && completed) {
      const last = sync.status.lastSuccessfulTime;
      if (!last || Date.parse(completed) > Date.parse(last)) sync.status.lastSuccessfulTime = completed;
    }
  }
  const listed = new Set(jobs.map((j) => j.metadata.uid));
  for (const ref of sync.active) {
    if (listed.has(ref.uid)) continue;
    // Read once more from the API before deciding it is gone.
    if (await sync.client.get(JOBS, ref.namespace ?? "", ref.name ?? "")) continue;
    await sync.event("Normal", "MissingJob", `Active job went missing: ${ref.name}`);
    sync.removeFromActive(ref.uid);
  }
}

/** The schedule as robfig/cron would parse it, or undefined (after the event upstream records) when it cannot. */
async function scheduleOf(sync: CronJobSync): Promise<CronSchedule | undefined> {
  const { schedule, timeZone } = sync.spec;
  if (timeZone !== undefined && !isKnownTimeZone(timeZone)) {
    await sync.event(
      "Warning",
      "UnknownTimeZone",
      `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`,
    );
    return undefined;
  }
  if (schedule.includes("TZ"))
    await sync.event(
      "Warning",
      "UnsupportedSchedule",
      `CRON_TZ or TZ used in schedule "${schedule}" ${UNSUPPORTED_TZ}`,
    );
  try {
    return parseSchedule(schedule, timeZone);
  } catch (err) {
    await sync.event(
      "Warning",
      "UnparseableSchedule",
      `unparseable schedule: "${schedule}" : ${(err as Error).message}`,
    );
    return undefined;
  }
}

/** Creates the Job of this schedule time, or finds the one an earlier sync created. */
async function createScheduledJob(sync: CronJobSync, scheduled: Date): Promise<KubeObject | undefined> {
  const request = jobFromTemplate(sync.cronJob, scheduled);
  const namespace = sync.cronJob.metadata.namespace ?? "";
  try {
    const job = await sync.client.create(JOBS, namespace, request);
    await sync.event("Normal", "SuccessfulCreate", `Created job ${job.metadata.name}`);
    return job;
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === "AlreadyExists")) {
      await sync.event("Warning", "FailedCreate", `Error creating job: ${(err as Error).message}`);
      throw err;
    }
  }
  // Created before, but the status never recorded it (a crash or a conflict in between).
  const existing = await sync.client.get(JOBS, namespace, request.metadata.name ?? "");
  if (!existing) throw new ApiError("Conflict", `job ${request.metadata.name} vanished after AlreadyExists`);
  if (!isControlledBy(existing, "CronJob", sync.cronJob.metadata.uid) || sync.isActive(existing.metadata.uid))
    return undefined;
  return existing;
}

/**
 * syncCronJob (pkg/controller/cronjob/cronjob_controllerv2.go, release-1.32): updates the active list,
 * then — unless deleted, suspended or unschedulable — starts the Job of the latest due schedule time
 * under the concurrency policy. Returns how long until the next schedule time (the one timer this
 * CronJob keeps), or undefined when nothing will be due without a change.
 */
export async function syncCronJob(
  sync: CronJobSync,
  jobs: readonly KubeObject[],
): Promise<number | undefined> {
  await observeJobs(sync, jobs);
  if (sync.cronJob.metadata.deletionTimestamp || sync.spec.suspend === true) return undefined;
  const schedule = await scheduleOf(sync);
  if (!schedule) return undefined;
  const nextDelay = () => nextScheduleDelayMs(scheduleState(sync), sync.now, schedule);

  let due: MostRecentSchedule;
  try {
    due = mostRecentScheduleTime(scheduleState(sync), sync.now, schedule, true);
  } catch (err) {
    await sync.event(
      "Warning",
      "InvalidSchedule",
      `invalid schedule: ${sync.spec.schedule} : ${(err as Error).message}`,
    );
    return undefined;
  }
  const scheduled = due.mostRecent;
  if (!scheduled) return nextDelay();
  if (due.missed === "many") {
    await sync.event(
      "Warning",
      "TooManyMissedTimes",
      "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
    );
  }
  const deadline = sync.spec.startingDeadlineSeconds;
  if (deadline !== undefined && scheduled.getTime() + deadline * 1000 < sync.now.getTime()) {
    await sync.event(
      "Warning",
      "MissSchedule",
      `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`,
    );
    return nextDelay();
  }
  const name = jobNameFor(sync.cronJob.metadata.name ?? "", scheduled);
  const lastScheduled = sync.status.lastScheduleTime;
  if (
    sync.active.some((ref) => ref.name === name) ||
    (lastScheduled && Date.parse(lastScheduled) === scheduled.getTime())
  )
    return nextDelay();
  const policy = sync.spec.concurrencyPolicy ?? "Allow";
  if (policy === "Forbid" && sync.active.length > 0) {
    await sync.event(
      "Normal",
      "JobAlreadyActive",
      "Not starting job because prior execution is running and concurrency policy is Forbid",
    );
    return nextDelay();
  }
  if (policy === "Replace") {
    for (const ref of [...sync.active]) {
      const running = await sync.client.get(JOBS, ref.namespace ?? "", ref.name ?? "");
      if (!running) {
        sync.removeFromActive(ref.uid);
        continue;
      }
      if (!(await sync.deleteJob(running)))
        throw new Error(`could not replace job ${ref.namespace}/${ref.name}`);
    }
  }
  const job = await createScheduledJob(sync, scheduled);
  if (!job) return undefined;
  sync.status.active = [...sync.active, jobReference(job)];
  sync.status.lastScheduleTime = kubeTime(scheduled);
  return nextDelay();
}
