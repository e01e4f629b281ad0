import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { bullPrefix } from "../platform/queues.ts";

export const WEBHOOK_QUEUE = "webhooks";

/**
 * The jobs of webhook delivery. `dispatch` fans undispatched outbox events out to deliveries;
 * `deliver` makes one attempt of one delivery (the row in Postgres says which and when); `sweep`
 * re-queues what a lost job or a Redis restart left behind. Every job re-reads Postgres, so running
 * one twice or late is harmless.
 */
export type WebhookJob =
  | { name: "dispatch"; data: Record<string, never> }
  | { name: "deliver"; data: { deliveryId: string } }
  | { name: "sweep"; data: Record<string, never> };

export function createWebhookQueue(connection: Redis, redisPrefix: string): Queue {
  return new Queue(WEBHOOK_QUEUE, {
    connection,
    prefix: bullPrefix(redisPrefix),
    defaultJobOptions: {
      // Only infrastructure errors (Postgres away) throw; the sweep re-queues whatever they strand,
      // so a failed job is not kept (it would hold its deduplication id).
      attempts: 5,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: true,
      removeOnFail: true,
    },
  });
}
