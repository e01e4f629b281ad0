import { and, asc, desc, eq, inArray, ne } from "drizzle-orm";
import {
  clusters,
  platformEvents,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "../../../../db/schema/index.ts";
import { type ApiError, badRequest, conflictError, notFoundError } from "../errors.ts";
import { randomId } from "../platform/ids.ts";
import type { TenantContext } from "../services/context.ts";
import { refusedHostKind } from "./address-guard.ts";
import { queueDelivery, queueSweep } from "./dispatch.ts";
import { failPendingDeliveries } from "./pending-deliveries.ts";
import { recordPlatformEventOrm, TEST_EVENT_TYPE } from "./platform-events.ts";
import type { CreateWebhookBody, UpdateWebhookBody } from "./schemas.ts";
import { newWebhookSecret } from "./signature.ts";

/** How long the secret before a rotation keeps signing deliveries, beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** How soon a sweep follows work queued from the API, in case the queueing itself was lost. */
const SWEEP_AFTER_MS = 60_000;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** A webhook as the API shows it: never its secret, which is shown once, at creation or rotation. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  clusterId: string | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  /** The `endpoint.disabled` event of an automatic disable (its payload is the reason, at, url). */
  disabledEventId: string | null;
  /** Until then deliveries also carry a signature with the secret before the last rotation. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

function view(row: EndpointRow, now: Date): WebhookView {
  const previousValid = row.previousSecretExpiresAt && row.previousSecretExpiresAt > now;
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    clusterId: row.clusterId,
    enabled: row.enabled,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
    disabledEventId: row.disabledEventId,
    previousSecretExpiresAt: previousValid ? row.previousSecretExpiresAt!.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A webhook URL: http(s), and a public destination unless WEBHOOK_ALLOW_PRIVATE is set. */
function checkedUrl(ctx: TenantContext, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`url ${JSON.stringify(raw)} is not a valid absolute URL`, "invalid_url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw badRequest(`url must use http or https, not ${url.protocol.replace(/:$/, "")}`, "invalid_url");
  }
  if (!ctx.runtime.config.webhooks.allowPrivate) {
    const kind = refusedHostKind(url.hostname);
    if (kind) {
      throw badRequest(
        `url host ${url.hostname} is ${kind} address; webhooks are only sent to public addresses`,
        "url_not_allowed",
      );
    }
  }
  url.hash = "";
  return url.toString();
}

async function checkCluster(ctx: TenantContext, clusterId: string): Promise<void> {
  const [row] = await ctx.runtime.db.orm
    .select({ id: clusters.id })
    .from(clusters)
    .where(
      and(
        eq(clusters.id, clusterId),
        eq(clusters.tenantId, ctx.principal.tenantId),
        ne(clusters.phase, "Deleting"),
      ),
    );
  if (!row) throw notFoundError(`cluster "${clusterId}" not found`);
}

async function endpointRow(ctx: TenantContext, id: string): Promise<EndpointRow> {
  const [row] = await ctx.runtime.db.orm
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, ctx.principal.tenantId)));
  if (!row) throw notFoundError(`webhook "${id}" not found`);
  return row;
}

export async function createWebhook(
  ctx: TenantContext,
  body: CreateWebhookBody,
): Promise<WebhookView & { secret: string }> {
  const url = checkedUrl(ctx, body.url);
  if (body.clusterId !== undefined) await checkCluster(ctx, body.clusterId);
  const secret = newWebhookSecret();
  const now = ctx.runtime.clock.now();
  const [row] = await ctx.runtime.db.orm
    .insert(webhookEndpoints)
    .values({
      id: `wh_${randomId(20)}`,
      tenantId: ctx.principal.tenantId,
      clusterId: body.clusterId ?? null,
      url,
      events: body.events,
      secret: ctx.runtime.webhookSecrets.seal(secret),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { ...view(row!, now), secret };
}

export async function listWebhooks(ctx: TenantContext): Promise<WebhookView[]> {
  const rows = await ctx.runtime.db.orm
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, ctx.principal.tenantId))
    .orderBy(asc(webhookEndpoints.createdAt));
  const now = ctx.runtime.clock.now();
  return rows.map((r) => view(r, now));
}

export async function getWebhook(ctx: TenantContext, id: string): Promise<WebhookView> {
  return view(await endpointRow(ctx, id), ctx.runtime.clock.now());
}

/**
 * Changes url, events or enabled. Enabling clears an automatic disable; disabling fails the
 * pending deliveries (they can be retried once enabled again).
 */
export async function updateWebhook(
  ctx: TenantContext,
  id: string,
  body: UpdateWebhookBody,
): Promise<WebhookView> {
  await endpointRow(ctx, id);
  const url = body.url === undefined ? undefined : checkedUrl(ctx, body.url);
  const now = ctx.runtime.clock.now();
  const row = await ctx.runtime.db.orm.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.enabled === true
          ? { enabled: true, disabledAt: null, disabledReason: null, disabledEventId: null }
          : {}),
        ...(body.enabled === false
          ? { enabled: false, disabledAt: now, disabledReason: "disabled by request", disabledEventId: null }
          : {}),
        updatedAt: now,
      })
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, ctx.principal.tenantId)))
      .returning();
    if (!updated) throw notFoundError(`webhook "${id}" not found`);
    return updated;
  });
  if (body.enabled === false) await failPendingDeliveries(ctx.runtime.db.sql, id, now);
  return view(row, now);
}

export async function deleteWebhook(ctx: TenantContext, id: string): Promise<void> {
  const deleted = await ctx.runtime.db.orm
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, ctx.principal.tenantId)))
    .returning({ id: webhookEndpoints.id });
  if (deleted.length === 0) throw notFoundError(`webhook "${id}" not found`);
}

/**
 * A new secret; the one it replaces keeps signing for ROTATION_OVERLAP_MS beside it, so receivers
 * can switch without losing a delivery. A second rotation within that time drops the oldest one.
 */
export async function rotateWebhookSecret(
  ctx: TenantContext,
  id: string,
): Promise<WebhookView & { secret: string }> {
  const current = await endpointRow(ctx, id);
  const secret = newWebhookSecret();
  const now = ctx.runtime.clock.now();
  const [row] = await ctx.runtime.db.orm
    .update(webhookEndpoints)
    .set({
      secret: ctx.runtime.webhookSecrets.seal(secret),
      previousSecret: current.secret,
      previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      updatedAt: now,
    })
    .where(
      and(
        eq(webhookEndpoints.id, id),
        eq(webhookEndpoints.tenantId, ctx.principal.tenantId),
        // Two rotations at once: the second finds the secret changed and must not keep a secret nobody saw.
        eq(webhookEndpoints.secret, current.secret),
      ),
    )
    .returning();
  if (!row) throw conflictError(`webhook "${id}" was rotated concurrently; try again`);
  return { ...view(row, now), secret };
}

/** Sends a `webhook.test` event to this webhook, through the same delivery path as any event. */
export async function sendTestEvent(
  ctx: TenantContext,
  id: string,
): Promise<{ eventId: string; deliveryId: string }> {
  const endpoint = await endpointRow(ctx, id);
  if (!endpoint.enabled) throw disabledError(id);
  const now = ctx.runtime.clock.now();
  const deliveryId = `whd_${randomId(24)}`;
  // One subject per webhook: test events arrive in the order they were asked for.
  const subject = `webhook/${id}`;
  const eventId = await ctx.runtime.db.orm.transaction(async (tx) => {
    const eventId = await recordPlatformEventOrm(
      tx,
      {
        type: TEST_EVENT_TYPE,
        tenantId: ctx.principal.tenantId,
        clusterId: endpoint.clusterId,
        subject,
        data: { webhookId: id, message: "a test event from Sandcastle" },
      },
      now,
      // Delivered to this webhook only, so the fan-out has nothing to do with it.
      { dispatched: true },
    );
    await tx.insert(webhookDeliveries).values({
      id: deliveryId,
      tenantId: ctx.principal.tenantId,
      endpointId: id,
      eventId,
      subject,
      nextAttemptAt: now,
      createdAt: now,
    });
    return eventId;
  });
  await queueSoon(ctx, deliveryId, false);
  return { eventId, deliveryId };
}

export interface AttemptView {
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: string;
  status: string;
  createdAt: string;
  completedAt: string | null;
  /** While pending: when the next attempt is due. */
  nextAttemptAt: string | null;
  /** Why a failed delivery failed as a whole. */
  failureReason: string | null;
  attempts: AttemptView[];
}

/** The webhook's deliveries, newest first, each with every attempt. */
export async function listDeliveries(ctx: TenantContext, id: string, limit: number): Promise<DeliveryView[]> {
  await endpointRow(ctx, id);
  const orm = ctx.runtime.db.orm;
  const rows = await orm
    .select({ delivery: webhookDeliveries, type: platformEvents.type })
    .from(webhookDeliveries)
    .innerJoin(platformEvents, eq(platformEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.tenantId, ctx.principal.tenantId)))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit);
  if (rows.length === 0) return [];
  const attempts = await orm
    .select()
    .from(webhookAttempts)
    .where(
      inArray(
        webhookAttempts.deliveryId,
        rows.map((r) => r.delivery.id),
      ),
    )
    .orderBy(asc(webhookAttempts.id));
  const byDelivery = new Map<string, (typeof attempts)[number][]>();
  for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
  return rows.map(({ delivery: d, type }) => ({
    id: d.id,
    eventId: d.eventId,
    type,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    completedAt: d.completedAt?.toISOString() ?? null,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    failureReason: d.failureReason,
    attempts: (byDelivery.get(d.id) ?? []).map((a) => ({
      at: a.attemptedAt.toISOString(),
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      error: a.error,
    })),
  }));
}

/**
 * Sends a finished delivery again, with a fresh retry window. It keeps its place in its subject's
 * order: later pending deliveries of the same subject wait for it.
 */
export async function retryDelivery(
  ctx: TenantContext,
  id: string,
  deliveryId: string,
): Promise<{ id: string; status: "pending" }> {
  const endpoint = await endpointRow(ctx, id);
  if (!endpoint.enabled) throw disabledError(id);
  const now = ctx.runtime.clock.now();
  const where = and(
    eq(webhookDeliveries.id, deliveryId),
    eq(webhookDeliveries.endpointId, id),
    eq(webhookDeliveries.tenantId, ctx.principal.tenantId),
  );
  const [updated] = await ctx.runtime.db.orm
    .update(webhookDeliveries)
    .set({
      status: "pending",
      nextAttemptAt: now,
      // A new window: the schedule starts again from its first step.
      windowStartedAt: null,
      windowAttempts: 0,
      completedAt: null,
      failureReason: null,
    })
    .where(and(where, ne(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  if (!updated) {
    const [existing] = await ctx.runtime.db.orm
      .select({ nextAttemptAt: webhookDeliveries.nextAttemptAt })
      .from(webhookDeliveries)
      .where(where);
    if (!existing) throw notFoundError(`delivery "${deliveryId}" of webhook "${id}" not found`);
    throw conflictError(
      `delivery "${deliveryId}" is still pending; its next attempt is due at ${existing.nextAttemptAt.toISOString()}`,
      undefined,
      "delivery_pending",
    );
  }
  await queueSoon(ctx, deliveryId, true);
  return { id: deliveryId, status: "pending" };
}

function disabledError(id: string): ApiError {
  return conflictError(
    `webhook "${id}" is disabled; enable it first (PATCH {"enabled": true})`,
    undefined,
    "webhook_disabled",
  );
}

/**
 * Queues a delivery the API created or reopened, and a sweep behind it: the row is durable, so if
 * Redis refuses now the worker's sweep after its reconnect sends it.
 */
async function queueSoon(ctx: TenantContext, deliveryId: string, reschedule: boolean): Promise<void> {
  const { runtime } = ctx;
  try {
    await queueDelivery(runtime.webhookQueue, deliveryId, { reschedule });
    await queueSweep(runtime.webhookQueue, SWEEP_AFTER_MS);
  } catch (err) {
    runtime.log.warn("could not queue a webhook delivery; the sweep will", {
      deliveryId,
      error: (err as Error).message,
    });
  }
}
