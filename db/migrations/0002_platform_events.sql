CREATE TABLE "platform_events" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"cluster_id" text,
	"type" text NOT NULL,
	"subject" text NOT NULL,
	"data" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"dispatched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "platform_events_undispatched_idx" ON "platform_events" USING btree ("occurred_at") WHERE dispatched_at is null;--> statement-breakpoint
CREATE INDEX "platform_events_tenant_idx" ON "platform_events" USING btree ("tenant_id","occurred_at");