import { eq } from "drizzle-orm";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import {
  activityWriteIntervalMs,
  lastClusterActivity,
  recordClusterActivity,
} from "../../../apps/api/src/services/cluster-activity.ts";
import { hibernateCluster } from "../../../apps/api/src/services/hibernation.ts";
import { scheduleLifecycleJob } from "../../../apps/api/src/services/lifecycle-jobs.ts";
import { clusters } from "../../../db/schema/index.ts";

/**
 * The idle check of an active cluster, one delayed job per cluster: a cluster whose last API call is
 * IDLE_HIBERNATE_SECONDS old hibernates; any other is looked at again when it would be. A cluster
 * that is not Ready (hibernated, failed, being deleted) stops its checks; waking starts them again.
 */
export async function runIdleCheck(
  runtime: Runtime,
  clusterId: string,
): Promise<"hibernated" | "rearmed" | "stopped"> {
  const idleMs = runtime.config.idleHibernateMs;
  if (idleMs === 0) return "stopped";
  const [row] = await runtime.db.orm
    .select({ phase: clusters.phase })
    .from(clusters)
    .where(eq(clusters.id, clusterId));
  const now = runtime.clock.now().getTime();
  // The recorded activity may lag a request by one write interval (writes are throttled).
  const slack = activityWriteIntervalMs(runtime);
  if (row?.phase === "Provisioning") {
    await scheduleLifecycleJob(runtime, "idle-check", clusterId, now + idleMs + slack);
    return "rearmed";
  }
  if (row?.phase !== "Ready") return "stopped";
  const last = await lastClusterActivity(runtime, clusterId);
  if (last === undefined) {
    // Nothing recorded (Redis lost it): the idle window starts now rather than guessing.
    await recordClusterActivity(runtime, clusterId, now);
    await scheduleLifecycleJob(runtime, "idle-check", clusterId, now + idleMs + slack);
    return "rearmed";
  }
  const idleFrom = last + idleMs + slack;
  if (now < idleFrom) {
    await scheduleLifecycleJob(runtime, "idle-check", clusterId, idleFrom);
    return "rearmed";
  }
  const result = await hibernateCluster(runtime, clusterId, "Idle");
  return result?.changed ? "hibernated" : "stopped";
}
