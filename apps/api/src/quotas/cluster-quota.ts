import { getClusterRow } from "../services/clusters.ts";
import type { TenantContext } from "../services/context.ts";
import type { QuotaAmounts } from "./amounts.ts";
import { CLUSTER_QUOTA_NAME, formatAmount } from "./quota-exceeded.ts";
import { countQuotaUsage } from "./recount.ts";

/** `GET /v1/clusters/{id}/quota`: what the cluster holds against each limit. */
export interface ClusterQuotaView {
  clusterId: string;
  name: string;
  objects: { used: number; limit: number };
  pods: { used: number; limit: number };
  /** Kubernetes quantities: the sums of the pods' requests. */
  cpu: { used: string; limit: string };
  memory: { used: string; limit: string };
}

export async function getClusterQuota(ctx: TenantContext, id: string): Promise<ClusterQuotaView> {
  const { runtime } = ctx;
  const cluster = await getClusterRow(ctx, id);
  const [row] = await runtime.db.sql<
    { objects: number; pods: number; cpu_millis: number; memory_bytes: number }[]
  >`select objects, pods, cpu_millis, memory_bytes from cluster_quota_usage where cluster_id = ${cluster.id}`;
  // No counter yet: the cluster is provisioning, or older than quotas and not written to since.
  const used: QuotaAmounts = row
    ? { objects: row.objects, pods: row.pods, cpuMillis: row.cpu_millis, memoryBytes: row.memory_bytes }
    : await countQuotaUsage(runtime.db.sql, cluster.id);
  const limit = runtime.config.quota;
  return {
    clusterId: cluster.id,
    name: CLUSTER_QUOTA_NAME,
    objects: { used: used.objects, limit: limit.objects },
    pods: { used: used.pods, limit: limit.pods },
    cpu: {
      used: formatAmount("cpuMillis", used.cpuMillis),
      limit: formatAmount("cpuMillis", limit.cpuMillis),
    },
    memory: {
      used: formatAmount("memoryBytes", used.memoryBytes),
      limit: formatAmount("memoryBytes", limit.memoryBytes),
    },
  };
}
