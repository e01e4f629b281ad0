/**
 * The part of VolumeBinding (pkg/scheduler/framework/plugins/volumebinding, release-1.32) that
 * decides where a pod with claims may go: every claim must exist and not be going away; a claim of
 * Immediate binding must be bound first; a bound volume's node affinity limits the nodes. Claims
 * of WaitForFirstConsumer classes do not hold the pod back: the volume binder provisions or binds
 * them for the node the pod lands on.
 */
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { NodeSelectorMatcher, type NodeSelectorTerm } from "./node-selector.ts";
import type { PodInfo } from "./pod-info.ts";

export const ERR_VOLUME_NODE_CONFLICT = "node(s) had volume node affinity conflict";
export const ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";

/** The claims, volumes and storage classes of the cluster, for pods that use claims. */
export interface StorageView {
  /** By `namespace/name`. */
  claims: ReadonlyMap<string, KubeObject>;
  volumes: ReadonlyMap<string, KubeObject>;
  classes: ReadonlyMap<string, KubeObject>;
}

export interface PodClaim {
  name: string;
  /** A generic ephemeral volume: the claim is made for the pod, named <pod>-<volume>. */
  ephemeral: boolean;
}

interface VolumeShape {
  name: string;
  persistentVolumeClaim?: { claimName?: string };
  ephemeral?: unknown;
}

export function podClaims(pod: KubeObject): PodClaim[] {
  const volumes = ((pod.spec as { volumes?: VolumeShape[] } | undefined)?.volumes ?? []) as VolumeShape[];
  const out: PodClaim[] = [];
  for (const v of volumes) {
    if (v.persistentVolumeClaim)
      out.push({ name: v.persistentVolumeClaim.claimName ?? "", ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata.name}-${v.name}`, ephemeral: true });
  }
  return out;
}

const BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

function claimClass(claim: KubeObject): string {
  const beta = claim.metadata.annotations?.[BETA_CLASS_ANNOTATION];
  if (beta !== undefined) return beta;
  return (claim.spec as { storageClassName?: string | null } | undefined)?.storageClassName ?? "";
}

/** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
function waitsForConsumer(claim: KubeObject, storage: StorageView): boolean {
  const className = claimClass(claim);
  if (!className) return false;
  const mode = (storage.classes.get(className) as { volumeBindingMode?: string } | undefined)
    ?.volumeBindingMode;
  return mode === "WaitForFirstConsumer";
}

/** The node affinity of the volumes bound to the pod's claims. */
export interface VolumeState {
  nodeAffinities: NodeSelectorMatcher[];
}

/**
 * PreFilter: a message when the pod cannot be placed at all yet (it is the whole reason, as upstream
 * reports it), otherwise the bound volumes' node affinity for the filter; undefined without claims.
 */
export function volumePreFilter(
  pod: PodInfo,
  storage: StorageView | undefined,
): { message: string } | VolumeState | undefined {
  if (pod.claims.length === 0) return undefined;
  const nodeAffinities: NodeSelectorMatcher[] = [];
  let unboundImmediate = false;
  for (const { name, ephemeral } of pod.claims) {
    const claim = storage?.claims.get(`${pod.namespace}/${name}`);
    if (!claim) {
      return {
        message: ephemeral
          ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"`
          : `persistentvolumeclaim "${name}" not found`,
      };
    }
    const spec = (claim.spec ?? {}) as { volumeName?: string };
    if ((claim.status as { phase?: string } | undefined)?.phase === "Lost") {
      return {
        message: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${spec.volumeName ?? ""}"`,
      };
    }
    if (claim.metadata.deletionTimestamp)
      return { message: `persistentvolumeclaim "${name}" is being deleted` };
    if (ephemeral && !claim.metadata.ownerReferences?.some((r) => r.controller && r.uid === pod.uid)) {
      return {
        message: `PVC ${pod.namespace}/${name} was not created for pod ${pod.namespace}/${pod.name} (pod is not owner)`,
      };
    }
    const bound =
      Boolean(spec.volumeName) &&
      claim.metadata.annotations?.["pv.kubernetes.io/bind-completed"] !== undefined;
    if (bound) {
      const volume = storage?.volumes.get(spec.volumeName ?? "");
      const terms = (
        volume?.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } }
      )?.nodeAffinity?.required?.nodeSelectorTerms;
      if (terms) nodeAffinities.push(new NodeSelectorMatcher(terms));
    } else if (spec.volumeName || !waitsForConsumer(claim, storage as StorageView)) {
      unboundImmediate = true;
    }
  }
  if (unboundImmediate) return { message: ERR_UNBOUND_IMMEDIATE };
  return { nodeAffinities };
}
