import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import {
  JOB_NAME_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from "../../../../apps/api/src/kube/registry/batch/jobs/selector.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { recordEvent } from "../../events/record-event.ts";
import { clusterSpeed, simulatedDelayMs } from "../../runtime/cluster-speed.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { isJobFinished, JOBS } from "../shared/job-status.ts";
import { controllerOf } from "../shared/owners.ts";
import { POD_FAILURE_BACKOFF_MS } from "./backoff.ts";
import { claimPods } from "./claim-pods.ts";
import { releaseUncountablePods } from "./orphan-pods.ts";
import { JOB_CONTROLLER_COMPONENT } from "./pod-control.ts";
import { syncJob } from "./sync-job.ts";
import { expireFinishedJob } from "./ttl-after-finished.ts";
import { JOB_CONTROLLER_NAME, jobSpec } from "./types.ts";

const NAME = "job";

/**
 * kube-controller-manager's Job controller (pkg/controller/job, release-1.32) together with the
 * TTL-after-finished controller: one key per Job, woken by the Job and by its pods. Reads go to the
 * store, not a cache, so a sync always sees the previous sync's pods and status — with the queue never
 * running one key twice at once, that is what keeps a Job from ever running more pods than it may.
 */
export const jobController: Controller = {
  name: NAME,
  keysFor(change) {
    const key = (name: string): ReconcileKey[] => [
      { clusterId: change.clusterId, controller: NAME, namespace: change.namespace, name },
    ];
    if (change.group === "batch" && change.resource === "jobs") return key(change.name);
    if (change.group !== "" || change.resource !== "pods") return [];
    const ref = controllerOf(change.object);
    if (ref) return ref.kind === "Job" && ref.apiVersion === "batch/v1" ? key(ref.name) : [];
    // An orphan: its Job may adopt it, or must release its finalizer.
    const labels = change.object.metadata.labels ?? {};
    const jobName = labels[JOB_NAME_LABEL] ?? labels[LEGACY_JOB_NAME_LABEL];
    return jobName ? key(jobName) : [];
  },
  async reconcile(runtime: Runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, "job-controller");
    const now = runtime.clock.now();
    const job = await client.get(JOBS, key.namespace, key.name);
    const namespacePods = await client.list(CORE_V1("pods"), key.namespace);
    if (!job) {
      await releaseUncountablePods(client, key.name, namespacePods);
      return undefined;
    }
    const spec = jobSpec(job);
    // Delegated to another controller (spec.managedBy): not ours to touch.
    if (spec.managedBy !== undefined && spec.managedBy !== JOB_CONTROLLER_NAME) return undefined;
    if (isJobFinished(job)) {
      await releaseUncountablePods(client, key.name, namespacePods);
      const ttl = await expireFinishedJob(client, job, now);
      return ttl === undefined ? undefined : { requeueAfterMs: ttl };
    }
    if (spec.completionMode !== undefined && !["NonIndexed", "Indexed"].includes(spec.completionMode)) {
      await recordEvent(
        client,
        JOB_CONTROLLER_COMPONENT,
        job,
        {
          type: "Warning",
          reason: "UnknownCompletionMode",
          message: "Skipped Job sync because completion mode is unknown",
        },
        now,
      );
      return undefined;
    }
    const pods = await claimPods(client, job, namespacePods);
    await releaseUncountablePods(
      client,
      key.name,
      namespacePods,
      new Set(pods.map((p) => p.metadata.uid ?? "")),
    );
    const backoffBaseMs = simulatedDelayMs(
      await clusterSpeed(runtime, key.clusterId),
      POD_FAILURE_BACKOFF_MS,
    );
    const requeueAfterMs = await syncJob(client, job, pods, now, backoffBaseMs);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  },
};
