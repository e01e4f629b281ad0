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

type SqlRunner = postgres.Sql | postgres.TransactionSql;

/**
 * The ordering rule of deliveries, as a condition on the delivery aliased `d`: an earlier delivery
 * of the same (endpoint, subject) is still pending, so `d` must wait for it.
 */
export function behindEarlierOfSubject(sql: SqlRunner): postgres.PendingQuery<postgres.Row[]> {
  return sql`exists (
    select 1 from webhook_deliveries p
    where p.endpoint_id = d.endpoint_id and p.subject = d.subject and p.status = 'pending' and p.seq < d.seq)`;
}

/**
 * The first pending delivery of each (endpoint, subject), limited to one endpoint and subject when
 * given, oldest first: the deliveries that may be sent now or when due. Times are epoch milliseconds.
 */
export function pendingSubjectHeads(
  sql: SqlRunner,
  options: { endpointId: string; subject: string } | { limit: number },
): Promise<{ id: string; next_attempt_ms: number }[]> {
  const only = "endpointId" in options;
  return sql<{ id: string; next_attempt_ms: number }[]>`
    select d.id, (extract(epoch from d.next_attempt_at) * 1000)::float8 as next_attempt_ms
    from webhook_deliveries d
    where d.status = 'pending'
      ${only ? sql`and d.endpoint_id = ${options.endpointId} and d.subject = ${options.subject}` : sql``}
      and not ${behindEarlierOfSubject(sql)}
    order by d.seq limit ${only ? 1 : options.limit}`;
}
