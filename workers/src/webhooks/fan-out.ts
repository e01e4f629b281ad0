import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { queueDelivery, queueSweep } from "../../../apps/api/src/webhooks/dispatch.ts";
import { SWEEP_INTERVAL_MS } from "./sweep-interval.ts";

/** Events taken per transaction; a dispatch loops until the outbox is empty. */
const BATCH = 200;

/**
 * Fans undispatched outbox events out to deliveries: one row per enabled endpoint of the event's
 * tenant subscribed to its type (and to its cluster, for cluster-scoped endpoints), written and
 * marked dispatched in one transaction before any job is queued. Rows locked by a concurrent
 * dispatch are skipped, and a delivery exists at most once per (endpoint, event).
 */
export async function dispatchEvents(runtime: Runtime): Promise<void> {
  for (;;) {
    const now = runtime.clock.now();
    const batch = await runtime.db.sql.begin(async (sql) => {
      const events = await sql<{ id: string }[]>`
        select id from platform_events where dispatched_at is null
        order by occurred_at, id limit ${BATCH} for update skip locked`;
      if (events.length === 0) return undefined;
      const ids = events.map((e) => e.id);
      // Ordered by event, so `seq` follows the events' order within each (endpoint, subject).
      const deliveries = await sql<{ id: string; endpoint_id: string; subject: string }[]>`
        insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, subject, next_attempt_at)
        select 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.tenant_id, w.id, e.id, e.subject, ${now.toISOString()}
        from platform_events e
        join webhook_endpoints w on w.tenant_id = e.tenant_id and w.enabled and w.events ? e.type
          and (w.cluster_id is null or w.cluster_id = e.cluster_id)
          -- A disabled webhook is not told of its own disabling, even if re-enabled meanwhile.
          and not (e.type = 'endpoint.disabled' and e.data->>'webhookId' = w.id)
        where e.id in ${sql(ids)}
        order by e.occurred_at, e.id, w.id
        on conflict (endpoint_id, event_id) do nothing
        returning id, endpoint_id, subject`;
      await sql`update platform_events set dispatched_at = ${now.toISOString()} where id in ${sql(ids)}`;
      return { events: events.length, deliveries };
    });
    if (!batch) return;
    // The first new delivery of each (endpoint, subject) is enough: each one's completion queues
    // the next of its subject.
    const heads = new Map<string, string>();
    for (const d of batch.deliveries) {
      const chain = `${d.endpoint_id}\u0000${d.subject}`;
      if (!heads.has(chain)) heads.set(chain, d.id);
    }
    for (const id of heads.values()) await queueDelivery(runtime.webhookQueue, id, { now });
    if (batch.deliveries.length > 0) await queueSweep(runtime.webhookQueue, SWEEP_INTERVAL_MS);
    if (batch.events < BATCH) return;
  }
}
