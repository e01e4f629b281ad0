import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { type PreparedCreate, storeCreates } from "../../../../apps/api/src/kube/server/handlers/create.ts";
import type { StoreTransaction } from "../../../../apps/api/src/kube/store/transaction.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import {
  type PreparedEvent,
  prepareEvents,
  recordEvent,
  storeEventsLocked,
} from "../../events/record-event.ts";
import { type LockedWrites, withClusterWriteLock } from "../shared/cluster-write-lock.ts";
import { controllerOf } from "../shared/owners.ts";
import { podFromTemplate } from "../shared/pod-from-template.ts";
import { isPodActive } from "../shared/pods.ts";
import { asReplicaSet, type ReplicaSet, specReplicas } from "./replica-set.ts";
import type { ManageError } from "./status.ts";

export const REPLICASET_CONTROLLER = "replicaset-controller";
const PODS = CORE_V1("pods");
/** burstReplicas: at most this many creations or deletions per sync. */
const BURST_REPLICAS = 500;
/** Writes per locked transaction: short sections keep the cluster's other writers moving. */
const WRITES_PER_LOCK = 50;

export interface ManageContext {
  runtime: Runtime;
  clusterId: string;
  client: InProcessClient;
  now: Date;
}

/*
 * Why two workers can never give a ReplicaSet more active pods than it asks for
 * ----------------------------------------------------------------------------
 * Upstream relies on one leader-elected controller-manager and in-memory "expectations" so that a
 * stale informer cache never makes it create twice. Here reconciles of one key may overlap (a stalled
 * job taken over by another worker, a direct call next to a queued one) and every reconcile starts
 * from reads that may already be stale when it acts. So the decision to create or delete is not taken
 * on those reads. Each batch of writes runs in withClusterWriteLock: a store transaction, and every
 * write transaction of a cluster, from any process, first locks the cluster's version counter row
 * (SELECT … FOR UPDATE) and holds it to its commit. Inside, the ReplicaSet and the namespace's pods
 * are read again; under READ COMMITTED each of those statements sees every transaction committed
 * before it started — all other writers, since they had to release the lock first — plus this
 * section's own writes. The section then creates at most `spec.replicas - active pods it controls`
 * pods, or deletes at most `active pods - spec.replicas` of the chosen victims still active. Two
 * racing reconciles are thereby serialised exactly where it matters: the later section's count
 * includes the earlier one's pods. The unlocked reads only choose *which* pods to delete and how big
 * a batch to try. (Adoption of an orphan is not counted against the limit, as upstream: a user's own
 * pod may push a ReplicaSet over, and the next sync deletes the surplus.)
 */

/**
 * manageReplicas: creates (slow start: batches of 1, 2, 4 … stopping at the first error) or deletes
 * pods until the ReplicaSet controls spec.replicas active pods. `pods` are the active pods it
 * controls, as read at the start of the reconcile. Returns the first error, for the status.
 */
export async function manageReplicas(
  ctx: ManageContext,
  rs: ReplicaSet,
  pods: readonly KubeObject[],
  pickVictims: (count: number) => Promise<KubeObject[]>,
): Promise<ManageError | undefined> {
  const diff = pods.length - specReplicas(rs);
  if (diff < 0) return createPods(ctx, rs, Math.min(-diff, BURST_REPLICAS));
  if (diff > 0) return deletePods(ctx, rs, await pickVictims(Math.min(diff, BURST_REPLICAS)));
  return undefined;
}

async function createPods(
  ctx: ManageContext,
  rs: ReplicaSet,
  count: number,
): Promise<ManageError | undefined> {
  let remaining = count;
  let batch = 1;
  while (remaining > 0) {
    const size = Math.min(batch, remaining);
    const { created, error } = await createBatch(ctx, rs, size);
    if (error) {
      await event(ctx, rs, "Warning", "FailedCreate", `Error creating: ${error.message}`);
      return { message: error.message };
    }
    // The ReplicaSet asks for fewer pods than we read: someone else made them, or it was scaled down.
    if (created.length < size) return undefined;
    remaining -= size;
    batch = Math.min(2 * batch, remaining);
  }
  return undefined;
}

/** One slow-start batch, in locked sections of a few creations each. */
async function createBatch(
  ctx: ManageContext,
  rs: ReplicaSet,
  size: number,
): Promise<{ created: KubeObject[]; error?: ApiError }> {
  const created: KubeObject[] = [];
  while (created.length < size) {
    const want = Math.min(WRITES_PER_LOCK, size - created.length);
    const section = await createSection(ctx, rs, want);
    created.push(...section.pods);
    if (section.error) return { created, error: section.error };
    if (section.pods.length < want) break;
  }
  return { created };
}

/**
 * One locked section of up to `want` creations. A commit hook (the cluster's quota) judges the
 * section's writes together and refuses them all at commit; then the pods are retried one section
 * each, so those that fit are created and the error names the first that does not, as upstream's
 * per-request admission answers.
 */
async function createSection(
  ctx: ManageContext,
  rs: ReplicaSet,
  want: number,
): Promise<{ pods: KubeObject[]; error?: ApiError }> {
  // The pods and their events are built, defaulted and validated before the lock: the section only
  // counts and stores.
  let prepared: PreparedPod[];
  try {
    prepared = preparePods(ctx.client, rs, want, ctx.now);
  } catch (err) {
    if (err instanceof ApiError) return { pods: [], error: err };
    throw err;
  }
  try {
    return await withClusterWriteLock(ctx.runtime, ctx.clusterId, REPLICASET_CONTROLLER, (locked) =>
      createInLock(locked, rs, prepared, ctx.now),
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (want === 1) return { pods: [], error: err };
    const pods: KubeObject[] = [];
    while (pods.length < want) {
      const one = await createSection(ctx, rs, 1);
      pods.push(...one.pods);
      if (one.error || one.pods.length === 0) return one.error ? { pods, error: one.error } : { pods };
    }
    return { pods };
  }
}

/** A pod to create, with its `SuccessfulCreate` event. */
interface PreparedPod {
  pod: PreparedCreate;
  events: PreparedEvent[];
}

function preparePods(client: InProcessClient, rs: ReplicaSet, count: number, now: Date): PreparedPod[] {
  const namespace = rs.metadata.namespace ?? "";
  return Array.from({ length: count }, () => {
    const pod = client.prepareCreate(PODS, namespace, podFromTemplate(rs.spec.template, rs));
    const message = `Created pod: ${pod.obj.metadata.name}`;
    const input = { type: "Normal" as const, reason: "SuccessfulCreate", message };
    return {
      pod,
      events: prepareEvents(client, { component: REPLICASET_CONTROLLER }, [{ involved: rs, input }], now),
    };
  });
}

/** Inside the lock: of the prepared pods, as many as the ReplicaSet, read now, still lacks. */
async function createInLock(
  locked: LockedWrites,
  rs: ReplicaSet,
  prepared: readonly PreparedPod[],
  now: Date,
): Promise<{ pods: KubeObject[]; error?: ApiError }> {
  const fresh = await freshOwner(locked.tx, rs);
  if (!fresh) return { pods: [] };
  const room = specReplicas(fresh) - (await activePodsOf(locked.tx, fresh)).length;
  if (room <= 0) return { pods: [] };
  const count = Math.min(prepared.length, room);
  // The template changed since the reconcile read it: the pods come from the one stored now.
  const pods = jsonEqual(fresh.spec.template, rs.spec.template)
    ? prepared.slice(0, count)
    : preparePods(locked.client, fresh, count, now);
  // Admission refuses before anything is written, so the section commits what it created (the
  // first ones, in order). Any other error (the database) aborts the section and the reconcile.
  const { created, error } = await storeCreates(
    locked.tx,
    pods.map((p) => p.pod),
  );
  // `SuccessfulCreate` for each pod, committed with the pods.
  const events = pods.slice(0, created.length).flatMap((p) => p.events);
  await storeEventsLocked(locked, events, now);
  return error ? { pods: created, error } : { pods: created };
}

async function deletePods(
  ctx: ManageContext,
  rs: ReplicaSet,
  victims: readonly KubeObject[],
): Promise<ManageError | undefined> {
  let firstError: ManageError | undefined;
  for (let start = 0; start < victims.length; start += WRITES_PER_LOCK) {
    const chunk = victims.slice(start, start + WRITES_PER_LOCK);
    const { deleted, errors } = await withClusterWriteLock(
      ctx.runtime,
      ctx.clusterId,
      REPLICASET_CONTROLLER,
      async (locked) => {
        const out = { deleted: [] as string[], errors: [] as ApiError[] };
        const fresh = await freshOwner(locked.tx, rs);
        if (!fresh) return out;
        const active = await activePodsOf(locked.tx, fresh);
        let excess = active.length - specReplicas(fresh);
        for (const victim of chunk) {
          if (excess <= 0) break;
          // Only a pod that is still ours and active: another reconcile may have deleted it already.
          if (!active.some((p) => p.metadata.uid === victim.metadata.uid)) continue;
          try {
            await locked.client.delete(PODS, fresh.metadata.namespace ?? "", victim.metadata.name ?? "");
            out.deleted.push(victim.metadata.name ?? "");
            excess--;
          } catch (err) {
            if (err instanceof ApiError) out.errors.push(err);
            else throw err;
          }
        }
        return out;
      },
    );
    await Promise.all(
      deleted.map((name) => event(ctx, rs, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`)),
    );
    for (const err of errors) {
      if (err.reason === "NotFound") continue;
      await event(ctx, rs, "Warning", "FailedDelete", `Error deleting: ${err.message}`);
      firstError ??= { message: err.message };
    }
  }
  return firstError;
}

/** The ReplicaSet as committed now, if it is still the one reconciled and not being deleted. */
async function freshOwner(tx: StoreTransaction, rs: ReplicaSet): Promise<ReplicaSet | undefined> {
  const { namespace = "", name = "", uid } = rs.metadata;
  const current = await tx.get({ group: "apps", resource: "replicasets", namespace, name });
  if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) return undefined;
  return asReplicaSet(current);
}

/** Active pods controlled by `rs`, as committed now (IsPodActive: not finished, not terminating). */
async function activePodsOf(tx: StoreTransaction, rs: ReplicaSet): Promise<KubeObject[]> {
  const pods = await tx.listFollowed("", "pods", rs.metadata.namespace ?? "");
  return pods.filter((p) => isPodActive(p) && controllerOf(p)?.uid === rs.metadata.uid);
}

function event(
  ctx: ManageContext,
  rs: ReplicaSet,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
): Promise<void> {
  return recordEvent(
    ctx.client,
    { component: REPLICASET_CONTROLLER },
    rs,
    { type, reason, message },
    ctx.now,
  );
}
