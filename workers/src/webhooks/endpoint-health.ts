import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { kickWebhookDispatch } from "../../../apps/api/src/webhooks/dispatch.ts";
import { failPendingDeliveries } from "../../../apps/api/src/webhooks/pending-deliveries.ts";
import { recordPlatformEvent } from "../../../apps/api/src/webhooks/platform-events.ts";

/**
 * The disabling rule: when a delivery is given up and nothing at all reached the endpoint during
 * that delivery's whole retry window (WEBHOOK_MAX_RETRY_SECONDS, 24 h by default), the endpoint is
 * considered dead and disabled, with the reason kept on it. An endpoint that refuses one event but
 * accepts others stays enabled. Re-enabling (PATCH enabled: true) starts afresh.
 *
 * The disable records an `endpoint.disabled` event in the same transaction, so it exists exactly
 * when the disable committed: the webhook shows it as `disabledEventId`, and the tenant's other
 * enabled webhooks subscribed to it get it (the fan-out never sends it to the webhook it is about).
 */
export async function disableEndpointIfFailing(
  runtime: Runtime,
  endpointId: string,
  windowStartedAt: Date,
  lastError: string,
): Promise<void> {
  const now = runtime.clock.now();
  const hours = runtime.config.webhooks.maxRetryMs / 3_600_000;
  const span = hours >= 1 ? `${Number(hours.toFixed(1))} h` : `${Math.round(hours * 3600)} s`;
  const reason = `every delivery failed for ${span}; last error: ${lastError}`;
  const disabled = await runtime.db.sql.begin(async (sql) => {
    const [row] = await sql<{ tenant_id: string; cluster_id: string | null; url: string }[]>`
      update webhook_endpoints
      set enabled = false, disabled_at = ${now.toISOString()}, disabled_reason = ${reason}, updated_at = ${now.toISOString()}
      where id = ${endpointId} and enabled
        and (last_success_at is null or last_success_at < ${windowStartedAt.toISOString()})
      returning tenant_id, cluster_id, url`;
    if (!row) return undefined;
    await failPendingDeliveries(sql, endpointId, now);
    const eventId = await recordPlatformEvent(
      sql,
      {
        type: "endpoint.disabled",
        tenantId: row.tenant_id,
        // A cluster-scoped webhook's disable concerns that cluster: webhooks of other clusters skip it.
        clusterId: row.cluster_id,
        subject: `webhook/${endpointId}`,
        data: { webhookId: endpointId, url: row.url, reason, disabledAt: now.toISOString() },
      },
      now,
    );
    await sql`update webhook_endpoints set disabled_event_id = ${eventId} where id = ${endpointId}`;
    return row;
  });
  if (disabled) {
    runtime.log.warn("webhook disabled after failing deliveries", {
      webhookId: endpointId,
      tenantId: disabled.tenant_id,
      reason,
    });
    await kickWebhookDispatch(runtime);
  }
}
