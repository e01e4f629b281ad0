import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { platformEvents } from "./platform-events.ts";
import { tenants } from "./tenants.ts";

/** A tenant's webhook: where to POST which platform events, and the secret that signs them. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Only this cluster's events; null: every cluster of the tenant. */
    clusterId: text("cluster_id"),
    url: text("url").notNull(),
    events: jsonb("events").$type<string[]>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** `whsec_…`, sealed with SECRETS_KEY (apps/api/src/webhooks/secret-box.ts). */
    secret: text("secret").notNull(),
    /** The secret before the last rotation; deliveries are signed with both until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    /** The disabling rule asks whether anything got through during a failed delivery's retry window. */
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    /** The `endpoint.disabled` platform event recorded with an automatic disable. */
    disabledEventId: text("disabled_event_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_tenant_idx").on(t.tenantId, t.createdAt)],
);

export type WebhookDeliveryStatus = "pending" | "succeeded" | "failed";

/**
 * One event to one endpoint, written before any job is queued for it: Postgres, not Redis, knows
 * what is still owed. `seq` orders deliveries of one endpoint and subject: only the first pending
 * one of a (endpoint, subject) is sent.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    seq: bigserial("seq", { mode: "number" }).notNull(),
    tenantId: text("tenant_id").notNull(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => platformEvents.id, { onDelete: "cascade" }),
    subject: text("subject").notNull(),
    status: text("status").$type<WebhookDeliveryStatus>().notNull().default("pending"),
    /** Every attempt ever made; a claim is ours only while it is unchanged. */
    attemptCount: integer("attempt_count").notNull().default(0),
    /** Attempts in the current retry window: the retry schedule's position, reset by a manual retry. */
    windowAttempts: integer("window_attempts").notNull().default(0),
    /** When the next attempt is due; while an attempt runs, when it is presumed lost. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    /** Start of the retry window (WEBHOOK_MAX_RETRY_SECONDS); a manual retry opens a new one. */
    windowStartedAt: timestamp("window_started_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** Why a delivery failed as a whole: retries exhausted, endpoint disabled. */
    failureReason: text("failure_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_uq").on(t.endpointId, t.eventId),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.seq),
    index("webhook_deliveries_pending_subject_idx")
      .on(t.endpointId, t.subject, t.seq)
      .where(sql`status = 'pending'`),
    index("webhook_deliveries_pending_idx").on(t.seq).where(sql`status = 'pending'`),
  ],
);

/** Every HTTP attempt of a delivery, as `GET /v1/webhooks/{id}/deliveries` shows it. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.id)],
);
