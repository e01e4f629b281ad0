/**
 * One pass of the StatefulSet control loop (stateful_set_control.go updateStatefulSet, release-1.32):
 * missing ordinals are created, failed pods replaced, extra ordinals removed from the highest down,
 * then outdated pods are replaced from the highest ordinal to the partition. OrderedReady does one
 * thing at a time and waits for each pod to be Running and Ready; Parallel does everything at once.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { type IntOrPercent, scaledValue } from "../shared/int-or-percent.ts";
import {
  claimsMatchRetentionPolicy,
  createMissingClaims,
  podClaimIsStale,
  updateClaimsForRetentionPolicy,
} from "./claims.ts";
import type { SyncContext } from "./context.ts";
import {
  identityMatches,
  inOrdinalRange,
  newStatefulSetPod,
  ordinalOf,
  podRevision,
  startOrdinal,
  storageMatches,
} from "./identity.ts";
import { createStatefulPod, deleteStatefulPod, updateStatefulPod } from "./pod-control.ts";
import {
  isCreated,
  isFailed,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
} from "./pod-state.ts";
import { applyRevision, type SetRevisions } from "./revisions.ts";
import { countReplicas } from "./status.ts";
import { minReadySecondsOf, replicasOf, type StatefulSetStatus, specOf } from "./types.ts";

interface Pass {
  ctx: SyncContext;
  set: KubeObject;
  /** The set as of the update revision: what pods are (re)created from. */
  updateSet: KubeObject;
  monotonic: boolean;
  minReadySeconds: number;
}

/**
 * Returns the status to record, and the error that ended the pass early, if any: the status is
 * recorded either way (upstream updates status even when a pod write failed).
 */
export async function updateStatefulSet(
  ctx: SyncContext,
  set: KubeObject,
  revisions: SetRevisions,
  pods: KubeObject[],
): Promise<{ status: StatefulSetStatus; error?: unknown }> {
  const { current, update, collisionCount } = revisions;
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const minReadySeconds = minReadySecondsOf(set);
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: current.metadata.name ?? "",
    updateRevision: update.metadata.name ?? "",
    collisionCount,
  };
  countReplicas(status, pods, minReadySeconds, ctx.now);

  const start = startOrdinal(set);
  const replicas: KubeObject[] = new Array(replicasOf(set));
  const condemned: KubeObject[] = [];
  for (const pod of pods) {
    if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  for (let i = 0; i < replicas.length; i++) {
    replicas[i] ??= newVersionedPod(currentSet, updateSet, revisions, start + i);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const firstUnavailable =
    replicas.find((p) => isUnavailable(p, minReadySeconds, ctx.now)) ??
    [...condemned].reverse().find((p) => isUnavailable(p, minReadySeconds, ctx.now));

  // A set being deleted only reports status; the garbage collector removes its pods.
  if (set.metadata.deletionTimestamp) return { status };

  const pass: Pass = {
    ctx,
    set,
    updateSet,
    monotonic: specOf(set).podManagementPolicy !== "Parallel",
    minReadySeconds,
  };
  const finish = (error?: unknown) => {
    countReplicas(status, [...replicas, ...condemned], minReadySeconds, ctx.now);
    return error === undefined ? { status } : { status, error };
  };
  try {
    if (await runForAll(pass, replicas, (i) => processReplica(pass, replicas, i))) return finish();
    const fixClaims = async (i: number) => {
      const pod = condemned[i] as KubeObject;
      if (!(await claimsMatchRetentionPolicy(ctx, updateSet, pod))) {
        await updateClaimsForRetentionPolicy(ctx, updateSet, pod);
      }
      return false;
    };
    if (await runForAll(pass, condemned, fixClaims)) return finish();
    const condemn = (i: number) => processCondemned(pass, condemned[i] as KubeObject, firstUnavailable);
    if (await runForAll(pass, condemned, condemn)) return finish();
  } catch (err) {
    return finish(err);
  }
  finish();

  const strategy = specOf(set).updateStrategy;
  if (strategy?.type === "OnDelete") return { status };
  try {
    if (strategy?.rollingUpdate?.maxUnavailable !== undefined) {
      await rollWithMaxUnavailable(pass, replicas, status);
    } else {
      await rollOneAtATime(pass, replicas, status);
    }
  } catch (err) {
    return { status, error: err };
  }
  return { status };
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition keep the current revision, the rest get
 * the update revision.
 */
function newVersionedPod(
  currentSet: KubeObject,
  updateSet: KubeObject,
  revisions: SetRevisions,
  ordinal: number,
): KubeObject {
  const strategy = specOf(currentSet).updateStrategy;
  const start = startOrdinal(currentSet);
  const currentReplicas =
    (currentSet.status as { currentReplicas?: number } | undefined)?.currentReplicas ?? 0;
  const keepCurrent =
    ((strategy?.type ?? "RollingUpdate") === "RollingUpdate" &&
      !strategy?.rollingUpdate &&
      ordinal < start + currentReplicas) ||
    (strategy?.rollingUpdate !== undefined && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  if (keepCurrent) return newStatefulSetPod(currentSet, ordinal, revisions.current.metadata.name ?? "");
  return newStatefulSetPod(updateSet, ordinal, revisions.update.metadata.name ?? "");
}

/**
 * runForAll: in order, stopping at the first pod that must be waited for (OrderedReady), or every
 * pod regardless (Parallel). True means "stop this pass".
 */
async function runForAll(
  pass: Pass,
  pods: readonly KubeObject[],
  fn: (i: number) => Promise<boolean>,
): Promise<boolean> {
  for (let i = 0; i < pods.length; i++) {
    const exit = await fn(i);
    if (exit && pass.monotonic) return true;
  }
  return false;
}

async function processReplica(pass: Pass, replicas: KubeObject[], i: number): Promise<boolean> {
  const { ctx, set, updateSet, monotonic, minReadySeconds } = pass;
  const replica = replicas[i] as KubeObject;
  // A finished pod (evicted, or its node rebooted) is replaced whatever its exit code.
  if (isFailed(replica) || isSucceeded(replica)) {
    if (!isTerminating(replica)) await deleteStatefulPod(ctx, set, replica);
    return true;
  }
  if (!isCreated(replica)) {
    if (await podClaimIsStale(ctx, set, replica)) return true;
    await createStatefulPod(ctx, set, replica);
    if (monotonic) return true;
  }
  if (isPending(replica)) {
    await createMissingClaims(ctx, set, replica);
    await updateClaimsForRetentionPolicy(ctx, updateSet, replica);
  }
  if (monotonic) {
    if (isTerminating(replica)) return true;
    if (!isRunningAndReady(replica)) return true;
    if (!isRunningAndAvailable(replica, minReadySeconds, ctx.now)) return true;
  }
  if (!isCreated(replica)) return false;
  const retentionMatches = await claimsMatchRetentionPolicy(ctx, updateSet, replica).catch(() => true);
  if (identityMatches(set, replica) && storageMatches(set, replica) && retentionMatches) return false;
  await updateStatefulPod(ctx, updateSet, replica);
  return false;
}

/** processCondemned: OrderedReady removes the highest ordinal first and waits for it to be gone. */
async function processCondemned(
  pass: Pass,
  pod: KubeObject,
  firstUnavailable: KubeObject | undefined,
): Promise<boolean> {
  const { ctx, set, monotonic, minReadySeconds } = pass;
  if (isTerminating(pod)) return monotonic;
  if (monotonic && pod !== firstUnavailable) {
    if (!isRunningAndReady(pod)) return true;
    if (!isRunningAndAvailable(pod, minReadySeconds, ctx.now)) return true;
  }
  await deleteStatefulPod(ctx, set, pod);
  return true;
}

/** The rolling update without maxUnavailable: one pod at a time, highest ordinal first. */
async function rollOneAtATime(pass: Pass, replicas: KubeObject[], status: StatefulSetStatus): Promise<void> {
  const { ctx, set, minReadySeconds } = pass;
  const partition = specOf(set).updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= partition; target--) {
    const pod = replicas[target] as KubeObject;
    if (podRevision(pod) !== status.updateRevision && !isTerminating(pod)) {
      await deleteStatefulPod(ctx, set, pod);
      status.currentReplicas--;
      return;
    }
    if (isUnavailable(pod, minReadySeconds, ctx.now)) return;
  }
}

/**
 * updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet): up to maxUnavailable pods
 * are replaced at once, highest ordinals first, counting those already unavailable.
 */
async function rollWithMaxUnavailable(
  pass: Pass,
  replicas: KubeObject[],
  status: StatefulSetStatus,
): Promise<void> {
  const { ctx, set, minReadySeconds } = pass;
  const rollingUpdate = specOf(set).updateStrategy?.rollingUpdate ?? {};
  const partition = rollingUpdate.partition ?? 0;
  const maxUnavailable = scaledMaxUnavailable(rollingUpdate.maxUnavailable, replicas.length);
  const unavailable = replicas.filter((p) => isUnavailable(p, minReadySeconds, ctx.now)).length;
  if (unavailable > maxUnavailable) return;
  let toDelete = maxUnavailable - unavailable;
  for (let target = replicas.length - 1; target >= partition && toDelete > 0; target--) {
    const pod = replicas[target] as KubeObject;
    if (podRevision(pod) !== status.updateRevision && !isTerminating(pod)) {
      await deleteStatefulPod(ctx, set, pod);
      toDelete--;
      status.currentReplicas--;
    }
  }
}

/** getStatefulSetMaxUnavailable: an int, or a percentage of replicas rounded down; at least 1. */
function scaledMaxUnavailable(value: IntOrPercent | undefined, replicas: number): number {
  return Math.max(1, scaledValue(value ?? 1, replicas, false));
}
