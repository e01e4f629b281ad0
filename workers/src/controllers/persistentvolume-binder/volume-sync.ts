/**
 * One volume (pv_controller.go syncVolume, reclaimVolume, deleteVolumeOperation, unbindVolume; the
 * pv-protection controller; release-1.32): Available when free, Bound with its claim, Released once
 * the claim is gone, then retained, recycled or deleted as its reclaim policy says.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { updateVolumePhase } from "./bind.ts";
import {
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  type BinderContext,
  claimSpec,
  PV_PROTECTION_FINALIZER,
  PVCS,
  PVS,
  phaseOf,
  volumeSpec,
} from "./context.ts";
import { volumeModeMismatch } from "./matching.ts";

export async function syncVolume(ctx: BinderContext, name: string): Promise<void> {
  const found = await ctx.client.get(PVS, "", name);
  if (!found) return;
  const volume = await protectVolume(ctx, found);
  if (!volume) return;
  const ref = volumeSpec(volume).claimRef;
  // Unused, or reserved by a user for a claim not yet bound to it: the claim's sync binds.
  if (!ref?.uid) {
    await updateVolumePhase(ctx, volume, "Available");
    return;
  }
  let claim = await ctx.client.get(PVCS, ref.namespace ?? "", ref.name ?? "");
  if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
  if (!claim) {
    const released = ["Released", "Failed"].includes(phaseOf(volume))
      ? volume
      : await updateVolumePhase(ctx, volume, "Released");
    await reclaimVolume(ctx, released);
    return;
  }
  const claimVolume = claimSpec(claim).volumeName;
  if (!claimVolume) {
    if (volumeModeMismatch(claim, volume)) {
      await ctx.event(
        volume,
        "Warning",
        "VolumeMismatch",
        `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.`,
      );
      await ctx.event(
        claim,
        "Warning",
        "VolumeMismatch",
        `Cannot bind PersistentVolume "${volume.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`,
      );
    }
    return;
  }
  if (claimVolume === volume.metadata.name) {
    await updateVolumePhase(ctx, volume, "Bound");
    return;
  }
  // The claim went to another volume: a volume provisioned for it is not needed any more.
  const provisioned = volume.metadata.annotations?.[ANN_PROVISIONED_BY] !== undefined;
  if (provisioned && volumeSpec(volume).persistentVolumeReclaimPolicy === "Delete") {
    const released = phaseOf(volume) === "Failed" ? volume : await updateVolumePhase(ctx, volume, "Released");
    await reclaimVolume(ctx, released);
    return;
  }
  await unbindVolume(ctx, volume);
}

/**
 * pv-protection: the finalizer is kept while the volume exists; a deleted volume keeps it while
 * Bound. Returns the volume to go on with, undefined when it is gone.
 */
async function protectVolume(ctx: BinderContext, volume: KubeObject): Promise<KubeObject | undefined> {
  const finalizers = volume.metadata.finalizers ?? [];
  const has = finalizers.includes(PV_PROTECTION_FINALIZER);
  const deleting = Boolean(volume.metadata.deletionTimestamp);
  if (deleting ? !has || phaseOf(volume) === "Bound" : has) return volume;
  const updated = await ctx.client.update(PVS, "", volume.metadata.name ?? "", (current) => {
    const others = (current.metadata.finalizers ?? []).filter((f) => f !== PV_PROTECTION_FINALIZER);
    const next = deleting ? others : [...others, PV_PROTECTION_FINALIZER];
    if (next.length > 0) current.metadata.finalizers = next;
    else delete current.metadata.finalizers;
    return current;
  });
  return (await ctx.client.get(PVS, "", volume.metadata.name ?? "")) ? updated : undefined;
}

/** reclaimVolume: what the reclaim policy does with a released volume. */
async function reclaimVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const policy = volumeSpec(volume).persistentVolumeReclaimPolicy ?? "Retain";
  if (policy === "Retain") return;
  if (policy === "Recycle") {
    await recycleVolume(ctx, volume);
    return;
  }
  if (policy === "Delete") {
    await deleteVolume(ctx, volume);
    return;
  }
  await failVolume(
    ctx,
    volume,
    "VolumeUnknownReclaimPolicy",
    "Volume has unrecognized PersistentVolumeReclaimPolicy",
  );
}

/**
 * deleteVolumeOperation: a provisioned volume is deleted by its (simulated) external provisioner; a
 * hostPath volume only under /tmp (the in-tree deleter's rule); anything else has no deleter.
 */
async function deleteVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  if (volume.metadata.deletionTimestamp) return;
  const name = volume.metadata.name ?? "";
  const provisioner = volume.metadata.annotations?.[ANN_PROVISIONED_BY];
  const hostPath = volumeSpec(volume).hostPath?.path;
  let deletable = provisioner !== undefined && !provisioner.startsWith("kubernetes.io/");
  if (!deletable && hostPath !== undefined) {
    if (!/^\/tmp\/.+/.test(hostPath)) {
      await failVolume(
        ctx,
        volume,
        "VolumeFailedDelete",
        `host_path deleter only supports /tmp/.+ but received provided ${hostPath}`,
      );
      return;
    }
    deletable = true;
  }
  if (!deletable) {
    await failVolume(
      ctx,
      volume,
      "VolumeFailedDelete",
      `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`,
    );
    return;
  }
  await ctx.client.delete(PVS, "", name, { uid: volume.metadata.uid }).catch((err: unknown) => {
    if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
  });
}

/** recycleVolumeOperation: hostPath and NFS volumes are scrubbed and offered again. */
async function recycleVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const spec = volumeSpec(volume);
  if (!spec.hostPath && !spec.nfs) {
    await failVolume(ctx, volume, "VolumeFailedRecycle", "No recycler plugin found for the volume!");
    return;
  }
  await ctx.event(volume, "Normal", "VolumeRecycled", "Volume recycled");
  await unbindVolume(ctx, volume);
}

/** updateVolumePhaseWithEvent(Failed): the event only when the phase changes. */
async function failVolume(ctx: BinderContext, volume: KubeObject, reason: string, message: string) {
  if (phaseOf(volume) === "Failed") return;
  const failed = await updateVolumePhase(ctx, volume, "Failed", message);
  await ctx.event(failed, "Warning", reason, message);
}

/**
 * unbindVolume: a binding the controller made is undone (claimRef removed); a user's pre-binding is
 * kept but for the claim's uid. Then the volume is Available again.
 */
async function unbindVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const updated = await ctx.client.update(PVS, "", volume.metadata.name ?? "", (current) => {
    const spec = current.spec as Record<string, unknown> & { claimRef?: Record<string, unknown> };
    if (current.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      delete spec.claimRef;
      const { [ANN_BOUND_BY_CONTROLLER]: _bound, ...rest } = current.metadata.annotations;
      if (Object.keys(rest).length > 0) current.metadata.annotations = rest;
      else delete current.metadata.annotations;
    } else if (spec.claimRef) {
      delete spec.claimRef.uid;
    }
    return current;
  });
  await updateVolumePhase(ctx, updated, "Available");
}
