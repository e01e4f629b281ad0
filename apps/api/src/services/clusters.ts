import { and, desc, eq, isNull, lte, ne, sql } from "drizzle-orm";
import {
  apiTokens,
  type ClusterSpec,
  clusters,
  tenants,
  usageClusters,
} from "../../../../db/schema/index.ts";
import { ApiError, notFoundError } from "../errors.ts";
import { randomId } from "../platform/ids.ts";
import { enqueueClusterJob } from "../platform/queues.ts";
import type { Runtime } from "../platform/runtime.ts";
import { kickWebhookDispatch } from "../webhooks/dispatch.ts";
import { clusterEvent, platformEventFrom, recordPlatformEventOrm } from "../webhooks/platform-events.ts";
import { afterCommit } from "./after-commit.ts";
import { announceClusterChange } from "./cluster-events.ts";
import { armClusterLifecycle, clusterTtlSeconds } from "./cluster-ttl.ts";
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
  const expiresAt = new Date(now.getTime() + clusterTtlSeconds(runtime.config, input.ttlSeconds) * 1000);
  const sql = runtime.db.sql;
  const provisioningEvent = clusterEvent(
    "cluster.provisioning",
    { tenantId: principal.tenantId, id, name: input.name },
    { phase: "Provisioning", reason: "Provisioning", message: "the cluster is being created" },
  );
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
               ${now.toISOString()}, ${expiresAt.toISOString()}
        from slot
        returning id
      ), counter as (
        insert into cluster_versions (cluster_id) select id from created
      ), ledger as (
        insert into usage_clusters (cluster_id, tenant_id, name, created_at)
        select id, ${principal.tenantId}, ${input.name}, ${now.toISOString()} from created
      ), event as (
        ${platformEventFrom(sql, "created", provisioningEvent, now)}
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
  // Committed: from here on a Redis failure is logged, never a 500 for a cluster that exists.
  const fields = { clusterId: id };
  await afterCommit(runtime, "queue the provisioning job", fields, () =>
    enqueueClusterJob(runtime.clusterQueue, { name: "provision", data: { clusterId: id } }),
  );
  await afterCommit(runtime, "kick webhook dispatch", fields, () => kickWebhookDispatch(runtime));
  await armClusterLifecycle(runtime, id);
  await afterCommit(runtime, "announce the cluster change", fields, () =>
    announceClusterChange(runtime, principal.tenantId),
  );
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
  const row = await markClusterDeleting(ctx.runtime, id, { tenantId: ctx.principal.tenantId });
  if (!row) throw notFoundError(`cluster "${id}" not found`);
  return clusterView(ctx.runtime, row);
}

/**
 * deleteCluster without a tenant: the TTL expiry deletes through here. `expiredBy` deletes only a
 * cluster whose expiresAt is at or before it, so an extension committed meanwhile wins. Returns
 * undefined when no live cluster matched.
 */
export async function markClusterDeleting(
  runtime: Runtime,
  id: string,
  only: { tenantId?: string; expiredBy?: Date } = {},
): Promise<ClusterRow | undefined> {
  const row = await runtime.db.orm.transaction(async (tx) => {
    const [updated] = await tx
      .update(clusters)
      .set({ phase: "Deleting" })
      .where(
        and(
          eq(clusters.id, id),
          only.tenantId === undefined ? undefined : eq(clusters.tenantId, only.tenantId),
          only.expiredBy === undefined ? undefined : lte(clusters.expiresAt, only.expiredBy),
          ne(clusters.phase, "Deleting"),
        ),
      )
      .returning();
    if (!updated) return undefined;
    await recordPlatformEventOrm(
      tx,
      clusterEvent(
        "cluster.deleted",
        { tenantId: updated.tenantId, id, name: updated.name },
        {
          phase: "Deleting",
          ...(only.expiredBy
            ? { reason: "Expired", message: "the cluster reached its expiry time" }
            : { reason: "Deleted", message: "the cluster was deleted" }),
        },
      ),
      runtime.clock.now(),
    );
    await tx.delete(apiTokens).where(eq(apiTokens.clusterId, id));
    // The usage ledger outlives the cluster's rows: its lifetime ends now.
    await tx
      .update(usageClusters)
      .set({ deletedAt: runtime.clock.now() })
      .where(and(eq(usageClusters.clusterId, id), isNull(usageClusters.deletedAt)));
    await tx
      .update(tenants)
      .set({ clusterCount: sql`${tenants.clusterCount} - 1` })
      .where(eq(tenants.id, updated.tenantId));
    return updated;
  });
  if (!row) return undefined;
  await enqueueClusterJob(runtime.clusterQueue, { name: "delete", data: { clusterId: id } });
  await kickWebhookDispatch(runtime);
  await announceClusterChange(runtime, row.tenantId);
  return row;
}
