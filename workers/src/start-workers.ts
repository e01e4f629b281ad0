import type { Runtime } from "../../apps/api/src/platform/runtime.ts";
import { type Closable, startClusterLifecycleWorker } from "./runtime/cluster-lifecycle-worker.ts";

export const WORKER_ROLES = ["provisioning", "all"] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export interface RunningWorkers {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

/** Starts the BullMQ workers of the given roles. */
export function startWorkers(runtime: Runtime, roles: readonly WorkerRole[]): RunningWorkers {
  const wants = (role: WorkerRole) => roles.includes("all") || roles.includes(role);
  const workers: Closable[] = [];
  if (wants("provisioning")) workers.push(startClusterLifecycleWorker(runtime));
  runtime.log.info("workers started", { roles });
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
