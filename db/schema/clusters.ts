import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

/** Hibernated: a Ready cluster put to sleep (no jobs, timers or subscriptions); any API request wakes it. */
export type ClusterPhase = "Provisioning" | "Ready" | "Hibernated" | "Failed" | "Deleting";

export interface ClusterCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime: string;
}

/** The sandbox's shape, fixed at creation. */
export interface ClusterSpec {
  nodes: { count: number; cpu: string; memory: string };
  speed: "realistic" | "instant";
}

export const clusters = pgTable(
  "clusters",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    phase: text("phase").$type<ClusterPhase>().notNull(),
    conditions: jsonb("conditions").$type<ClusterCondition[]>().notNull().default([]),
    spec: jsonb("spec").$type<ClusterSpec>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    hibernatedAt: timestamp("hibernated_at", { withTimezone: true }),
    /** The expiresAt that `cluster.expiring` was sent for: one warning per expiry, even across retries. */
    expiryWarnedFor: timestamp("expiry_warned_for", { withTimezone: true }),
  },
  (t) => [
    // A deleting cluster gives its name back at once, so a CI job can recreate it straight away.
    uniqueIndex("clusters_tenant_name_uq").on(t.tenantId, t.name).where(sql`phase <> 'Deleting'`),
    index("clusters_tenant_idx").on(t.tenantId, t.createdAt),
    // The install-wide expiry job's next due time: two indexed min()s, never a scan of all clusters.
    index("clusters_expires_at_idx").on(t.expiresAt).where(sql`phase <> 'Deleting'`),
    index("clusters_unwarned_expires_at_idx")
      .on(t.expiresAt)
      .where(sql`phase <> 'Deleting' and expiry_warned_for is distinct from expires_at`),
  ],
);

/**
 * Each cluster's resourceVersion counter. Writers bump it with UPDATE … RETURNING inside their
 * transaction; the row lock makes versions strictly increasing in commit order and contiguous.
 * compactedRv: the change log holds every change after it, none at or before it.
 */
export const clusterVersions = pgTable("cluster_versions", {
  clusterId: text("cluster_id").primaryKey(),
  rv: bigint("rv", { mode: "number" }).notNull().default(0),
  compactedRv: bigint("compacted_rv", { mode: "number" }).notNull().default(0),
});
