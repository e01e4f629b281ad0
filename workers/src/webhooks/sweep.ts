import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { queueDelivery, queueSweep } from "../../../apps/api/src/webhooks/dispatch.ts";
import { pendingSubjectHeads } from "../../../apps/api/src/webhooks/pending-deliveries.ts";
import { dispatchEvents } from "./fan-out.ts";
import { SWEEP_INTERVAL_MS } from "./sweep-interval.ts";

/** Pending deliveries re-queued per sweep; more wait for the next one. */
const MAX_REQUEUED = 5_000;

/**
 * Repairs what Redis lost or a failed command left behind: fans out events nobody dispatched (a
 * dispatch kick that never reached Redis), and queues the first pending delivery of every
 * (endpoint, subject) at its due time. Queueing is deduplicated per delivery, so one that still has
 * its job is untouched. While deliveries are pending it schedules itself again; with none it ends,
 * and an idle install has no sweep scheduled. A sweep that throws (Postgres away) is retried by
 * BullMQ until it gets through (queueSweep), so an outage cannot end the sweeping.
 */
export async function sweep(runtime: Runtime): Promise<void> {
  await dispatchEvents(runtime);
  const heads = await pendingSubjectHeads(runtime.db.sql, { limit: MAX_REQUEUED });
  const now = runtime.clock.now();
  for (const head of heads) {
    await queueDelivery(runtime.webhookQueue, head.id, { dueAt: new Date(head.next_attempt_ms), now });
  }
  if (heads.length > 0) await queueSweep(runtime.webhookQueue, SWEEP_INTERVAL_MS);
}
