import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { forgetClusterActivity } from "../../../apps/api/src/services/cluster-activity.ts";
import { cancelLifecycleJob } from "../../../apps/api/src/services/lifecycle-jobs.ts";

/**
 * After a cluster's rows are gone: its idle check and Redis keys go too, rather than firing on
 * nothing; its timers' refusal (set when it hibernated) ends with it.
 */
export async function forgetClusterLifecycle(runtime: Runtime, clusterId: string): Promise<void> {
  await cancelLifecycleJob(runtime, "idle-check", clusterId);
  await forgetClusterActivity(runtime, clusterId);
  await runtime.reconcileQueue.resumeTimers(clusterId);
}
