import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Install-wide values every replica must agree on: the TLS CA, the admin token's hash. */
export const settings = pgTable("settings", {
  name: text("name").primaryKey(),
  value: jsonb("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
