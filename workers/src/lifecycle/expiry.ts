import { eq } from "drizzle-orm";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { nextExpiryCheck } from "../../../apps/api/src/services/cluster-ttl.ts";
import { markClusterDeleting } from "../../../apps/api/src/services/clusters.ts";
import { scheduleLifecycleJob } from "../../../apps/api/src/services/lifecycle-jobs.ts";
import { kickWebhookDispatch } from "../../../apps/api/src/webhooks/dispatch.ts";
import { clusterEvent, recordPlatformEvent } from "../../../apps/api/src/webhooks/platform-events.ts";
import { clusters } from "../../../db/schema/index.ts";

/**
 * The cluster's one expiry job, run at its warning time and at its expiry. It trusts Postgres, not
 * the time it was scheduled for: a cluster extended since re-arms the job for its new expiresAt, so a
 * stale job is harmless. An expired cluster (hibernated or not) is deleted as DELETE deletes it.
 * Returns whether this run emitted `cluster.expiring` (tests and logs).
 */
export async function runExpiryCheck(runtime: Runtime, clusterId: string): Promise<{ warned: boolean }> {
  const [row] = await runtime.db.orm
    .select({
      phase: clusters.phase,
      expiresAt: clusters.expiresAt,
      expiryWarnedFor: clusters.expiryWarnedFor,
    })
    .from(clusters)
    .where(eq(clusters.id, clusterId));
  if (!row || row.phase === "Deleting" || !row.expiresAt) return { warned: false };
  const now = runtime.clock.now();
  if (row.expiresAt.getTime() <= now.getTime()) {
    if (await markClusterDeleting(runtime, clusterId, { expiredBy: now })) return { warned: false };
    // Extended (or deleted) between the read and the delete: look again.
    return runExpiryCheck(runtime, clusterId);
  }
  let warnedFor = row.expiryWarnedFor;
  let warned = false;
  if (nextExpiryCheck(runtime.config, row.expiresAt, warnedFor) <= now.getTime()) {
    warned = await warnExpiring(runtime, clusterId, row.expiresAt, now);
    if (warned) await kickWebhookDispatch(runtime);
    warnedFor = row.expiresAt;
  }
  await scheduleLifecycleJob(
    runtime,
    "expiry",
    clusterId,
    nextExpiryCheck(runtime.config, row.expiresAt, warnedFor),
  );
  return { warned };
}

/**
 * `cluster.expiring`, once per expiresAt: the same transaction marks the expiry it was sent for, so a
 * retried job does not send it twice, and an extension (a new expiresAt) gets a warning of its own.
 */
async function warnExpiring(
  runtime: Runtime,
  clusterId: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  return runtime.db.sql.begin(async (tx) => {
    const [row] = await tx<{ tenant_id: string; name: string; phase: string }[]>`
      update clusters set expiry_warned_for = expires_at
      where id = ${clusterId} and expires_at = ${expiresAt.toISOString()} and phase <> 'Deleting'
        and expiry_warned_for is distinct from expires_at
      returning tenant_id, name, phase`;
    if (!row) return false;
    const secondsLeft = Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
    const event = clusterEvent(
      "cluster.expiring",
      { tenantId: row.tenant_id, id: clusterId, name: row.name },
      {
        phase: row.phase,
        reason: "Expiring",
        message: `the cluster is deleted at ${expiresAt.toISOString()} (in ${secondsLeft} s) unless its TTL is extended`,
      },
    );
    const data = { ...event.data, name: row.name, expiresAt: expiresAt.toISOString(), secondsLeft };
    await recordPlatformEvent(tx, { ...event, data }, now);
    return true;
  });
}
