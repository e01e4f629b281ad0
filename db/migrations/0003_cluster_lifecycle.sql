ALTER TABLE "clusters" ADD COLUMN "hibernated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "expiry_warned_for" timestamp with time zone;