import { createRedis } from "../../apps/api/src/platform/redis.ts";
import type { Runtime } from "../../apps/api/src/platform/runtime.ts";
import { CONTROLLERS } from "./controllers/index.ts";
import { type Closable, startClusterLifecycleWorker } from "./runtime/cluster-lifecycle-worker.ts";
import type { ReconcileKey } from "./runtime/reconcile-key.ts";
import { startReconcileWorker } from "./runtime/reconcile-worker.ts";
import { startWebhookWorker } from "./webhooks/webhook-worker.ts";

export const WORKER_ROLES = ["provisioning", "controllers", "webhooks", "all"] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export interface RunningWorkers {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

/** Starts the BullMQ workers of the given roles. */
export function startWorkers(
  runtime: Runtime,
  roles: readonly WorkerRole[],
  options: { controllers?: readonly string[] } = {},
): RunningWorkers {
  const wants = (role: WorkerRole) => roles.includes("all") || roles.includes(role);
  const workers: Closable[] = [];
  if (wants("provisioning")) workers.push(startClusterLifecycleWorker(runtime));
  if (wants("webhooks")) workers.push(startWebhookWorker(runtime));
  if (wants("controllers")) {
    const connection = createRedis(runtime.redisUrl, "worker");
    const reconcile = startReconcileWorker({
      connection,
      concurrency: Object.fromEntries(
        CONTROLLERS.flatMap((c) => (c.concurrency ? [[c.name, c.concurrency]] : [])),
      ),
      redisPrefix: runtime.config.redisPrefix,
      queue: runtime.reconcileQueue,
      log: runtime.log,
      reconcilers: Object.fromEntries(
        CONTROLLERS.filter((c) => !options.controllers || options.controllers.includes(c.name)).map((c) => [
          c.name,
          (key: ReconcileKey) => c.reconcile(runtime, key),
        ]),
      ),
    });
    workers.push({
      async close() {
        await reconcile.close();
        connection.disconnect();
      },
    });
  }
  runtime.log.info("workers started", { roles });
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
