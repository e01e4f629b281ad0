import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { rearmExpiryJob } from "../../../apps/api/src/services/cluster-ttl.ts";
import { markClusterDeleting } from "../../../apps/api/src/services/clusters.ts";
import { kickWebhookDispatch } from "../../../apps/api/src/webhooks/dispatch.ts";
import { clusterEvent, recordPlatformEvent } from "../../../apps/api/src/webhooks/platform-events.ts";

/** Clusters handled per query: a burst of expiries is worked through in pages, not one big read. */
const PAGE = 500;

/**
 * The install's one expiry job, run whenever something is due: `cluster.expiring` for every cluster
 * whose warning time came and that was not warned for its current expiresAt, then the deletion of
 * every cluster whose expiresAt passed (hibernated or not, as DELETE deletes it), then the job
 * re-arms itself at the next due time. It trusts Postgres, not the time it was scheduled for: one
 * that fires early (an extension since) finds nothing due and only re-arms. Both reads go through
 * the partial indexes on expires_at.
 */
export async function runExpiryJob(
  runtime: Runtime,
): Promise<{ warned: number; deleted: number; nextAt: number }> {
  const now = runtime.clock.now();
  const warningMs = runtime.config.clusterTtl.warningSeconds * 1000;
  let warned = 0;
  if (warningMs > 0) {
    const warnBy = new Date(now.getTime() + warningMs).toISOString();
    for (;;) {
      const due = await runtime.db.sql<{ id: string; expires_at: Date | string }[]>`
        select id, expires_at from clusters
        where phase <> 'Deleting' and expiry_warned_for is distinct from expires_at
          and expires_at <= ${warnBy} and expires_at > ${now.toISOString()}
        order by expires_at limit ${PAGE}`;
      for (const row of due) {
        if (await warnExpiring(runtime, row.id, new Date(row.expires_at), now)) warned++;
      }
      if (due.length < PAGE) break;
    }
    if (warned > 0) await kickWebhookDispatch(runtime);
  }
  let deleted = 0;
  for (;;) {
    const expired = await runtime.db.sql<{ id: string }[]>`
      select id from clusters
      where phase <> 'Deleting' and expires_at <= ${now.toISOString()}
      order by expires_at limit ${PAGE}`;
    for (const { id } of expired) {
      // The guard re-checks expiresAt in the delete's transaction: an extension committed since wins.
      if (await markClusterDeleting(runtime, id, { expiredBy: now })) deleted++;
    }
    if (expired.length < PAGE) break;
  }
  const nextAt = await rearmExpiryJob(runtime);
  return { warned, deleted, nextAt };
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
