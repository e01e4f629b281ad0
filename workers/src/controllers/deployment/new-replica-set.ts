import { ApiError } from "../../../../apps/api/src/errors.ts";
import { asReplicaSet, REPLICASETS, type ReplicaSet } from "../replicaset/replica-set.ts";
import { controllerOf, controllerRefTo } from "../shared/owners.ts";
import { maxRevision, REVISION, setDeploymentRevision, setNewReplicaSetAnnotations } from "./annotations.ts";
import { getCondition, newCondition, PROGRESSING, Reason, setCondition } from "./conditions.ts";
import {
  type Deployment,
  desiredReplicas,
  hasProgressDeadline,
  isRollingUpdate,
  maxSurge,
  POD_TEMPLATE_HASH,
} from "./deployment.ts";
import { computeHash } from "./pod-template-hash.ts";
import { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, specReplicaCount } from "./replica-sets.ts";
import type { SyncContext } from "./sync-context.ts";

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/**
 * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing) with its
 * revision raised above every old one, and the old ReplicaSets.
 */
export async function replicaSetsAndSyncRevision(
  ctx: SyncContext,
  d: Deployment,
  rsList: ReplicaSet[],
  createIfMissing: boolean,
): Promise<ReplicaSets> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, createIfMissing);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(
  ctx: SyncContext,
  d: Deployment,
  rsList: ReplicaSet[],
  oldRSs: ReplicaSet[],
  createIfMissing: boolean,
): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const synced = await syncExistingNewReplicaSet(ctx, d, existing, newRevision);
    // Later steps of this sync (several read the ReplicaSets again) must see what was just written.
    rsList[rsList.indexOf(existing)] = synced;
    return synced;
  }
  if (!createIfMissing) return undefined;
  return createNewReplicaSet(ctx, d, oldRSs, newRevision);
}

/**
 * The new ReplicaSet exists: bring its annotations and minReadySeconds up to date (a rollback gets
 * its new revision here), or else copy its revision onto the Deployment.
 */
async function syncExistingNewReplicaSet(
  ctx: SyncContext,
  d: Deployment,
  existing: ReplicaSet,
  newRevision: number,
): Promise<ReplicaSet> {
  const copy = structuredClone(existing);
  const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
  const minReadySeconds = d.spec.minReadySeconds ?? 0;
  if (annotationsUpdated || (copy.spec.minReadySeconds ?? 0) !== minReadySeconds) {
    if (minReadySeconds > 0) copy.spec.minReadySeconds = minReadySeconds;
    else delete copy.spec.minReadySeconds;
    const { namespace = "", name = "" } = copy.metadata;
    return asReplicaSet(await ctx.client.update(REPLICASETS, namespace, name, () => copy));
  }
  let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations?.[REVISION]);
  if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
    const message = `Found new replica set "${copy.metadata.name}"`;
    setCondition(d.status, newCondition(PROGRESSING, "True", Reason.FoundNewReplicaSet, message, ctx.now));
    needsUpdate = true;
  }
  if (needsUpdate) await ctx.writeStatus(d);
  return copy;
}

/**
 * Creates `<deployment>-<pod-template-hash>`, sized as the strategy allows. The name is derived from
 * the template, so a repeated or racing creation meets AlreadyExists: it is ours if we control it
 * and its template is ours, otherwise a hash collision, resolved by bumping status.collisionCount.
 */
async function createNewReplicaSet(
  ctx: SyncContext,
  d: Deployment,
  oldRSs: ReplicaSet[],
  newRevision: number,
): Promise<ReplicaSet> {
  const namespace = d.metadata.namespace ?? "";
  const hash = computeHash(d.spec.template, d.status.collisionCount);
  const template = structuredClone(d.spec.template ?? {});
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  template.metadata = { ...(template.metadata ?? {}), labels };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const minReadySeconds = d.spec.minReadySeconds ?? 0;
  const rs = asReplicaSet({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace,
      labels,
      ownerReferences: [controllerRefTo(d)],
    },
    spec: { replicas: 0, ...(minReadySeconds > 0 ? { minReadySeconds } : {}), selector, template },
  });
  const replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
  rs.spec.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = asReplicaSet(await ctx.client.create(REPLICASETS, namespace, rs));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.reason === "AlreadyExists") {
      const found = await ctx.client.get(REPLICASETS, namespace, rs.metadata.name ?? "");
      if (!found) throw err;
      if (
        controllerOf(found)?.uid !== d.metadata.uid ||
        !equalIgnoreHash(d.spec.template, asReplicaSet(found).spec.template)
      ) {
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await ctx.writeStatus(d);
        throw err;
      }
      created = asReplicaSet(found);
      alreadyExists = true;
    } else {
      const message = `Failed to create new replica set "${rs.metadata.name}": ${err.message}`;
      if (hasProgressDeadline(d)) {
        setCondition(
          d.status,
          newCondition(PROGRESSING, "False", Reason.FailedReplicaSetCreate, message, ctx.now),
        );
        await ctx.writeStatus(d).catch(() => undefined);
      }
      await ctx.event(d, "Warning", Reason.FailedReplicaSetCreate, message);
      throw err;
    }
  }
  if (!alreadyExists && replicas > 0) {
    await ctx.event(
      d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`,
    );
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    const message = `Created new replica set "${created.metadata.name}"`;
    setCondition(d.status, newCondition(PROGRESSING, "True", Reason.NewReplicaSet, message, ctx.now));
    needsUpdate = true;
  }
  if (needsUpdate) await ctx.writeStatus(d);
  return created;
}

/**
 * NewRSNewReplicas: RollingUpdate grows the new ReplicaSet up to spec.replicas + maxSurge pods in
 * all, never past spec.replicas; Recreate gives it everything at once.
 */
export function newReplicaSetReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const current = specReplicaCount(allRSs);
  const maxTotal = desired + maxSurge(d);
  const newReplicas = newRS.spec.replicas ?? 0;
  if (current >= maxTotal) return newReplicas;
  return newReplicas + Math.min(maxTotal - current, desired - newReplicas);
}
