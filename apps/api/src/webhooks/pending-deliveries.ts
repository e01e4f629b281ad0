import type postgres from "postgres";

/**
 * Fails every pending delivery of a disabled webhook: nothing is sent to it any more, and the
 * deliveries list says why. They can be retried by hand once it is enabled again.
 */
export async function failPendingDeliveries(
  sql: postgres.Sql | postgres.TransactionSql,
  endpointId: string,
  now: Date,
): Promise<void> {
  await sql`
    update webhook_deliveries set status = 'failed', completed_at = ${now.toISOString()}, failure_reason = 'webhook disabled'
    where endpoint_id = ${endpointId} and status = 'pending'
      and exists (select 1 from webhook_endpoints w where w.id = ${endpointId} and not w.enabled)`;
}
