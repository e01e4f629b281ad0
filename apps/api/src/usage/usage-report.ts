import type { TenantContext } from "../services/context.ts";
import { HOUR_MS, hourOf } from "./api-request-counts.ts";
import { parseUsageRange } from "./usage-range.ts";

export interface ClusterUsage {
  clusterId: string;
  name: string;
  createdAt: string;
  deletedAt: string | null;
  /** Time the cluster existed within the range. */
  clusterHours: number;
  /** Time its pods held quota (created, not yet Succeeded/Failed or deleted) within the range. */
  podHours: number;
  /** Requests to its Kubernetes API, in the hours the range touches. */
  apiRequests: number;
}

export interface UsageReport {
  from: string;
  /** The end of what was measured: the requested `to`, or now if that is earlier (never before `from`). */
  to: string;
  clusters: ClusterUsage[];
  totals: { clusterHours: number; podHours: number; apiRequests: number };
}

/** Hours to the microhour: exact enough for billing, stable to compare. */
const hours = (seconds: number) => Math.round((seconds / 3600) * 1e6) / 1e6;

/**
 * `GET /v1/usage?from&to`: per cluster of the tenant that existed in the range (deleted ones
 * included, from the usage ledger that outlives them), cluster-hours, pod-hours and API requests,
 * and the totals. Hibernated time counts as cluster time (the cluster still exists and keeps its
 * objects); its pods count as long as they exist.
 */
export async function usageReport(
  ctx: TenantContext,
  query: { from?: string | undefined; to?: string | undefined },
): Promise<UsageReport> {
  const { runtime, principal } = ctx;
  const now = runtime.clock.now();
  const range = parseUsageRange(
    {
      ...(query.from !== undefined ? { from: query.from } : {}),
      ...(query.to !== undefined ? { to: query.to } : {}),
    },
    now,
  );
  const from = range.from.toISOString();
  // Nothing after now is measured; a range entirely in the future measures nothing.
  const end = new Date(Math.max(range.from.getTime(), Math.min(range.to.getTime(), now.getTime())));
  const to = end.toISOString();
  const sql = runtime.db.sql;
  const clusters = await sql<
    { cluster_id: string; name: string; created_at: string; deleted_at: string | null; seconds: number }[]
  >`
    select cluster_id, name, created_at, deleted_at,
      extract(epoch from least(coalesce(deleted_at, 'infinity'), ${to}::timestamptz)
                         - greatest(created_at, ${from}::timestamptz))::float8 as seconds
    from usage_clusters
    where tenant_id = ${principal.tenantId} and created_at < ${to}::timestamptz
      and (deleted_at is null or deleted_at > ${from}::timestamptz) and ${from}::timestamptz < ${to}::timestamptz
    order by created_at, cluster_id`;
  const ids = clusters.map((c) => c.cluster_id);
  const [pods, requests, pending] = await Promise.all([
    sql<{ cluster_id: string; seconds: number }[]>`
      select p.cluster_id, sum(extract(epoch from greatest(interval '0',
        least(coalesce(p.ended_at, 'infinity'), coalesce(c.deleted_at, 'infinity'), ${to}::timestamptz)
          - greatest(p.started_at, ${from}::timestamptz))))::float8 as seconds
      from usage_pods p join usage_clusters c on c.cluster_id = p.cluster_id
      where p.cluster_id = any(${sql.array(ids)}::text[]) and p.started_at < ${to}::timestamptz
        and (p.ended_at is null or p.ended_at > ${from}::timestamptz)
      group by p.cluster_id`,
    sql<{ cluster_id: string; requests: number }[]>`
      select cluster_id, sum(requests)::float8 as requests from usage_api_requests
      where cluster_id = any(${sql.array(ids)}::text[])
        and hour >= ${new Date(hourOf(range.from) * HOUR_MS).toISOString()}::timestamptz
        and hour < ${to}::timestamptz
      group by cluster_id`,
    // The hour `end` falls in counts only if the range reaches into it.
    runtime.requestLimiter.counts.pending(ids, hourOf(range.from), Math.ceil(end.getTime() / HOUR_MS) - 1),
  ]);
  const podSeconds = new Map(pods.map((r) => [r.cluster_id, r.seconds]));
  const flushed = new Map(requests.map((r) => [r.cluster_id, r.requests]));
  const totals = { clusterSeconds: 0, podSeconds: 0, apiRequests: 0 };
  const items = clusters.map((c): ClusterUsage => {
    const pod = podSeconds.get(c.cluster_id) ?? 0;
    const apiRequests = (flushed.get(c.cluster_id) ?? 0) + (pending.get(c.cluster_id) ?? 0);
    totals.clusterSeconds += c.seconds;
    totals.podSeconds += pod;
    totals.apiRequests += apiRequests;
    return {
      clusterId: c.cluster_id,
      name: c.name,
      createdAt: new Date(c.created_at).toISOString(),
      deletedAt: c.deleted_at ? new Date(c.deleted_at).toISOString() : null,
      clusterHours: hours(c.seconds),
      podHours: hours(pod),
      apiRequests,
    };
  });
  return {
    from,
    to,
    clusters: items,
    totals: {
      clusterHours: hours(totals.clusterSeconds),
      podHours: hours(totals.podSeconds),
      apiRequests: totals.apiRequests,
    },
  };
}
