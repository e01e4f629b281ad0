import { and, desc, eq, ne, sql } from "drizzle-orm";
import { apiTokens, type ClusterSpec, clusters, tenants } from "../../../../db/schema/index.ts";
import { ApiError, notFoundError } from "../errors.ts";
import { randomId } from "../platform/ids.ts";
import { enqueueClusterJob } from "../platform/queues.ts";
import { announceClusterChange } from "./cluster-events.ts";
import { type ClusterRow, type ClusterView, clusterView } from "./cluster-view.ts";
import type { TenantContext } from "./context.ts";

export interface CreateClusterInput {
  name: string;
  nodes: ClusterSpec["nodes"];
  speed: ClusterSpec["speed"];
  ttlSeconds?: number;
}

/**
 * Records the cluster (phase Provisioning) and queues its provisioning job. One statement takes a
 * slot under the per-tenant cap (the UPDATE re-checks the count on the latest row, so concurrent
 * creations cannot pass the cap together), inserts the cluster and its version counter; a taken
 * name fails on the unique index. No lock outlives the statement.
 */
export async function createCluster(ctx: TenantContext, input: CreateClusterInput): Promise<ClusterView> {
  const { runtime, principal } = ctx;
  const id = `c${randomId(15)}`;
  const now = runtime.clock.now();
  const max = runtime.config.maxClustersPerTenant;
  const conditions = [
    {
      type: "Ready",
      status: "False",
      reason: "Provisioning",
      message: "the cluster is being created",
      lastTransitionTime: now.toISOString(),
    },
  ];
  const spec: ClusterSpec = { nodes: input.nodes, speed: input.speed };
  const expiresAt = input.ttlSeconds ? new Date(now.getTime() + input.ttlSeconds * 1000) : null;
  const sql = runtime.db.sql;
  let rows: { id: string }[];
  try {
    rows = await sql`
      with slot as (
        update tenants set cluster_count = cluster_count + 1
        where id = ${principal.tenantId} and cluster_count < ${max}
        returning id
      ), created as (
        insert into clusters (id, tenant_id, name, phase, conditions, spec, created_at, expires_at)
        select ${id}, slot.id, ${input.name}, 'Provisioning', ${JSON.stringify(conditions)}, ${JSON.stringify(spec)},
               ${now.toISOString()}, ${expiresAt?.toISOString() ?? null}
        from slot
        returning id
      ), counter as (
        insert into cluster_versions (cluster_id) select id from created
      )
      select id from created`;
  } catch (err) {
    if ((err as { code?: string }).code === "23505") {
      throw new ApiError(
        "Conflict",
        `a cluster named "${input.name}" already exists`,
        undefined,
        "name_taken",
      );
    }
    throw err;
  }
  if (rows.length === 0) {
    throw new ApiError(
      "Forbidden",
      `cluster limit reached: this tenant already has ${max} clusters; delete one first`,
      undefined,
      "cluster_limit_reached",
    );
  }
  await enqueueClusterJob(runtime.clusterQueue, { name: "provision", data: { clusterId: id } });
  await announceClusterChange(runtime, principal.tenantId);
  return clusterView(runtime, {
    id,
    name: input.name,
    phase: "Provisioning",
    conditions: conditions as ClusterRow["conditions"],
    spec,
    createdAt: now,
    readyAt: null,
    expiresAt,
  });
}

export async function listClusters(ctx: TenantContext): Promise<ClusterView[]> {
  const rows = await ctx.runtime.db.orm
    .select()
    .from(clusters)
    .where(and(eq(clusters.tenantId, ctx.principal.tenantId), ne(clusters.phase, "Deleting")))
    .orderBy(desc(clusters.createdAt));
  return rows.map((r) => clusterView(ctx.runtime, r));
}

/** A cluster of this tenant; another tenant's cluster is NotFound, exactly like a missing one. */
export async function getClusterRow(ctx: TenantContext, id: string): Promise<ClusterRow> {
  const [row] = await ctx.runtime.db.orm
    .select()
    .from(clusters)
    .where(
      and(eq(clusters.id, id), eq(clusters.tenantId, ctx.principal.tenantId), ne(clusters.phase, "Deleting")),
    );
  if (!row) throw notFoundError(`cluster "${id}" not found`);
  return row;
}

export async function getCluster(ctx: TenantContext, id: string): Promise<ClusterView> {
  return clusterView(ctx.runtime, await getClusterRow(ctx, id));
}

/**
 * Marks the cluster Deleting and revokes its kubeconfig tokens at once (its API answers 404 and its
 * tokens 401 from the next request on); a job then removes every row it had.
 */
export async function deleteCluster(ctx: TenantContext, id: string): Promise<ClusterView> {
  const { runtime } = ctx;
  const row = await runtime.db.orm.transaction(async (tx) => {
    const [updated] = await tx
      .update(clusters)
      .set({ phase: "Deleting" })
      .where(
        and(
          eq(clusters.id, id),
          eq(clusters.tenantId, ctx.principal.tenantId),
          ne(clusters.phase, "Deleting"),
        ),
      )
      .returning();
    if (!updated) throw notFoundError(`cluster "${id}" not found`);
    await tx.delete(apiTokens).where(eq(apiTokens.clusterId, id));
    await tx
      .update(tenants)
      .set({ clusterCount: sql`${tenants.clusterCount} - 1` })
      .where(eq(tenants.id, ctx.principal.tenantId));
    return updated;
  });
  await enqueueClusterJob(runtime.clusterQueue, { name: "delete", data: { clusterId: id } });
  await announceClusterChange(runtime, ctx.principal.tenantId);
  return clusterView(runtime, row);
}
