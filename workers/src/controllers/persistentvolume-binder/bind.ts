/**
 * Binding a claim and a volume (pv_controller.go bind, bindVolumeToClaim, bindClaimToVolume,
 * updateClaimStatus, updateVolumePhase; release-1.32): the volume is saved first (claimRef, then
 * phase Bound), then the claim (volumeName and annotations, then phase Bound with the volume's
 * capacity and access modes). Each write re-checks what it relies on, so two claims racing for
 * one volume cannot both get it.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import {
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  type BinderContext,
  claimSpec,
  isVolumeBoundToClaim,
  PVCS,
  PVS,
  phaseOf,
  volumeSpec,
} from "./context.ts";

export async function bind(ctx: BinderContext, volume: KubeObject, claim: KubeObject): Promise<void> {
  let bound = await bindVolumeToClaim(ctx, volume, claim);
  bound = await updateVolumePhase(ctx, bound, "Bound");
  const updated = await bindClaimToVolume(ctx, claim, bound);
  await updateClaimStatus(ctx, updated, "Bound", bound);
}

/** GetBindVolumeToClaim: the claimRef, and bound-by-controller unless the user pre-bound it. */
async function bindVolumeToClaim(
  ctx: BinderContext,
  volume: KubeObject,
  claim: KubeObject,
): Promise<KubeObject> {
  return ctx.client.update(PVS, "", volume.metadata.name ?? "", (current) => {
    const ref = volumeSpec(current).claimRef;
    if (ref && !isVolumeBoundToClaim(current, claim)) {
      throw new ApiError("Conflict", `volume ${current.metadata.name} was bound to another claim meanwhile`);
    }
    const byController = !isVolumeBoundToClaim(current, claim);
    const claimRef = {
      kind: "PersistentVolumeClaim",
      namespace: claim.metadata.namespace,
      name: claim.metadata.name,
      uid: claim.metadata.uid,
      apiVersion: "v1",
      resourceVersion: claim.metadata.resourceVersion,
    };
    const sameRef = ref && ref.uid === claim.metadata.uid && ref.name === claim.metadata.name;
    if (!sameRef) (current.spec as Record<string, unknown>).claimRef = claimRef;
    if (byController) {
      current.metadata.annotations = {
        ...(current.metadata.annotations ?? {}),
        [ANN_BOUND_BY_CONTROLLER]: "yes",
      };
    }
    return current;
  });
}

/** updateVolumePhase: phase (and message), with the transition time when the phase changes. */
export async function updateVolumePhase(
  ctx: BinderContext,
  volume: KubeObject,
  phase: string,
  message?: string,
): Promise<KubeObject> {
  if (phaseOf(volume) === phase) return volume;
  return ctx.client.update(
    PVS,
    "",
    volume.metadata.name ?? "",
    (current) => {
      const status: Record<string, unknown> = { ...((current.status as object) ?? {}) };
      if (status.phase !== phase) status.lastPhaseTransitionTime = kubeTime(ctx.now);
      status.phase = phase;
      if (message) status.message = message;
      else delete status.message;
      return { ...current, status };
    },
    "status",
  );
}

/** bindClaimToVolume: volumeName (bound-by-controller when we set it) and bind-completed. */
async function bindClaimToVolume(
  ctx: BinderContext,
  claim: KubeObject,
  volume: KubeObject,
): Promise<KubeObject> {
  return ctx.client.update(PVCS, claim.metadata.namespace ?? "", claim.metadata.name ?? "", (current) => {
    if (current.metadata.uid !== claim.metadata.uid) throw new ApiError("Conflict", "the claim was replaced");
    const annotations = { ...(current.metadata.annotations ?? {}) };
    if (claimSpec(current).volumeName !== volume.metadata.name) {
      (current.spec as Record<string, unknown>).volumeName = volume.metadata.name;
      annotations[ANN_BOUND_BY_CONTROLLER] ??= "yes";
    }
    annotations[ANN_BIND_COMPLETED] ??= "yes";
    current.metadata.annotations = annotations;
    return current;
  });
}

/**
 * updateClaimStatus: the phase; a bound claim gets the volume's access modes, and its capacity when
 * it becomes Bound (a later difference may be a resize in progress); other phases clear both.
 */
export async function updateClaimStatus(
  ctx: BinderContext,
  claim: KubeObject,
  phase: string,
  volume?: KubeObject,
): Promise<KubeObject> {
  return ctx.client.update(
    PVCS,
    claim.metadata.namespace ?? "",
    claim.metadata.name ?? "",
    (current) => {
      const status: Record<string, unknown> = { ...((current.status as object) ?? {}) };
      const becoming = status.phase !== phase;
      status.phase = phase;
      if (!volume) {
        delete status.accessModes;
        delete status.capacity;
      } else {
        const modes = volumeSpec(volume).accessModes;
        if (!jsonEqual(status.accessModes, modes)) status.accessModes = modes;
        if (becoming) status.capacity = { ...(volumeSpec(volume).capacity ?? {}) };
      }
      return { ...current, status };
    },
    "status",
  );
}
