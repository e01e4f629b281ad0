import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { JOBS } from "../shared/job-status.ts";
import { controllerOf } from "../shared/owners.ts";
import { CronJobSync } from "./cronjob-sync.ts";
import { cleanupFinishedJobs } from "./history.ts";
import { syncCronJob } from "./sync-cronjob.ts";

const NAME = "cronjob";
const CRONJOBS = { group: "batch", version: "v1", resource: "cronjobs" };

/**
 * kube-controller-manager's CronJob controller (pkg/controller/cronjob, release-1.32): one key per
 * CronJob, woken by the CronJob, by its Jobs, and by one timer at its next schedule time — no
 * polling, so an idle CronJob costs exactly that one delayed job.
 */
export const cronjobController: Controller = {
  name: NAME,
  keysFor(change) {
    const key = (name: string): ReconcileKey[] => [
      { clusterId: change.clusterId, controller: NAME, namespace: change.namespace, name },
    ];
    if (change.group !== "batch") return [];
    if (change.resource === "cronjobs") return key(change.name);
    if (change.resource !== "jobs") return [];
    const ref = controllerOf(change.object);
    return ref?.kind === "CronJob" && ref.apiVersion === "batch/v1" ? key(ref.name) : [];
  },
  async reconcile(runtime: Runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, "cronjob-controller");
    const cronJob = await client.get(CRONJOBS, key.namespace, key.name);
    if (!cronJob) return undefined;
    // getJobsToBeReconciled: every Job whose controller reference names this CronJob.
    const jobs = (await client.list(JOBS, key.namespace)).filter((job) => {
      const ref = controllerOf(job);
      return ref?.kind === "CronJob" && ref.name === key.name;
    });
    const sync = new CronJobSync(client, cronJob, runtime.clock.now());
    await cleanupFinishedJobs(sync, jobs);
    let requeueAfterMs: number | undefined;
    try {
      requeueAfterMs = await syncCronJob(sync, jobs);
    } finally {
      // What this sync learned (finished, missing, deleted Jobs) is kept even when it failed later.
      await sync.writeStatus();
    }
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  },
};
