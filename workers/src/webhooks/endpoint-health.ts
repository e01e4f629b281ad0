import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { failPendingDeliveries } from "../../../apps/api/src/webhooks/pending-deliveries.ts";

/**
 * The disabling rule: when a delivery is given up and nothing at all reached the endpoint during
 * that delivery's whole retry window (WEBHOOK_MAX_RETRY_SECONDS, 24 h by default), the endpoint is
 * considered dead and disabled, with the reason kept on it. An endpoint that refuses one event but
 * accepts others stays enabled. Re-enabling (PATCH enabled: true) starts afresh.
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
    const rows = await sql<{ tenant_id: string }[]>`
      update webhook_endpoints
      set enabled = false, disabled_at = ${now.toISOString()}, disabled_reason = ${reason}, updated_at = ${now.toISOString()}
      where id = ${endpointId} and enabled
        and (last_success_at is null or last_success_at < ${windowStartedAt.toISOString()})
      returning tenant_id`;
    if (rows.length > 0) await failPendingDeliveries(sql, endpointId, now);
    return rows[0];
  });
  if (disabled) {
    runtime.log.warn("webhook disabled after failing deliveries", {
      webhookId: endpointId,
      tenantId: disabled.tenant_id,
      reason,
    });
  }
}
