import { randomId } from "../../apps/api/src/platform/ids.ts";
import type { Runtime } from "../../apps/api/src/platform/runtime.ts";
import { bootstrapObjects } from "../../workers/src/provisioning/bootstrap-objects.ts";

/** A tenant, its API token (which reaches every cluster of the tenant) and its Ready clusters. */
export interface DirectClusters {
  tenantId: string;
  token: string;
  clusterIds: string[];
}

/**
 * Creates Ready clusters straight through the store, as provisioning leaves them, without the
 * BullMQ worker: watch tests that kill Redis, and benchmarks that need a thousand clusters, should
 * not depend on the provisioning queue. The tenant's cluster cap is not consulted.
 */
export async function createReadyClusters(
  runtime: Runtime,
  count: number,
  options: { concurrency?: number; caPem?: string } = {},
): Promise<DirectClusters> {
  const { sql } = runtime.db;
  const tenantId = `ten_${randomId(16)}`;
  await sql`insert into tenants (id, email, cluster_count) values (${tenantId}, ${`${tenantId}@example.com`}, ${count})`;
  const { token } = await runtime.tokens.issue(tenantId, { name: "direct", kind: "tenant" });
  const spec = { nodes: { count: 1, cpu: "4", memory: "8Gi" }, speed: "instant" as const };
  const clusterIds = Array.from({ length: count }, () => `c${randomId(15)}`);
  const rows = clusterIds.map((id, i) => ({
    id,
    tenant_id: tenantId,
    name: `direct-${i}`,
    phase: "Ready",
    spec: JSON.stringify(spec),
    ready_at: new Date().toISOString(),
  }));
  for (let i = 0; i < rows.length; i += 1000) {
    await sql`insert into clusters ${sql(rows.slice(i, i + 1000))}`;
    await sql`insert into cluster_versions ${sql(rows.slice(i, i + 1000).map((r) => ({ cluster_id: r.id })))}`;
  }
  const caPem = options.caPem ?? "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < clusterIds.length; i = next++) {
      const items = bootstrapObjects({ clusterName: `direct-${i}`, spec, caPem, now: new Date() });
      await runtime.store.bootstrap(clusterIds[i]!, items);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { tenantId, token, clusterIds };
}
