ALTER TABLE "webhook_deliveries" ADD COLUMN "window_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "disabled_event_id" text;