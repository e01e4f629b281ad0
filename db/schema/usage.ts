import { bigint, index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * What a cluster holds now, as its quota counts it: kept up to date by the store's commit hook in
 * every write transaction (the cluster's counter row lock serialises them), so a write checks its
 * quota without counting rows. Removed with the cluster.
 */
export const clusterQuotaUsage = pgTable("cluster_quota_usage", {
  clusterId: text("cluster_id").primaryKey(),
  /** Every stored object but Events. */
  objects: integer("objects").notNull().default(0),
  /** Pods not in a terminal phase (Succeeded, Failed), as ResourceQuota counts them. */
  pods: integer("pods").notNull().default(0),
  /** Sum of those pods' requests (containers, init containers, overhead), as ResourceQuota computes it. */
  cpuMillis: bigint("cpu_millis", { mode: "number" }).notNull().default(0),
  memoryBytes: bigint("memory_bytes", { mode: "number" }).notNull().default(0),
});

/**
 * The usage ledger: it outlives the clusters it describes (the removal job deletes a cluster's own
 * rows, not these), so usage over a past range still shows deleted clusters.
 */
export const usageClusters = pgTable(
  "usage_clusters",
  {
    clusterId: text("cluster_id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("usage_clusters_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** One row per pod: from its creation until it reached a terminal phase or was deleted. */
export const usagePods = pgTable(
  "usage_pods",
  {
    clusterId: text("cluster_id").notNull(),
    uid: text("uid").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    primaryKey({ columns: [t.clusterId, t.uid] }),
    index("usage_pods_started_idx").on(t.clusterId, t.startedAt),
  ],
);

/** Kubernetes API requests per cluster and hour, flushed from Redis counters. */
export const usageApiRequests = pgTable(
  "usage_api_requests",
  {
    clusterId: text("cluster_id").notNull(),
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    requests: bigint("requests", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.hour] })],
);
