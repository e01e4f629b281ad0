import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { queueDelivery, queueSweep } from "../../../apps/api/src/webhooks/dispatch.ts";
import { dispatchEvents } from "./fan-out.ts";
import { SWEEP_INTERVAL_MS } from "./sweep-interval.ts";

/** Pending deliveries re-queued per sweep; more wait for the next one. */
const MAX_REQUEUED = 5_000;

/**
 * Repairs what Redis lost or a failed command left behind: fans out events nobody dispatched, and
 * queues the first pending delivery of every (endpoint, subject) at its due time. Queueing is
 * deduplicated per delivery, so one that still has its job is untouched. While deliveries are
 * pending it schedules itself again; with none it ends, and an idle install has no sweep scheduled.
 */
export async function sweep(runtime: Runtime): Promise<void> {
  await dispatchEvents(runtime);
  const heads = await runtime.db.sql<{ id: string; next_attempt_ms: number }[]>`
    select d.id, (extract(epoch from d.next_attempt_at) * 1000)::float8 as next_attempt_ms
    from webhook_deliveries d
    where d.status = 'pending'
      and not exists (
        select 1 from webhook_deliveries p
        where p.endpoint_id = d.endpoint_id and p.subject = d.subject and p.status = 'pending' and p.seq < d.seq)
    order by d.seq limit ${MAX_REQUEUED}`;
  const now = runtime.clock.now();
  for (const head of heads) {
    await queueDelivery(runtime.webhookQueue, head.id, { dueAt: new Date(head.next_attempt_ms), now });
  }
  if (heads.length > 0) await queueSweep(runtime.webhookQueue, SWEEP_INTERVAL_MS);
}
