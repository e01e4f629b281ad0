import { and, desc, eq, ne, sql } from "drizzle-orm";
import { apiTokens, type ClusterSpec, clusters, tenants } from "../../../../db/schema/index.ts";
import { ApiError, notFoundError } from "../errors.ts";
import { randomId } from "../platform/ids.ts";
import { enqueueClusterJob } from "../platform/queues.ts";
import { type ClusterRow, type ClusterView, clusterView } from "./cluster-view.ts";
import type { TenantContext } from "./context.ts";

export interface CreateClusterInput {
  name: string;
  nodes: ClusterSpec["nodes"];
  speed: ClusterSpec["speed"];
  ttlSeconds?: number;
}

/**
 * Records the cluster (phase Provisioning) and queues its provisioning job. The tenant row is locked
 * so that concurrent creations cannot pass the per-tenant cap together.
 */
export async function createCluster(ctx: TenantContext, input: CreateClusterInput): Promise<ClusterView> {
  const { runtime, principal } = ctx;
  const id = `c${randomId(15)}`;
  const now = runtime.clock.now();
  const row = await runtime.db.orm.transaction(async (tx) => {
    await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, principal.tenantId)).for("update");
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(clusters)
      .where(and(eq(clusters.tenantId, principal.tenantId), ne(clusters.phase, "Deleting")));
    const max = runtime.config.maxClustersPerTenant;
    if ((count?.n ?? 0) >= max) {
      throw new ApiError(
        "Forbidden",
        `cluster limit reached: this tenant already has ${max} clusters; delete one first`,
        undefined,
        "cluster_limit_reached",
      );
    }
    const taken = await tx
      .select({ id: clusters.id })
      .from(clusters)
      .where(
        and(
          eq(clusters.tenantId, principal.tenantId),
          eq(clusters.name, input.name),
          ne(clusters.phase, "Deleting"),
        ),
      );
    if (taken.length > 0) {
      throw new ApiError(
        "Conflict",
        `a cluster named "${input.name}" already exists`,
        undefined,
        "name_taken",
      );
    }
    const [created] = await tx
      .insert(clusters)
      .values({
        id,
        tenantId: principal.tenantId,
        name: input.name,
        phase: "Provisioning",
        conditions: [
          {
            type: "Ready",
            status: "False",
            reason: "Provisioning",
            message: "the cluster is being created",
            lastTransitionTime: now.toISOString(),
          },
        ],
        spec: { nodes: input.nodes, speed: input.speed },
        createdAt: now,
        expiresAt: input.ttlSeconds ? new Date(now.getTime() + input.ttlSeconds * 1000) : null,
      })
      .returning();
    await tx.execute(sql`insert into cluster_versions (cluster_id) values (${id})`);
    return created!;
  });
  await enqueueClusterJob(runtime.clusterQueue, { name: "provision", data: { clusterId: id } });
  return clusterView(runtime, row);
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
    return updated;
  });
  await enqueueClusterJob(runtime.clusterQueue, { name: "delete", data: { clusterId: id } });
  return clusterView(runtime, row);
}
