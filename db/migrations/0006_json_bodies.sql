ALTER TABLE "changes" ALTER COLUMN "body" SET DATA TYPE json USING "body"::json;--> statement-breakpoint
ALTER TABLE "objects" ALTER COLUMN "body" SET DATA TYPE json USING "body"::json;
