import { type Job, Worker } from "bullmq";
import { errorFields } from "../../../apps/api/src/platform/logger.ts";
import {
  bullPrefix,
  CLUSTER_LIFECYCLE_QUEUE,
  type ClusterLifecycleJob,
} from "../../../apps/api/src/platform/queues.ts";
import { createRedis } from "../../../apps/api/src/platform/redis.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { runExpiryJob } from "../lifecycle/expiry.ts";
import { forgetClusterLifecycle } from "../lifecycle/forget-cluster.ts";
import { runIdleCheck } from "../lifecycle/idle-check.ts";
import { rearmLifecycleJobs } from "../lifecycle/rearm.ts";
import { provisionCluster, removeCluster } from "../provisioning/provision-cluster.ts";
import { markProvisioningFailed } from "../provisioning/provisioning-failed.ts";

export interface Closable {
  close(): Promise<void>;
}

/**
 * Runs cluster provisioning and removal jobs, the install's expiry job and each active cluster's idle
 * check. Several workers may share the queue. On start, and whenever its Redis connection comes back,
 * it re-arms the delayed jobs from Postgres, so a Redis flush or restart loses no expiry.
 */
export function startClusterLifecycleWorker(runtime: Runtime): Closable {
  const connection = createRedis(runtime.redisUrl, "worker");
  const worker = new Worker(
    CLUSTER_LIFECYCLE_QUEUE,
    async (job: Job) => {
      const { name, data } = job as unknown as ClusterLifecycleJob;
      if (name === "provision") await provisionCluster(runtime, data.clusterId);
      else if (name === "delete") {
        await removeCluster(runtime, data.clusterId);
        await forgetClusterLifecycle(runtime, data.clusterId);
      } else if (name === "expiry") await runExpiryJob(runtime);
      else if (name === "idle-check") await runIdleCheck(runtime, data.clusterId);
    },
    {
      connection,
      prefix: bullPrefix(runtime.config.redisPrefix),
      concurrency: runtime.config.provisionConcurrency,
    },
  );
  worker.on("failed", (job, err) => {
    runtime.log.error("cluster lifecycle job failed", {
      job: job?.name,
      clusterId: (job?.data as { clusterId?: string } | undefined)?.clusterId,
      attempts: job?.attemptsMade,
      ...errorFields(err),
    });
    if (job && job.name === "provision" && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void markProvisioningFailed(runtime, job.data.clusterId, err.message);
    }
  });
  worker.on("error", (err) => runtime.log.error("cluster lifecycle worker error", errorFields(err)));
  const rearm = () =>
    rearmLifecycleJobs(runtime).catch((err: unknown) =>
      runtime.log.error("could not re-arm the lifecycle jobs", errorFields(err)),
    );
  let reconnecting = false;
  connection.on("close", () => {
    reconnecting = true;
  });
  connection.on("ready", () => {
    if (!reconnecting) return;
    reconnecting = false;
    void rearm();
  });
  const rearmed = rearm();
  return {
    async close() {
      // Let a start's re-arm finish rather than run against closed connections, but never wait on
      // it for long: with Redis down its commands wait for a reconnect that may not come.
      await Promise.race([rearmed, new Promise((r) => setTimeout(r, 5000).unref())]);
      await worker.close();
      connection.disconnect();
    },
  };
}
