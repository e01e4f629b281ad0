/**
 * The claims of a StatefulSet's pods (stateful_pod_control.go, stateful_set_utils.go; release-1.32):
 * created before the pod, never deleted by the controller itself; the retention policy is expressed
 * as owner references (to the set for whenDeleted: Delete, to a scaled-down pod for whenScaled:
 * Delete) so the garbage collector removes them with their owner.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1 } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject, OwnerReference } from "../../../../apps/api/src/kube/object/types.ts";
import { controllerRefTo } from "../shared/owners.ts";
import type { SyncContext } from "./context.ts";
import { claimsFor, inOrdinalRange, ordinalOf } from "./identity.ts";
import { specOf } from "./types.ts";

const PVCS = CORE_V1("persistentvolumeclaims");

function retentionPolicy(set: KubeObject): { whenDeleted: string; whenScaled: string } {
  const policy = specOf(set).persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: policy.whenDeleted ?? "Retain", whenScaled: policy.whenScaled ?? "Retain" };
}

/** matchesRef: same kind, API version and name (the uid may be stale). */
function matchesRef(ref: OwnerReference, obj: KubeObject, apiVersion: string, kind: string): boolean {
  return ref.apiVersion === apiVersion && ref.kind === kind && ref.name === obj.metadata.name;
}

const isSetRef = (ref: OwnerReference, set: KubeObject) => matchesRef(ref, set, "apps/v1", "StatefulSet");
const isPodRef = (ref: OwnerReference, pod: KubeObject) => matchesRef(ref, pod, "v1", "Pod");
const refsOf = (claim: KubeObject) => claim.metadata.ownerReferences ?? [];
const hasOwnerRef = (claim: KubeObject, owner: KubeObject) =>
  refsOf(claim).some((r) => r.uid === owner.metadata.uid);

/** hasStaleOwnerRef: a reference to an object of that name, but another incarnation. */
function hasStaleRef(claim: KubeObject, obj: KubeObject, isRef: (r: OwnerReference) => boolean): boolean {
  const ref = refsOf(claim).find(isRef);
  return ref !== undefined && ref.uid !== (obj.metadata.uid ?? "");
}

/** hasUnexpectedController: with a Delete policy, another controller owns the claim. */
function hasUnexpectedController(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === "Retain" && policy.whenDeleted === "Retain") return false;
  for (const ref of refsOf(claim)) {
    if (isSetRef(ref, set)) {
      if (ref.uid !== set.metadata.uid) return true;
    } else if (isPodRef(ref, pod)) {
      if (ref.uid !== pod.metadata.uid) return true;
    } else if (ref.controller) {
      return true;
    }
  }
  return false;
}

/** The owner references the policy asks for: which of the set and the pod should own the claim. */
function wantedOwners(set: KubeObject, pod: KubeObject): { set: boolean; pod: boolean } {
  const policy = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  return {
    set: policy.whenDeleted === "Delete" && (policy.whenScaled !== "Delete" || !scaledDown),
    pod: policy.whenScaled === "Delete" && scaledDown,
  };
}

/** claimOwnerMatchesSetAndPod (isClaimOwnerUpToDate). */
function claimOwnerMatches(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  if (hasStaleRef(claim, set, (r) => isSetRef(r, set)) || hasStaleRef(claim, pod, (r) => isPodRef(r, pod)))
    return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  const nonController = refsOf(claim).some(
    (r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller,
  );
  if (nonController) return false;
  const wanted = wantedOwners(set, pod);
  return hasOwnerRef(claim, set) === wanted.set && hasOwnerRef(claim, pod) === wanted.pod;
}

/** updateClaimOwnerRefForSetAndPod: our references scrubbed, then the ones the policy wants. */
function ownerRefsFor(claim: KubeObject, set: KubeObject, pod: KubeObject): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = refsOf(claim).filter((r) => !isSetRef(r, set) && !isPodRef(r, pod));
  if (unexpected) return refs;
  const wanted = wantedOwners(set, pod);
  if (wanted.set) refs.push(controllerRefTo(set));
  if (wanted.pod) refs.push(controllerRefTo(pod));
  return refs;
}

/** ClaimsMatchRetentionPolicy: missing claims count as matching (created on a later pass). */
export async function claimsMatchRetentionPolicy(ctx: SyncContext, set: KubeObject, pod: KubeObject) {
  for (const wanted of claimsFor(set, ordinalOf(pod)).values()) {
    const claim = await ctx.client.get(PVCS, wanted.metadata.namespace ?? "", wanted.metadata.name ?? "");
    if (claim && !claimOwnerMatches(claim, set, pod)) return false;
  }
  return true;
}

/** UpdatePodClaimForRetentionPolicy. */
export async function updateClaimsForRetentionPolicy(ctx: SyncContext, set: KubeObject, pod: KubeObject) {
  for (const wanted of claimsFor(set, ordinalOf(pod)).values()) {
    const name = wanted.metadata.name ?? "";
    const claim = await ctx.client.get(PVCS, set.metadata.namespace ?? "", name);
    if (!claim || claimOwnerMatches(claim, set, pod)) continue;
    await ctx.client.update(PVCS, set.metadata.namespace ?? "", name, (current) => {
      const refs = ownerRefsFor(current, set, pod);
      if (refs.length > 0) current.metadata.ownerReferences = refs;
      else delete current.metadata.ownerReferences;
      return current;
    });
  }
}

/**
 * PodClaimIsStale: with whenScaled: Delete, a claim still owned by an earlier pod of the same name
 * blocks the new pod until the garbage collector has removed it.
 */
export async function podClaimIsStale(ctx: SyncContext, set: KubeObject, pod: KubeObject): Promise<boolean> {
  if (retentionPolicy(set).whenScaled === "Retain") return false;
  for (const wanted of claimsFor(set, ordinalOf(pod)).values()) {
    const claim = await ctx.client.get(PVCS, set.metadata.namespace ?? "", wanted.metadata.name ?? "");
    if (claim && hasStaleRef(claim, pod, (r) => isPodRef(r, pod))) return true;
  }
  return false;
}

/**
 * createPersistentVolumeClaims: every missing claim of the pod, each with a `create Claim …`
 * event; a claim being deleted is an error (the pod must wait for it to go).
 */
export async function createMissingClaims(ctx: SyncContext, set: KubeObject, pod: KubeObject): Promise<void> {
  const errors: string[] = [];
  for (const wanted of claimsFor(set, ordinalOf(pod)).values()) {
    const name = wanted.metadata.name ?? "";
    const existing = await ctx.client.get(PVCS, set.metadata.namespace ?? "", name);
    if (existing) {
      if (existing.metadata.deletionTimestamp) errors.push(`pvc ${name} is being deleted`);
      continue;
    }
    const refs = ownerRefsFor(wanted, set, pod);
    if (refs.length > 0) wanted.metadata.ownerReferences = refs;
    try {
      await ctx.client.create(PVCS, set.metadata.namespace ?? "", wanted);
      await ctx.event(
        set,
        "Normal",
        "SuccessfulCreate",
        `create Claim ${name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`,
      );
    } catch (err) {
      if (err instanceof ApiError && err.reason === "AlreadyExists") continue;
      const message = err instanceof Error ? err.message : String(err);
      errors.push(`failed to create PVC ${name}: ${message}`);
      await ctx.event(
        set,
        "Warning",
        "FailedCreate",
        `create Claim ${name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${message}`,
      );
    }
  }
  if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`);
}
