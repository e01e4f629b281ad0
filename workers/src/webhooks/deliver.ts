import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { queueDelivery } from "../../../apps/api/src/webhooks/dispatch.ts";
import {
  behindEarlierOfSubject,
  failPendingDeliveries,
  pendingSubjectHeads,
} from "../../../apps/api/src/webhooks/pending-deliveries.ts";
import { signatureHeader } from "../../../apps/api/src/webhooks/signature.ts";
import { disableEndpointIfFailing } from "./endpoint-health.ts";
import { nextAttempt } from "./retry-policy.ts";
import { sendWebhook, type WebhookResponse } from "./send-webhook.ts";

/** Beyond the request timeout: how long a claimed attempt may take before it is presumed lost. */
const LOST_ATTEMPT_MARGIN_MS = 30_000;

/**
 * A claimed delivery with what sending it needs. Times are epoch milliseconds: the pool hands
 * timestamps of raw queries over as text, so the queries convert them.
 */
interface Claimed {
  endpoint_id: string;
  subject: string;
  attempt_count: number;
  /** The retry schedule's position: attempts since the window (first or manual retry) began. */
  window_attempts: number;
  window_started_ms: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_ms: number | null;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  occurred_ms: number;
}

/**
 * One attempt of one delivery. It is sent only when it is pending, due, its endpoint enabled, and
 * no earlier delivery of the same subject to the same endpoint is still pending (that one's
 * completion queues this one). The claim moves next_attempt_at past the request's timeout, so an
 * attempt whose worker died is retried once that passes.
 */
export async function deliver(runtime: Runtime, deliveryId: string): Promise<void> {
  const { webhooks } = runtime.config;
  const now = runtime.clock.now();
  const lostAfter = new Date(now.getTime() + webhooks.timeoutMs + LOST_ATTEMPT_MARGIN_MS);
  const [claimed] = await runtime.db.sql<Claimed[]>`
    update webhook_deliveries d
    set attempt_count = d.attempt_count + 1, next_attempt_at = ${lostAfter.toISOString()},
        window_attempts = case when d.window_started_at is null then 1 else d.window_attempts + 1 end,
        window_started_at = coalesce(d.window_started_at, ${now.toISOString()})
    from webhook_endpoints w, platform_events e
    where d.id = ${deliveryId} and d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}
      and w.id = d.endpoint_id and w.enabled and e.id = d.event_id
      and not ${behindEarlierOfSubject(runtime.db.sql)}
    returning d.endpoint_id, d.subject, d.attempt_count, d.window_attempts,
              (extract(epoch from d.window_started_at) * 1000)::float8 as window_started_ms,
              w.url, w.secret, w.previous_secret,
              (extract(epoch from w.previous_secret_expires_at) * 1000)::float8 as previous_secret_expires_ms,
              e.id as event_id, e.type, e.data, (extract(epoch from e.occurred_at) * 1000)::float8 as occurred_ms`;
  if (!claimed) return notClaimed(runtime, deliveryId, now);

  const body = JSON.stringify({
    type: claimed.type,
    timestamp: new Date(claimed.occurred_ms).toISOString(),
    data: claimed.data,
  });
  const secrets = [runtime.webhookSecrets.open(claimed.secret)];
  const previousUntil = claimed.previous_secret_expires_ms;
  if (claimed.previous_secret && previousUntil !== null && previousUntil > now.getTime()) {
    secrets.push(runtime.webhookSecrets.open(claimed.previous_secret));
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  const response = await sendWebhook({
    url: claimed.url,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Sandcastle-Webhooks/1",
      "webhook-id": claimed.event_id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signatureHeader(secrets, claimed.event_id, timestamp, body),
    },
    timeoutMs: webhooks.timeoutMs,
    allowPrivate: webhooks.allowPrivate,
  });
  await recordOutcome(runtime, deliveryId, claimed, now, response);
}

async function recordOutcome(
  runtime: Runtime,
  deliveryId: string,
  claimed: Claimed,
  attemptedAt: Date,
  response: WebhookResponse,
): Promise<void> {
  const { webhooks } = runtime.config;
  const now = runtime.clock.now();
  const windowStartedAt = new Date(claimed.window_started_ms);
  const decision = response.ok
    ? undefined
    : nextAttempt({
        attempts: claimed.window_attempts,
        now,
        windowStartedAt,
        scheduleMs: webhooks.retryScheduleMs,
        maxRetryMs: webhooks.maxRetryMs,
        ...(response.retryAfterMs !== undefined ? { retryAfterMs: response.retryAfterMs } : {}),
      });
  const status = response.ok ? "succeeded" : decision?.retryAt ? "pending" : "failed";
  const tried = claimed.window_attempts;
  const attempts = `${tried} attempt${tried === 1 ? "" : "s"}`;
  const failureReason = status === "failed" ? `gave up after ${attempts}: ${response.error}` : null;
  const updated = await runtime.db.sql.begin(async (sql) => {
    await sql`
      insert into webhook_attempts (delivery_id, attempted_at, status_code, duration_ms, error)
      values (${deliveryId}, ${attemptedAt.toISOString()}, ${response.statusCode ?? null}, ${response.durationMs},
              ${response.error ?? null})`;
    // Only while the claim is still ours: a disable or a manual retry meanwhile decided otherwise.
    const rows = await sql`
      update webhook_deliveries
      set status = ${status}, next_attempt_at = ${(decision?.retryAt ?? now).toISOString()},
          completed_at = ${status === "pending" ? null : now.toISOString()}, failure_reason = ${failureReason}
      where id = ${deliveryId} and status = 'pending' and attempt_count = ${claimed.attempt_count}
      returning id`;
    if (response.ok) {
      await sql`
        update webhook_endpoints set last_success_at = ${now.toISOString()} where id = ${claimed.endpoint_id}`;
    }
    return rows.length > 0;
  });
  if (!updated) return;
  if (status === "pending") {
    await queueDelivery(runtime.webhookQueue, deliveryId, { dueAt: decision?.retryAt, now });
    return;
  }
  if (status === "failed") {
    await disableEndpointIfFailing(runtime, claimed.endpoint_id, windowStartedAt, response.error ?? "");
  }
  await queueNextOfSubject(runtime, claimed.endpoint_id, claimed.subject);
}

/** Why a job found nothing to send, and what that asks for. */
async function notClaimed(runtime: Runtime, deliveryId: string, now: Date): Promise<void> {
  const [row] = await runtime.db.sql<
    { status: string; next_attempt_ms: number; enabled: boolean; endpoint_id: string; blocked: boolean }[]
  >`
    select d.status, (extract(epoch from d.next_attempt_at) * 1000)::float8 as next_attempt_ms,
           w.enabled, d.endpoint_id,
           ${behindEarlierOfSubject(runtime.db.sql)} as blocked
    from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
    where d.id = ${deliveryId}`;
  // Gone (its webhook was deleted) or already done: a stale job.
  if (row?.status !== "pending") return;
  // A race with disabling: the endpoint's pending deliveries are failed once disabled.
  if (!row.enabled) return failPendingDeliveries(runtime.db.sql, row.endpoint_id, now);
  // Parked behind an earlier delivery of its subject, which queues it when done.
  if (row.blocked) return;
  // Early (a job due on another clock) or an attempt still in flight: come back when due.
  if (row.next_attempt_ms > now.getTime()) {
    await queueDelivery(runtime.webhookQueue, deliveryId, { dueAt: new Date(row.next_attempt_ms), now });
  }
}

/** After a delivery finished, the next pending one of its subject may go. */
async function queueNextOfSubject(runtime: Runtime, endpointId: string, subject: string): Promise<void> {
  const [next] = await pendingSubjectHeads(runtime.db.sql, { endpointId, subject });
  if (next) await queueDelivery(runtime.webhookQueue, next.id, { dueAt: new Date(next.next_attempt_ms) });
}
