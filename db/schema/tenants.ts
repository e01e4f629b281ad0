import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const tenants = pgTable("tenants", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /** Clusters that are not Deleting; bumped atomically with the cap check, so no lock is held. */
  clusterCount: integer("cluster_count").notNull().default(0),
});
