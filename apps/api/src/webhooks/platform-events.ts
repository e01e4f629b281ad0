import type postgres from "postgres";
import { randomId } from "../platform/ids.ts";

/** Every event a webhook can subscribe to. */
export const PLATFORM_EVENT_TYPES = [
  "cluster.provisioning",
  "cluster.ready",
  "cluster.hibernated",
  "cluster.woken",
  "cluster.expiring",
  "cluster.deleted",
  "deployment.available",
  "deployment.progress_failed",
  "pod.failed",
  "pod.crash_looping",
  "pod.unschedulable",
  "job.succeeded",
  "job.failed",
  "node.not_ready",
] as const;

export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];

export interface PlatformEvent {
  type: PlatformEventType;
  tenantId: string;
  clusterId: string | null;
  /** What the event is about; deliveries keep their order per subject. */
  subject: string;
  /** The payload's `data`: the cluster id, the object reference and the status that changed. */
  data: Record<string, unknown>;
}

/** A query runner: the pool, or the transaction the causing change commits in. */
type SqlRunner = postgres.Sql | postgres.TransactionSql;

/**
 * Records an event in the outbox, inside the caller's transaction when it passes one, so the event
 * commits with its cause or not at all. Returns the event id (the `webhook-id` of its deliveries).
 */
export async function recordPlatformEvent(sql: SqlRunner, event: PlatformEvent, at: Date): Promise<string> {
  const id = `msg_${randomId(24)}`;
  await sql`
    insert into platform_events (id, tenant_id, cluster_id, type, subject, data, occurred_at)
    values (${id}, ${event.tenantId}, ${event.clusterId}, ${event.type}, ${event.subject},
            ${JSON.stringify(event.data)}, ${at.toISOString()})`;
  return id;
}
