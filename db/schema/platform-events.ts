import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The outbox of platform events (cluster.ready, deployment.available, …): written in the same
 * transaction as the change that caused them, so an event exists exactly when its change committed.
 * Webhook delivery fans each one out to the subscribed endpoints; dispatchedAt marks that done.
 */
export const platformEvents = pgTable(
  "platform_events",
  {
    /** Also the Standard Webhooks `webhook-id`: stable across every retry of this event. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    clusterId: text("cluster_id"),
    type: text("type").notNull(),
    /** What the event is about (`cluster/<id>`, `<cluster>/apps/deployments/<ns>/<name>`): order is kept per subject. */
    subject: text("subject").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
  },
  (t) => [
    index("platform_events_undispatched_idx").on(t.occurredAt).where(sql`dispatched_at is null`),
    index("platform_events_tenant_idx").on(t.tenantId, t.occurredAt),
  ],
);
