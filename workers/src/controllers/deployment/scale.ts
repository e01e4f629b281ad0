import { asReplicaSet, REPLICASETS, type ReplicaSet, specReplicas } from "../replicaset/replica-set.ts";
import {
  intAnnotation,
  MAX_REPLICAS,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
} from "./annotations.ts";
import { type Deployment, desiredReplicas, isRollingUpdate, maxSurge } from "./deployment.ts";
import { activeReplicaSets, byCreation, bySizeNewer, bySizeOlder, specReplicaCount } from "./replica-sets.ts";
import type { SyncContext } from "./sync-context.ts";

/** scaleReplicaSetAndRecordEvent: scales `rs` to `newScale` if it is not there yet. */
export async function scaleReplicaSetAndRecordEvent(
  ctx: SyncContext,
  rs: ReplicaSet,
  newScale: number,
  d: Deployment,
): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (specReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, d, specReplicas(rs) < newScale ? "up" : "down");
}

/**
 * scaleReplicaSet: sets spec.replicas and the desired/max-replicas annotations. The write carries
 * the resourceVersion read, as upstream's Update does: a decision taken on a ReplicaSet someone changed
 * since fails with a Conflict and the sync starts over from fresh reads.
 */
async function scaleReplicaSet(
  ctx: SyncContext,
  rs: ReplicaSet,
  newScale: number,
  d: Deployment,
  operation: string,
): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const oldScale = specReplicas(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  const desired = desiredReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, desired, max);
  const written = asReplicaSet(
    await ctx.client.update(REPLICASETS, rs.metadata.namespace ?? "", rs.metadata.name ?? "", () => copy),
  );
  if (sizeNeedsUpdate) {
    await ctx.event(
      d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled ${operation} replica set ${written.metadata.name} from ${oldScale} to ${newScale}`,
    );
  }
  return { scaled: sizeNeedsUpdate, rs: written };
}

/**
 * scale (sync.go): on a scaling event or while paused. One active ReplicaSet takes the whole count;
 * a saturated new ReplicaSet leaves the old ones at 0; during a rolling update the difference to
 * spec.replicas + maxSurge is spread over the active ReplicaSets in proportion to their size, so
 * scaling neither speeds up nor slows down the rollout.
 */
export async function scale(
  ctx: SyncContext,
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Promise<void> {
  const desired = desiredReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) !== desired)
      await scaleReplicaSetAndRecordEvent(ctx, activeOrLatest, desired, d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowedSize = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowedSize - specReplicaCount(all);
  let operation = "";
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    operation = "up";
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    operation = "down";
  }
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of all) {
    if (toAdd === 0) {
      sizes.set(rs, specReplicas(rs));
      continue;
    }
    const proportion = getProportion(rs, d, toAdd, added);
    sizes.set(rs, specReplicas(rs) + proportion);
    added += proportion;
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs) ?? 0;
    // Leftovers go to the largest ReplicaSet.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(ctx, rs, size, d, operation);
  }
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** IsSaturated: the new ReplicaSet asks for, was sized for and has available every replica. */
function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicas(d);
  return (
    specReplicas(rs) === desired &&
    intAnnotation(rs, "deployment.kubernetes.io/desired-replicas") === desired &&
    (rs.status?.availableReplicas ?? 0) === desired
  );
}

/**
 * GetProportion: this ReplicaSet's share of `toAdd`, never past what is left to add (or remove).
 * Its share is its size scaled from the total it was sized for (max-replicas) to the new total.
 */
function getProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const desired = desiredReplicas(d);
  if (desired === 0) return -specReplicas(rs);
  const deploymentReplicas = desired + maxSurge(d);
  // Without the annotation, the current size of the Deployment is the best guess.
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? d.status.replicas ?? 0;
  // Upstream never scales proportionally from zero; do not divide by it either.
  if (annotated <= 0) return 0;
  // Go's math.Round: halves away from zero.
  const size = (specReplicas(rs) * deploymentReplicas) / annotated;
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}
