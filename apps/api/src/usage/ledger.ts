import type { Runtime } from "../platform/runtime.ts";

/**
 * The last word of a removed cluster in the usage ledger: its lifetime ends when it was marked
 * Deleting (or now, for a removal that came another way), and so do its pods' (no DELETED change is
 * written for objects dropped with their cluster). Its quota counter goes with it. Idempotent.
 */
export async function closeClusterUsage(runtime: Runtime, clusterId: string): Promise<void> {
  const now = runtime.clock.now().toISOString();
  await runtime.db.sql.begin(async (sql) => {
    const [ledger] = await sql<{ deleted_at: string }[]>`
      update usage_clusters set deleted_at = coalesce(deleted_at, ${now}::timestamptz)
      where cluster_id = ${clusterId} returning deleted_at`;
    await sql`
      update usage_pods set ended_at = least(${ledger?.deleted_at ?? now}::timestamptz, ${now}::timestamptz)
      where cluster_id = ${clusterId} and ended_at is null`;
    await sql`delete from cluster_quota_usage where cluster_id = ${clusterId}`;
  });
}
