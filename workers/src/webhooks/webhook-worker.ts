import { type Job, Worker } from "bullmq";
import { errorFields } from "../../../apps/api/src/platform/logger.ts";
import { bullPrefix } from "../../../apps/api/src/platform/queues.ts";
import { createRedis } from "../../../apps/api/src/platform/redis.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { queueSweep } from "../../../apps/api/src/webhooks/dispatch.ts";
import { createWebhookQueue, WEBHOOK_QUEUE, type WebhookJob } from "../../../apps/api/src/webhooks/queue.ts";
import type { Closable } from "../runtime/cluster-lifecycle-worker.ts";
import { deliver } from "./deliver.ts";
import { dispatchEvents } from "./fan-out.ts";
import { sweep } from "./sweep.ts";

/** Runs webhook dispatch, delivery and sweep jobs. Any number of worker processes may share them. */
export function startWebhookWorker(runtime: Runtime): Closable {
  const connection = createRedis(runtime.redisUrl, "worker", "sandcastle-webhooks");
  const prefix = bullPrefix(runtime.config.redisPrefix);
  const worker = new Worker(
    WEBHOOK_QUEUE,
    async (job: Job) => {
      const { name, data } = job as unknown as WebhookJob;
      if (name === "dispatch") await dispatchEvents(runtime);
      else if (name === "deliver") await deliver(runtime, data.deliveryId);
      else if (name === "sweep") await sweep(runtime);
    },
    { connection, prefix, concurrency: runtime.config.webhooks.concurrency },
  );
  worker.on("failed", (job, err) => {
    runtime.log.warn("webhook job failed", {
      job: job?.name,
      data: job?.data,
      attempts: job?.attemptsMade,
      ...errorFields(err),
    });
  });
  worker.on("error", (err) => runtime.log.error("webhook worker error", errorFields(err)));
  // This connection comes up at start and after every Redis outage, when Redis may have lost jobs:
  // each time, a sweep re-queues from Postgres. Queued through this connection, which holds
  // commands until Redis answers, so the sweep is not lost to a producer connection still down.
  const sweeps = createWebhookQueue(connection, runtime.config.redisPrefix);
  const onReady = () => {
    queueSweep(sweeps, 0).catch((err: unknown) =>
      runtime.log.warn("could not queue the webhook recovery sweep", errorFields(err)),
    );
  };
  connection.on("ready", onReady);
  return {
    async close() {
      connection.off("ready", onReady);
      await worker.close();
      await sweeps.close();
      connection.disconnect();
    },
  };
}
