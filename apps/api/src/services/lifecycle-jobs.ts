import type { ClusterLifecycleJob } from "../platform/queues.ts";
import type { Runtime } from "../platform/runtime.ts";

/** The per-cluster delayed jobs on the cluster lifecycle queue. */
export type TimedLifecycleJob = Extract<ClusterLifecycleJob["name"], "expiry" | "idle-check">;

const deduplicationId = (name: TimedLifecycleJob, clusterId: string) => `${name}-${clusterId}`;

/**
 * Puts the cluster's one job of this kind at `at` (epoch ms). Its deduplication id is the cluster's:
 * a pending job is replaced, so re-scheduling moves it instead of adding another; a job running right
 * now gets one follow-up at the new time once it finishes (how a job re-arms itself). Every job
 * re-reads Postgres when it runs, so one that fires early, late or twice does no harm.
 */
export async function scheduleLifecycleJob(
  runtime: Runtime,
  name: TimedLifecycleJob,
  clusterId: string,
  at: number,
): Promise<void> {
  const job: ClusterLifecycleJob = { name, data: { clusterId } };
  await runtime.clusterQueue.add(job.name, job.data, {
    delay: Math.max(0, at - runtime.clock.now().getTime()),
    deduplication: { id: deduplicationId(name, clusterId), replace: true, keepLastIfActive: true },
  });
}

/** Removes the cluster's pending job of this kind. One running right now finishes, and re-reads the phase. */
export async function cancelLifecycleJob(
  runtime: Runtime,
  name: TimedLifecycleJob,
  clusterId: string,
): Promise<void> {
  const queue = runtime.clusterQueue;
  const jobId = await queue.getDeduplicationJobId(deduplicationId(name, clusterId));
  if (jobId) await queue.remove(jobId).catch(() => 0);
}
