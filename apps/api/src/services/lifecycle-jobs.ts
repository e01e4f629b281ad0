import type { ClusterLifecycleJob } from "../platform/queues.ts";
import type { Runtime } from "../platform/runtime.ts";

/** The per-cluster delayed jobs on the cluster lifecycle queue: only an active cluster's idle check. */
export type TimedLifecycleJob = "idle-check";

/** The install-wide expiry job's deduplication id: there is never more than one pending. */
export const EXPIRY_JOB_ID = "expiry-next";

const deduplicationId = (name: TimedLifecycleJob, clusterId: string) => `${name}-${clusterId}`;

const delayUntil = (runtime: Runtime, at: number) => Math.max(0, at - runtime.clock.now().getTime());

/**
 * Puts the cluster's one job of this kind at `at` (epoch ms). Its deduplication id is the cluster's:
 * a pending job is replaced, so re-scheduling moves it instead of adding another; a job running right
 * now gets one follow-up at the new time once it finishes (how a job re-arms itself). Every job
 * re-reads Postgres when it runs, so one that fires early, late or twice does no harm.
 * `keepPending`: leave a pending job as it is (re-arming after Redis lost jobs, not moving one).
 */
export async function scheduleLifecycleJob(
  runtime: Runtime,
  name: TimedLifecycleJob,
  clusterId: string,
  at: number,
  { keepPending = false }: { keepPending?: boolean } = {},
): Promise<void> {
  const job: ClusterLifecycleJob = { name, data: { clusterId } };
  const id = deduplicationId(name, clusterId);
  await runtime.clusterQueue.add(job.name, job.data, {
    delay: delayUntil(runtime, at),
    deduplication: keepPending ? { id } : { id, replace: true, keepLastIfActive: true },
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

/**
 * Puts the install's one expiry job at `at` (epoch ms), replacing the pending one; the running one
 * (re-arming itself) gets its follow-up once it finishes, as a cluster's job does.
 */
export async function scheduleExpiryJob(runtime: Runtime, at: number): Promise<void> {
  const job: ClusterLifecycleJob = { name: "expiry", data: {} };
  await runtime.clusterQueue.add(job.name, job.data, {
    delay: delayUntil(runtime, at),
    deduplication: { id: EXPIRY_JOB_ID, replace: true, keepLastIfActive: true },
  });
}
