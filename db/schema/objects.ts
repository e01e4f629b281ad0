import { bigint, index, json, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Kubernetes objects, one row each, as the JSON the API returns. Keyed so that cluster_id leads
 * every index: the store can be sharded by cluster. Bodies are `json` (the text as written), not
 * `jsonb`: Postgres hands json back as it is, where turning jsonb into text was most of the cost of
 * a large list, and it takes json in without parsing it; the rare query into a body casts.
 */
export const objects = pgTable(
  "objects",
  {
    clusterId: text("cluster_id").notNull(),
    apiGroup: text("api_group").notNull(),
    resource: text("resource").notNull(),
    /** "" for cluster-scoped objects. */
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    uid: text("uid").notNull(),
    rv: bigint("rv", { mode: "number" }).notNull(),
    body: json("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.apiGroup, t.resource, t.namespace, t.name] })],
);

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** Every change of every object, in resourceVersion order, with the object as it was after it. */
export const changes = pgTable(
  "changes",
  {
    clusterId: text("cluster_id").notNull(),
    rv: bigint("rv", { mode: "number" }).notNull(),
    type: text("type").$type<ChangeType>().notNull(),
    apiGroup: text("api_group").notNull(),
    resource: text("resource").notNull(),
    namespace: text("namespace").notNull(),
    name: text("name").notNull(),
    body: json("body").notNull(),
    committedAt: timestamp("committed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.clusterId, t.rv] }),
    index("changes_resource_idx").on(t.clusterId, t.apiGroup, t.resource, t.rv),
  ],
);
