/**
 * Which PersistentVolume a claim gets (pv_controller index.go findByClaim, storage/util
 * FindMatchingVolume; release-1.32): a volume pre-bound to the claim if there is one, otherwise the
 * smallest Available volume of the claim's class, access modes, volume mode and selector that holds
 * the request; volumes with fewer extra access modes are tried first.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  type LabelSelectorObject,
  matchesLabels,
  selectorFromLabelSelector,
} from "../../../../apps/api/src/kube/selectors/index.ts";
import {
  compareQuantities,
  parseQuantity,
  type Quantity,
  ZERO_QUANTITY,
} from "../../../../apps/api/src/kube/validation/quantity.ts";
import { matchesNodeSelectorTerms, type NodeSelectorTerm } from "../shared/node-affinity.ts";
import { claimClass, claimSpec, isVolumeBoundToClaim, phaseOf, volumeClass, volumeSpec } from "./context.ts";

/** The storage quantity of a capacity or request list (0 when absent). */
export const storageOf = (list: Record<string, string> | undefined): Quantity =>
  parseQuantity(list?.storage) ?? ZERO_QUANTITY;

/** CheckVolumeModeMismatches: both default to Filesystem. */
export function volumeModeMismatch(claim: KubeObject, volume: KubeObject): boolean {
  return (claimSpec(claim).volumeMode ?? "Filesystem") !== (volumeSpec(volume).volumeMode ?? "Filesystem");
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function accessModesMatch(claim: KubeObject, volume: KubeObject): boolean {
  const offered = new Set(volumeSpec(volume).accessModes ?? []);
  return (claimSpec(claim).accessModes ?? []).every((m) => offered.has(m));
}

/** CheckNodeAffinity: the volume's required node affinity admits a node with these labels. */
export function volumeFitsNode(volume: KubeObject, node: KubeObject): boolean {
  const terms = volumeSpec(volume).nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return matchesNodeSelectorTerms(terms as NodeSelectorTerm[], {
    metadata: { labels: node.metadata.labels ?? {} },
  });
}

/** The claim's label selector for volumes, undefined when it has none (or an invalid one). */
function claimSelector(claim: KubeObject) {
  const selector = claimSpec(claim).selector as LabelSelectorObject | undefined;
  if (!selector) return undefined;
  try {
    return selectorFromLabelSelector(selector);
  } catch {
    return undefined;
  }
}

/**
 * FindMatchingVolume over `volumes`. `node` is the scheduler's path (a WaitForFirstConsumer claim
 * whose consumer has a node): the volume must fit the node. Without a node, a delayed claim only
 * takes a volume pre-bound to it.
 */
export function findMatchingVolume(
  claim: KubeObject,
  volumes: readonly KubeObject[],
  delayBinding: boolean,
  node?: KubeObject,
): KubeObject | undefined {
  const requested = storageOf(claimSpec(claim).resources?.requests);
  const requestedClass = claimClass(claim);
  const selector = claimSelector(claim);
  let smallest: KubeObject | undefined;
  for (const volume of volumes) {
    const ref = volumeSpec(volume).claimRef;
    if (ref && !isVolumeBoundToClaim(volume, claim)) continue;
    const capacity = storageOf(volumeSpec(volume).capacity);
    if (compareQuantities(capacity, requested) < 0) continue;
    if (volumeModeMismatch(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const fitsNode = node === undefined || volumeFitsNode(volume, node);
    if (isVolumeBoundToClaim(volume, claim)) return fitsNode ? volume : undefined;
    if (node === undefined && delayBinding) continue;
    if (phaseOf(volume) !== "Available") continue;
    if (selector && !matchesLabels(selector, volume.metadata.labels)) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (!fitsNode) continue;
    if (node !== undefined && !accessModesMatch(claim, volume)) continue;
    if (!smallest || compareQuantities(storageOf(volumeSpec(smallest).capacity), capacity) > 0)
      smallest = volume;
  }
  return smallest;
}

/**
 * findByClaim: volumes grouped by their set of access modes; the groups offering every requested
 * mode are searched, those with the fewest modes first.
 */
export function findBestMatchForClaim(
  claim: KubeObject,
  volumes: readonly KubeObject[],
  delayBinding: boolean,
): KubeObject | undefined {
  const groups = new Map<string, KubeObject[]>();
  for (const volume of volumes) {
    const key = [...new Set(volumeSpec(volume).accessModes ?? [])].sort().join(",");
    groups.set(key, [...(groups.get(key) ?? []), volume]);
  }
  const wanted = claimSpec(claim).accessModes ?? [];
  const candidates = [...groups.entries()]
    .map(([key, list]) => ({ modes: key === "" ? [] : key.split(","), list }))
    .filter(({ modes }) => wanted.every((m) => modes.includes(m)))
    .sort((a, b) => a.modes.length - b.modes.length);
  for (const { list } of candidates) {
    const found = findMatchingVolume(claim, list, delayBinding);
    if (found) return found;
  }
  return undefined;
}
