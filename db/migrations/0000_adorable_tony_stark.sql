CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"cluster_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cluster_versions" (
	"cluster_id" text PRIMARY KEY NOT NULL,
	"rv" bigint DEFAULT 0 NOT NULL,
	"compacted_rv" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"phase" text NOT NULL,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"cluster_id" text NOT NULL,
	"rv" bigint NOT NULL,
	"type" text NOT NULL,
	"api_group" text NOT NULL,
	"resource" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"body" jsonb NOT NULL,
	"committed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "changes_cluster_id_rv_pk" PRIMARY KEY("cluster_id","rv")
);
--> statement-breakpoint
CREATE TABLE "objects" (
	"cluster_id" text NOT NULL,
	"api_group" text NOT NULL,
	"resource" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"uid" text NOT NULL,
	"rv" bigint NOT NULL,
	"body" jsonb NOT NULL,
	CONSTRAINT "objects_cluster_id_api_group_resource_namespace_name_pk" PRIMARY KEY("cluster_id","api_group","resource","namespace","name")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_tenant_idx" ON "api_tokens" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "api_tokens_cluster_idx" ON "api_tokens" USING btree ("cluster_id");--> statement-breakpoint
CREATE UNIQUE INDEX "clusters_tenant_name_uq" ON "clusters" USING btree ("tenant_id","name") WHERE phase <> 'Deleting';--> statement-breakpoint
CREATE INDEX "clusters_tenant_idx" ON "clusters" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "changes_resource_idx" ON "changes" USING btree ("cluster_id","api_group","resource","rv");