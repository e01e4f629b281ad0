import type { Db } from "../../../../../db/client.ts";

/** Where a cluster stands: its current resourceVersion and the oldest one its change log replays after. */
export interface ClusterVersion {
  rv: number;
  compactedRv: number;
}

/** Reads the counters of many clusters; a cluster missing from the answer is gone. */
export type ReadClusterVersions = (clusterIds: readonly string[]) => Promise<Map<string, ClusterVersion>>;

const BATCH = 1000;

/**
 * The periodic check of every watched cluster in one query a second instead of one per cluster:
 * with a thousand watched clusters, per-cluster checks were a thousand queries a second, queued in
 * the pool ahead of the gap reads that live events wait on. (A batched `ObjectStore.versions` would
 * be the natural home for this; it reads the store's own counter table.)
 */
export function clusterVersionsReader(db: Db): ReadClusterVersions {
  return async (clusterIds) => {
    const found = new Map<string, ClusterVersion>();
    for (let i = 0; i < clusterIds.length; i += BATCH) {
      const rows = await db.sql<{ cluster_id: string; rv: number; compacted_rv: number }[]>`
        select cluster_id, rv, compacted_rv from cluster_versions
        where cluster_id = any(${clusterIds.slice(i, i + BATCH) as string[]}::text[])`;
      for (const row of rows) found.set(row.cluster_id, { rv: row.rv, compactedRv: row.compacted_rv });
    }
    return found;
  };
}
