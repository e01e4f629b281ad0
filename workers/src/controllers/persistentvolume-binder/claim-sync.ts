/**
 * One claim (pv_controller.go syncClaim, syncUnboundClaim, syncBoundClaim; the pvc-protection
 * controller; release-1.32). Our scheduler does not know volumes, so the part of its VolumeBinding
 * plugin a WaitForFirstConsumer claim needs is done here once a consumer pod is bound to a node:
 * a pre-created volume that fits the node is bound, otherwise the node is recorded on the claim
 * (volume.kubernetes.io/selected-node) for the provisioner.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  chooseDefaultStorageClass,
  claimHasClass,
  PVC_PROTECTION_FINALIZER,
} from "../../../../apps/api/src/kube/registry/core/persistentvolumeclaims/admission.ts";
import { compareQuantities } from "../../../../apps/api/src/kube/validation/quantity.ts";
import { bind, updateClaimStatus } from "./bind.ts";
import { blocksClaimDeletion, consumerNode, podsUsingClaim, unscheduledConsumers } from "./consumers.ts";
import {
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  type BinderContext,
  claimClass,
  claimSpec,
  hasAnnotation,
  isVolumeBoundToClaim,
  NODES,
  PVCS,
  PVS,
  phaseOf,
  STORAGE_CLASSES,
  volumeClass,
  volumeSpec,
} from "./context.ts";
import {
  accessModesMatch,
  findBestMatchForClaim,
  findMatchingVolume,
  storageOf,
  volumeModeMismatch,
} from "./matching.ts";
import { provisionClaim } from "./provision.ts";

export async function syncClaim(ctx: BinderContext, namespace: string, name: string): Promise<void> {
  const claim = await ctx.client.get(PVCS, namespace, name);
  if (!claim) return;
  if (await protectClaim(ctx, claim)) return;
  if (hasAnnotation(claim, ANN_BIND_COMPLETED)) await syncBoundClaim(ctx, claim);
  else await syncUnboundClaim(ctx, claim);
}

/**
 * pvc-protection: a claim keeps its finalizer while it exists; once deleted, the finalizer goes
 * when no scheduled pod uses it any more. True when the claim is being deleted (nothing else to do).
 */
async function protectClaim(ctx: BinderContext, claim: KubeObject): Promise<boolean> {
  const finalizers = claim.metadata.finalizers ?? [];
  const protectedNow = finalizers.includes(PVC_PROTECTION_FINALIZER);
  if (!claim.metadata.deletionTimestamp) {
    if (!protectedNow) await setFinalizers(ctx, claim, [...finalizers, PVC_PROTECTION_FINALIZER]);
    return false;
  }
  if (!protectedNow) return true;
  const pods = await podsUsingClaim(ctx, claim);
  if (pods.some((pod) => blocksClaimDeletion(pod, claim))) return true;
  await setFinalizers(
    ctx,
    claim,
    finalizers.filter((f) => f !== PVC_PROTECTION_FINALIZER),
  );
  return true;
}

async function setFinalizers(ctx: BinderContext, claim: KubeObject, finalizers: string[]): Promise<void> {
  await ctx.client.update(PVCS, claim.metadata.namespace ?? "", claim.metadata.name ?? "", (current) => {
    const others = (current.metadata.finalizers ?? []).filter((f) => f !== PVC_PROTECTION_FINALIZER);
    const next = finalizers.includes(PVC_PROTECTION_FINALIZER)
      ? [...others, PVC_PROTECTION_FINALIZER]
      : others;
    if (next.length > 0) current.metadata.finalizers = next;
    else delete current.metadata.finalizers;
    return current;
  });
}

/** IsDelayBindingMode: the class exists and binds WaitForFirstConsumer. */
async function isDelayBinding(ctx: BinderContext, claim: KubeObject): Promise<boolean> {
  const className = claimClass(claim);
  if (className === "") return false;
  const storageClass = await ctx.client.get(STORAGE_CLASSES, "", className);
  return (
    (storageClass as { volumeBindingMode?: string } | undefined)?.volumeBindingMode === "WaitForFirstConsumer"
  );
}

async function syncUnboundClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  const volumes = await ctx.client.list(PVS);
  const wanted = claimSpec(claim).volumeName;
  if (wanted) {
    await syncRequestedVolume(
      ctx,
      claim,
      volumes.find((v) => v.metadata.name === wanted),
    );
    return;
  }
  const delayBinding = await isDelayBinding(ctx, claim);
  let volume = findBestMatchForClaim(claim, volumes, delayBinding);
  const pods = delayBinding ? await podsUsingClaim(ctx, claim) : [];
  if (!volume && delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
    // The scheduler's VolumeBinding for a consumer bound to a node.
    const nodeName = consumerNode(pods);
    const node = nodeName ? await ctx.client.get(NODES, "", nodeName) : undefined;
    if (node) {
      volume = findMatchingVolume(claim, volumes, true, node);
      if (!volume) {
        await selectNode(ctx, claim, nodeName as string);
        return;
      }
    }
  }
  if (volume) {
    await bind(ctx, volume, claim);
    return;
  }
  if (await assignDefaultStorageClass(ctx, claim)) return;
  if (delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
    const waiting = unscheduledConsumers(pods);
    if (waiting.length === 0) {
      await ctx.event(
        claim,
        "Normal",
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
      );
    } else {
      const which = waiting.length > 1 ? `pods ${waiting.join(",")}` : `pod ${waiting[0]}`;
      await ctx.event(claim, "Normal", "WaitForPodScheduled", `waiting for ${which} to be scheduled`);
    }
  } else if (claimClass(claim) !== "") {
    await provisionClaim(ctx, claim);
    return;
  } else {
    await ctx.event(
      claim,
      "Normal",
      "FailedBinding",
      "no persistent volumes available for this claim and no storage class is set",
    );
  }
  await updateClaimStatus(ctx, claim, "Pending");
}

/** What the scheduler writes for a claim it will have provisioned on the pod's node. */
async function selectNode(ctx: BinderContext, claim: KubeObject, node: string): Promise<void> {
  await ctx.client.update(PVCS, claim.metadata.namespace ?? "", claim.metadata.name ?? "", (current) => {
    current.metadata.annotations = { ...(current.metadata.annotations ?? {}), [ANN_SELECTED_NODE]: node };
    return current;
  });
}

/** assignDefaultStorageClass: a claim created before any default class gets one retroactively. */
async function assignDefaultStorageClass(ctx: BinderContext, claim: KubeObject): Promise<boolean> {
  if (claimHasClass(claim)) return false;
  const chosen = chooseDefaultStorageClass(await ctx.client.list(STORAGE_CLASSES));
  if (!chosen) return false;
  await ctx.client.update(PVCS, claim.metadata.namespace ?? "", claim.metadata.name ?? "", (current) => {
    if (!claimHasClass(current))
      (current.spec as Record<string, unknown>).storageClassName = chosen.metadata.name;
    return current;
  });
  return true;
}

/** The user asked for a specific volume (spec.volumeName). */
async function syncRequestedVolume(ctx: BinderContext, claim: KubeObject, volume: KubeObject | undefined) {
  if (!volume) {
    await updateClaimStatus(ctx, claim, "Pending");
    return;
  }
  if (!volumeSpec(volume).claimRef) {
    const mismatch = checkVolumeSatisfiesClaim(volume, claim);
    if (mismatch) {
      await ctx.event(
        claim,
        "Warning",
        "VolumeMismatch",
        `Cannot bind to requested volume "${volume.metadata.name}": ${mismatch}`,
      );
      await updateClaimStatus(ctx, claim, "Pending");
      return;
    }
    await bind(ctx, volume, claim);
  } else if (isVolumeBoundToClaim(volume, claim)) {
    await bind(ctx, volume, claim);
  } else {
    await ctx.event(
      claim,
      "Warning",
      "FailedBinding",
      `volume "${volume.metadata.name}" already bound to a different claim.`,
    );
    if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) await updateClaimStatus(ctx, claim, "Pending");
  }
}

/** checkVolumeSatisfyClaim: what a volume asked for by name must still offer. */
function checkVolumeSatisfiesClaim(volume: KubeObject, claim: KubeObject): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name}"`;
  const requested = storageOf(claimSpec(claim).resources?.requests);
  if (compareQuantities(storageOf(volumeSpec(volume).capacity), requested) < 0)
    return "requested PV is too small";
  if (volumeClass(volume) !== claimClass(claim)) return "storageClassName does not match";
  if (volumeModeMismatch(claim, volume)) return "incompatible volumeMode";
  if (!accessModesMatch(claim, volume)) return "incompatible accessMode";
  return undefined;
}

/** syncBoundClaim: the volume must still exist and point back; otherwise the claim is Lost. */
async function syncBoundClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  const name = claimSpec(claim).volumeName;
  const lost = async (reason: string, message: string) => {
    if (phaseOf(claim) === "Lost") return;
    await updateClaimStatus(ctx, claim, "Lost");
    await ctx.event(claim, "Warning", reason, message);
  };
  if (!name) {
    await lost(
      "ClaimLost",
      "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
    );
    return;
  }
  const volume = await ctx.client.get(PVS, "", name);
  if (!volume) {
    await lost("ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
    return;
  }
  const ref = volumeSpec(volume).claimRef;
  if (!ref || ref.uid === claim.metadata.uid) {
    await bind(ctx, volume, claim);
    return;
  }
  await lost("ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
}
