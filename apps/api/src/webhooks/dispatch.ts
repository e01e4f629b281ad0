import type { Queue } from "bullmq";
import { errorFields, type Logger } from "../platform/logger.ts";

/**
 * For the jobs that repair and fan out: they throw only while Postgres is away, and giving up then
 * would strand undispatched events and pending deliveries until some later, unrelated kick. So they
 * are retried every few seconds for as long as it takes; a retry is harmless (each re-reads Postgres).
 */
export const UNTIL_IT_SUCCEEDS = {
  // Effectively forever (centuries at one try per 5 s), and exact in Redis, which stores it as a double.
  attempts: 1_000_000_000,
  backoff: { type: "fixed", delay: 5_000 },
} as const;

/** What the kick needs of a runtime (the API's or a worker's). */
export interface WebhookQueueHolder {
  webhookQueue: Queue;
  log: Logger;
}

/**
 * Asks the webhook workers to fan out the outbox. Call it after the transaction that recorded
 * platform events has committed. One Redis command; kicks while a dispatch waits are coalesced and a
 * kick during a running dispatch causes exactly one more, so no event waits for the next kick. It
 * never throws: the event is already durable, and a worker's sweep picks up what a failed kick
 * (Redis away) left behind.
 */
export async function kickWebhookDispatch(runtime: WebhookQueueHolder): Promise<void> {
  await runtime.webhookQueue
    .add("dispatch", {}, { ...UNTIL_IT_SUCCEEDS, deduplication: { id: "dispatch", keepLastIfActive: true } })
    .then(
      () => undefined,
      (err: unknown) => runtime.log.warn("could not kick webhook dispatch", errorFields(err)),
    );
}

/**
 * Queues the next attempt of a delivery, due at `dueAt` (now when absent). One job per delivery at
 * a time: a job already waiting absorbs this one, and one added while the delivery's job runs
 * follows it, so a wake-up is never lost and the same delivery is never sent twice at once.
 * `reschedule` pulls a job waiting for a later time forward (a manual retry, a sweep after restart).
 */
export async function queueDelivery(
  queue: Queue,
  deliveryId: string,
  options: { dueAt?: Date; now?: Date; reschedule?: boolean } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  const delay = options.dueAt ? Math.max(0, options.dueAt.getTime() - now.getTime()) : 0;
  await queue.add(
    "deliver",
    { deliveryId },
    {
      delay,
      deduplication: { id: `deliver-${deliveryId}`, keepLastIfActive: true, reschedule: options.reschedule },
    },
  );
}

/**
 * Queues a sweep after `delayMs`: it fans out undispatched events and re-queues every pending
 * delivery whose job Redis may have lost. At most one sweep waits at a time.
 */
export async function queueSweep(queue: Queue, delayMs: number): Promise<void> {
  await queue.add(
    "sweep",
    {},
    {
      delay: delayMs,
      ...UNTIL_IT_SUCCEEDS,
      // An immediate sweep pulls a delayed one forward instead of waiting behind it.
      deduplication: { id: "sweep", keepLastIfActive: true, reschedule: delayMs === 0 },
    },
  );
}
