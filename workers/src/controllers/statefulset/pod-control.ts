/**
 * Creating, updating and deleting a StatefulSet's pods with the events upstream records
 * (StatefulPodControl, stateful_pod_control.go, release-1.32): `create Pod web-0 in StatefulSet web
 * successful` and so on, as SuccessfulCreate / FailedCreate … on the set.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { claimsMatchRetentionPolicy, createMissingClaims, updateClaimsForRetentionPolicy } from "./claims.ts";
import { PODS, type SyncContext } from "./context.ts";
import { identityMatches, storageMatches, updateIdentity, updateStorage } from "./identity.ts";

async function recordPodEvent(
  ctx: SyncContext,
  verb: "create" | "update" | "delete",
  set: KubeObject,
  pod: KubeObject,
  error?: unknown,
): Promise<void> {
  const title = verb[0]?.toUpperCase() + verb.slice(1);
  const subject = `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name}`;
  if (error === undefined) await ctx.event(set, "Normal", `Successful${title}`, `${subject} successful`);
  else await ctx.event(set, "Warning", `Failed${title}`, `${subject} failed error: ${messageOf(error)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** CreateStatefulPod: the claims first, then the pod, then the claims' owners for the policy. */
export async function createStatefulPod(ctx: SyncContext, set: KubeObject, pod: KubeObject): Promise<void> {
  try {
    await createMissingClaims(ctx, set, pod);
  } catch (err) {
    await recordPodEvent(ctx, "create", set, pod, err);
    throw err;
  }
  let created: KubeObject;
  try {
    created = await ctx.client.create(PODS, set.metadata.namespace ?? "", pod);
  } catch (err) {
    // Another run made it: the next pass sees it.
    if (err instanceof ApiError && err.reason === "AlreadyExists") throw err;
    await recordPodEvent(ctx, "create", set, pod, err);
    throw err;
  }
  await updateClaimsForRetentionPolicy(ctx, set, created);
  await recordPodEvent(ctx, "create", set, pod);
}

/** UpdateStatefulPod: restores the identity, the claim volumes and the claims' owners. */
export async function updateStatefulPod(ctx: SyncContext, set: KubeObject, pod: KubeObject): Promise<void> {
  let attempted = false;
  try {
    if (!storageMatches(set, pod)) await createMissingClaims(ctx, set, pod);
    if (!(await claimsMatchRetentionPolicy(ctx, set, pod))) {
      await updateClaimsForRetentionPolicy(ctx, set, pod);
    }
    if (identityMatches(set, pod) && storageMatches(set, pod)) return;
    attempted = true;
    await ctx.client.update(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", (current) => {
      if (!identityMatches(set, current)) updateIdentity(set, current);
      if (!storageMatches(set, current)) updateStorage(set, current);
      return current;
    });
    await recordPodEvent(ctx, "update", set, pod);
  } catch (err) {
    if (attempted) await recordPodEvent(ctx, "update", set, pod, err);
    throw err;
  }
}

/** DeleteStatefulPod: a graceful delete; the kubelet finishes it. */
export async function deleteStatefulPod(ctx: SyncContext, set: KubeObject, pod: KubeObject): Promise<void> {
  try {
    await ctx.client.delete(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", {
      uid: pod.metadata.uid,
    });
  } catch (err) {
    if (err instanceof ApiError && err.reason === "NotFound") return;
    await recordPodEvent(ctx, "delete", set, pod, err);
    throw err;
  }
  await recordPodEvent(ctx, "delete", set, pod);
}
