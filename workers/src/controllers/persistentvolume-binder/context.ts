/**
 * What the volume binder reads and writes (pkg/controller/volume/persistentvolume, storage/util;
 * release-1.32): the annotations that record a binding's progress, and the parts of claims,
 * volumes and classes it reads.
 */
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { BETA_STORAGE_CLASS_ANNOTATION } from "../../../../apps/api/src/kube/registry/core/persistentvolumeclaims/admission.ts";
import { recordEvent } from "../../events/record-event.ts";

export const PVCS = CORE_V1("persistentvolumeclaims");
export const PVS = CORE_V1("persistentvolumes");
export const PODS = CORE_V1("pods");
export const NODES = CORE_V1("nodes");
export const STORAGE_CLASSES = { group: "storage.k8s.io", version: "v1", resource: "storageclasses" };

/** The binding is complete on the claim's side (AnnBindCompleted). */
export const ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
/** The controller, not a user, made this side of the binding (AnnBoundByController). */
export const ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
/** Who provisioned the volume (AnnDynamicallyProvisioned). */
export const ANN_PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
/** The node the scheduler chose for a WaitForFirstConsumer claim (AnnSelectedNode). */
export const ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
export const ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
export const ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
export const PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection";

/** The event source of the binder, as `kubectl describe pvc` shows it. */
export const COMPONENT = "persistentvolume-controller";

export interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: Record<string, string> };
  storageClassName?: string | null;
  volumeName?: string;
  volumeMode?: string;
  selector?: unknown;
}

export interface ClaimRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface VolumeSpec {
  accessModes?: string[];
  capacity?: Record<string, string>;
  claimRef?: ClaimRef | null;
  storageClassName?: string;
  volumeMode?: string;
  persistentVolumeReclaimPolicy?: string;
  nodeAffinity?: { required?: { nodeSelectorTerms?: unknown[] } };
  hostPath?: { path?: string };
  nfs?: unknown;
}

export const claimSpec = (claim: KubeObject) => (claim.spec ?? {}) as ClaimSpec;
export const volumeSpec = (volume: KubeObject) => (volume.spec ?? {}) as VolumeSpec;
export const phaseOf = (obj: KubeObject) => (obj.status as { phase?: string } | undefined)?.phase ?? "";
export const hasAnnotation = (obj: KubeObject, key: string) => obj.metadata.annotations?.[key] !== undefined;

/** GetPersistentVolumeClaimClass: the beta annotation wins over the field; "" means no class. */
export function claimClass(claim: KubeObject): string {
  const beta = claim.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return claimSpec(claim).storageClassName ?? "";
}

/** GetPersistentVolumeClass. */
export function volumeClass(volume: KubeObject): string {
  const beta = volume.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return volumeSpec(volume).storageClassName ?? "";
}

/** IsVolumeBoundToClaim: the claimRef names this claim (an empty uid is a user's pre-binding). */
export function isVolumeBoundToClaim(volume: KubeObject, claim: KubeObject): boolean {
  const ref = volumeSpec(volume).claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** What one reconcile of the binder works with. */
export interface BinderContext {
  client: InProcessClient;
  clusterId: string;
  now: Date;
  event(
    obj: KubeObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    component?: string,
  ): Promise<void>;
}

export function binderContext(client: InProcessClient, clusterId: string, now: Date): BinderContext {
  return {
    client,
    clusterId,
    now,
    event: (obj, type, reason, message, component = COMPONENT) =>
      recordEvent(client, { component }, obj, { type, reason, message }, now),
  };
}
