CREATE TABLE "cluster_quota_usage" (
	"cluster_id" text PRIMARY KEY NOT NULL,
	"objects" integer DEFAULT 0 NOT NULL,
	"pods" integer DEFAULT 0 NOT NULL,
	"cpu_millis" bigint DEFAULT 0 NOT NULL,
	"memory_bytes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_api_requests" (
	"cluster_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_api_requests_cluster_id_hour_pk" PRIMARY KEY("cluster_id","hour")
);
--> statement-breakpoint
CREATE TABLE "usage_clusters" (
	"cluster_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "usage_pods" (
	"cluster_id" text NOT NULL,
	"uid" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "usage_pods_cluster_id_uid_pk" PRIMARY KEY("cluster_id","uid")
);
--> statement-breakpoint
CREATE INDEX "usage_clusters_tenant_idx" ON "usage_clusters" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_pods_started_idx" ON "usage_pods" USING btree ("cluster_id","started_at");