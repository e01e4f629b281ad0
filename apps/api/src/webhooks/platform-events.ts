import type postgres from "postgres";
import type { Database } from "../../../../db/client.ts";
import { platformEvents } from "../../../../db/schema/platform-events.ts";
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
  "endpoint.disabled",
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

/** The `webhook.test` event of `POST /v1/webhooks/{id}/test`: no webhook subscribes to it. */
export const TEST_EVENT_TYPE = "webhook.test";

/** What the outbox holds: a platform event, or a test event addressed to one webhook. */
type OutboxEvent = Omit<PlatformEvent, "type"> & { type: PlatformEventType | typeof TEST_EVENT_TYPE };

/** The one insert of a single event; with `source`, only when the CTE of that name produced a row. */
function insertEvent(
  sql: SqlRunner,
  event: PlatformEvent,
  at: Date,
  source?: string,
): { id: string; query: postgres.PendingQuery<postgres.Row[]> } {
  const id = `msg_${randomId(24)}`;
  const query = sql`
    insert into platform_events (id, tenant_id, cluster_id, type, subject, data, occurred_at)
    select ${id}, ${event.tenantId}, ${event.clusterId}, ${event.type}, ${event.subject},
           ${JSON.stringify(event.data)}, ${at.toISOString()}
    ${source ? sql`from ${sql(source)} limit 1` : sql``}`;
  return { id, query };
}

/**
 * Records an event in the outbox, inside the caller's transaction when it passes one, so the event
 * commits with its cause or not at all. Returns the event id (the `webhook-id` of its deliveries).
 */
export async function recordPlatformEvent(sql: SqlRunner, event: PlatformEvent, at: Date): Promise<string> {
  const { id, query } = insertEvent(sql, event, at);
  await query;
  return id;
}

/** The subject of a cluster's own events: they keep their order per cluster. */
export const clusterSubject = (clusterId: string) => `cluster/${clusterId}`;

/**
 * A `cluster.*` event with the payload every cluster event carries: the cluster id, the cluster as
 * an object reference, and its phase with the reason and message of the change.
 */
export function clusterEvent(
  type: Extract<PlatformEventType, `cluster.${string}`>,
  cluster: { tenantId: string; id: string; name: string },
  status: { phase: string; reason: string; message: string },
): PlatformEvent {
  return {
    type,
    tenantId: cluster.tenantId,
    clusterId: cluster.id,
    subject: clusterSubject(cluster.id),
    data: {
      clusterId: cluster.id,
      object: { apiVersion: "sandcastle.io/v1", kind: "Cluster", name: cluster.name, uid: cluster.id },
      ...status,
    },
  };
}

/**
 * recordPlatformEvent as a data-modifying CTE of a larger statement: inserts the event only when the
 * CTE named `source` produced a row, so it commits with that row or not at all.
 */
export function platformEventFrom(
  sql: SqlRunner,
  source: string,
  event: PlatformEvent,
  at: Date,
): postgres.PendingQuery<postgres.Row[]> {
  return insertEvent(sql, event, at, source).query;
}

/**
 * recordPlatformEvent inside a drizzle transaction. `dispatched`: the caller writes the event's
 * deliveries itself (a test event to one webhook), so the fan-out leaves it alone.
 */
export async function recordPlatformEventOrm(
  tx: { insert: Database["insert"] },
  event: OutboxEvent,
  at: Date,
  options: { dispatched?: boolean } = {},
): Promise<string> {
  const id = `msg_${randomId(24)}`;
  await tx.insert(platformEvents).values({
    id,
    tenantId: event.tenantId,
    clusterId: event.clusterId,
    type: event.type,
    subject: event.subject,
    data: event.data,
    occurredAt: at,
    dispatchedAt: options.dispatched ? at : null,
  });
  return id;
}

/**
 * Records events a Kubernetes write caused, in its transaction. The tenant comes from the cluster
 * row in the same statement, and the time from the database clock at insert: writes to one cluster
 * are serialized by its counter lock, so their events' times follow commit order.
 */
export async function recordClusterObjectEvents(
  sql: SqlRunner,
  clusterId: string,
  events: readonly { type: PlatformEventType; subject: string; data: Record<string, unknown> }[],
): Promise<void> {
  const rows = events.map((e) => ({
    id: `msg_${randomId(24)}`,
    type: e.type,
    subject: e.subject,
    data: e.data,
  }));
  await sql`
    insert into platform_events (id, tenant_id, cluster_id, type, subject, data, occurred_at)
    select e.id, c.tenant_id, c.id, e.type, e.subject, e.data, clock_timestamp()
    from clusters c, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as e(id text, type text, subject text, data jsonb)
    where c.id = ${clusterId}`;
}
