import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** BullMQ keys live under the install's Redis prefix. */
export const bullPrefix = (redisPrefix: string) => `${redisPrefix}:bull`;

export const CLUSTER_LIFECYCLE_QUEUE = "cluster-lifecycle";

/** Jobs that create and remove clusters. The job id is the cluster id: a retry never doubles work. */
export type ClusterJob =
  | { name: "provision"; data: { clusterId: string } }
  | { name: "delete"; data: { clusterId: string } }
  /** Delayed, one per active cluster: hibernates it once it saw no API call for IDLE_HIBERNATE_SECONDS. */
  | { name: "idle-check"; data: { clusterId: string } };

/**
 * The cluster lifecycle queue's jobs. `expiry` is one delayed job for the whole install, due when the
 * next `cluster.expiring` or expiry is: a hibernated cluster has no job of its own.
 */
export type ClusterLifecycleJob = ClusterJob | { name: "expiry"; data: Record<string, never> };

export function createClusterLifecycleQueue(connection: Redis, redisPrefix: string): Queue {
  return new Queue(CLUSTER_LIFECYCLE_QUEUE, {
    connection,
    prefix: bullPrefix(redisPrefix),
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: "exponential", delay: 200 },
      removeOnComplete: true,
      removeOnFail: 1000,
    },
  });
}

export async function enqueueClusterJob(queue: Queue, job: ClusterJob): Promise<void> {
  await queue.add(job.name, job.data, { jobId: `${job.name}-${job.data.clusterId}` });
}
