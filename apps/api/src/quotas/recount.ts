import type { Sql, TransactionSql } from "postgres";
import type { KubeObject } from "../kube/object/types.ts";
import { addAmounts, amountsOf, NO_AMOUNTS, type QuotaAmounts } from "./amounts.ts";

/**
 * Counts a cluster's usage from its objects and stores it. Run where no running counter exists
 * yet: in the provisioning transaction (the bootstrap objects are written without commit hooks) and
 * for a cluster older than its counter. Must run inside the cluster's write transaction, so that no
 * other write lands between the count and the store. Pod bodies are never sealed, unlike Secrets.
 */
export async function recountQuotaUsage(sql: TransactionSql, clusterId: string): Promise<QuotaAmounts> {
  const usage = await countQuotaUsage(sql, clusterId);
  await sql`
    insert into cluster_quota_usage (cluster_id, objects, pods, cpu_millis, memory_bytes)
    values (${clusterId}, ${usage.objects}, ${usage.pods}, ${usage.cpuMillis}, ${usage.memoryBytes})
    on conflict (cluster_id) do update set objects = excluded.objects, pods = excluded.pods,
      cpu_millis = excluded.cpu_millis, memory_bytes = excluded.memory_bytes`;
  return usage;
}

/** A cluster's usage counted from its objects (what the running counter must always equal). */
export async function countQuotaUsage(sql: Sql | TransactionSql, clusterId: string): Promise<QuotaAmounts> {
  const [counted] = await sql<{ objects: number }[]>`
    select count(*)::int as objects from objects
    where cluster_id = ${clusterId} and not (api_group = '' and resource = 'events')`;
  const pods = await sql<{ body: KubeObject }[]>`
    select body from objects where cluster_id = ${clusterId} and api_group = '' and resource = 'pods'`;
  let usage: QuotaAmounts = { ...NO_AMOUNTS, objects: counted?.objects ?? 0 };
  for (const { body } of pods) usage = addAmounts(usage, { ...amountsOf("", "pods", body), objects: 0 });
  return usage;
}
