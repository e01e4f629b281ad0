import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

/**
 * One row per issued token (the JWT's jti). The signature proves who issued it; this row proves it
 * is still wanted, so deleting it revokes the token on the very next request.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** `tenant` tokens drive /v1; `cluster` tokens live in kubeconfigs and reach one cluster only. */
    kind: text("kind", { enum: ["tenant", "cluster"] }).notNull(),
    clusterId: text("cluster_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [index("api_tokens_tenant_idx").on(t.tenantId), index("api_tokens_cluster_idx").on(t.clusterId)],
);
