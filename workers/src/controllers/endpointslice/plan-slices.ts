/**
 * Which EndpointSlices to create, update and delete so that a Service's pods are listed
 * (k8s.io/endpointslice reconciler.go Reconcile, reconcileByAddressType, reconcileByPortMapping,
 * finalize; release-1.32). Existing slices are changed as little as possible: endpoints stay where
 * they are, new ones fill slices already being written, then the fullest slice with room, then new
 * slices of at most MAX_ENDPOINTS_PER_SLICE.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { serviceSpec, shouldPodBeInEndpoints } from "../shared/service-endpoints.ts";
import {
  type AddressType,
  addressTypesOf,
  type Endpoint,
  type EndpointSlice,
  endpointKey,
  endpointPorts,
  endpointsEqualBeyondHash,
  newSlice,
  ownedBy,
  podToEndpoint,
  portsKey,
  type SlicePort,
  sliceLabels,
} from "./endpoint.ts";

/** kube-controller-manager's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SlicePlan {
  /** New slices, without a name (generateName). */
  create: EndpointSlice[];
  /** Changed slices, by name, over the version read. */
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods whose endpoint is new or changed: what the trigger-time annotation dates. */
  changedPods: KubeObject[];
  /** Pods left out because their node is unknown: the Service is synced again later. */
  podsOnMissingNodes: string[];
}

export function planSlices(
  svc: KubeObject,
  pods: readonly KubeObject[],
  nodes: ReadonlyMap<string, KubeObject>,
  existing: readonly EndpointSlice[],
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], changedPods: [], podsOnMissingNodes: [] };
  const types = addressTypesOf(svc);
  for (const slice of existing) {
    if (!types.includes(slice.addressType as AddressType)) plan.delete.push(slice);
  }
  for (const addressType of types) {
    planAddressType(
      svc,
      pods,
      nodes,
      existing.filter((s) => s.addressType === addressType),
      addressType,
      plan,
    );
  }
  reuseDeletedSlices(svc, plan);
  return plan;
}

interface Desired {
  ports: SlicePort[];
  endpoints: Map<string, Endpoint>;
}

function planAddressType(
  svc: KubeObject,
  pods: readonly KubeObject[],
  nodes: ReadonlyMap<string, KubeObject>,
  existing: readonly EndpointSlice[],
  addressType: AddressType,
  plan: SlicePlan,
): void {
  const deletesBefore = plan.delete.length;
  const createsBefore = plan.create.length;
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, svc)) {
      plan.delete.push(slice);
      continue;
    }
    const key = portsKey(slice.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }

  const desiredByPorts = new Map<string, Desired>();
  const podsByUid = new Map<string, KubeObject>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let desired = desiredByPorts.get(key);
    if (!desired) {
      desired = { ports, endpoints: new Map() };
      desiredByPorts.set(key, desired);
    }
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? "";
    const node = nodes.get(nodeName);
    // A pod on a vanished node is left out (and the sync retried) unless the Service publishes
    // everything it selects.
    if (!node && !serviceSpec(svc).publishNotReadyAddresses) {
      plan.podsOnMissingNodes.push(pod.metadata.name ?? "");
      continue;
    }
    const endpoint = podToEndpoint(pod, node, svc, addressType);
    if (endpoint.addresses.length > 0) {
      desired.endpoints.set(endpointKey(endpoint), endpoint);
      podsByUid.set(pod.metadata.uid ?? "", pod);
    }
  }

  for (const [key, desired] of desiredByPorts) {
    planPortMapping(svc, existingByPorts.get(key) ?? [], desired, addressType, plan, podsByUid);
  }
  for (const [key, slices] of existingByPorts) {
    if (!desiredByPorts.has(key)) plan.delete.push(...slices);
  }

  // A Service always has a slice of each address type, if only an empty placeholder.
  const deleting = plan.delete.slice(deletesBefore);
  if (existing.length === deleting.length && plan.create.length === createsBefore) {
    const placeholder = newSlice(svc, [], addressType);
    const [only] = deleting;
    if (deleting.length === 1 && only && isSamePlaceholder(only, placeholder)) {
      plan.delete.splice(plan.delete.indexOf(only), 1);
    } else {
      plan.create.push(placeholder);
    }
  }
}

function planPortMapping(
  svc: KubeObject,
  existing: readonly EndpointSlice[],
  desired: Desired,
  addressType: AddressType,
  plan: SlicePlan,
  podsByUid: ReadonlyMap<string, KubeObject>,
): void {
  const wanted = desired.endpoints;
  const toUpdate = new Map<string, EndpointSlice>();
  const unchanged = new Map<string, EndpointSlice>();
  const changedUids = new Set<string>([...wanted.values()].map((ep) => ep.targetRef?.uid ?? ""));

  // 1. Keep the endpoints still wanted where they are, refreshed; drop the others.
  for (const slice of existing) {
    const current = slice.endpoints ?? [];
    const kept: Endpoint[] = [];
    let endpointChanged = false;
    for (const endpoint of current) {
      const key = endpointKey(endpoint);
      const want = wanted.get(key);
      if (!want) continue;
      kept.push(want);
      if (endpointsEqualBeyondHash(want, endpoint)) changedUids.delete(want.targetRef?.uid ?? "");
      else endpointChanged = true;
      wanted.delete(key);
    }
    const { labels, changed: labelsChanged } = sliceLabels(slice, svc);
    const name = slice.metadata.name ?? "";
    if (endpointChanged || kept.length !== current.length) {
      if (kept.length === 0) plan.delete.push(slice);
      else toUpdate.set(name, withContent(slice, kept, labels));
    } else if (labelsChanged) {
      toUpdate.set(name, withContent(slice, current, labels));
    } else {
      unchanged.set(name, slice);
    }
  }

  // 2. Fill the slices being written anyway, fullest first.
  const remaining = [...wanted.values()];
  const byFullness = [...toUpdate.values()].sort((a, b) => size(b) - size(a));
  for (const slice of byFullness) {
    while (remaining.length > 0 && size(slice) < MAX_ENDPOINTS_PER_SLICE)
      slice.endpoints?.push(remaining.shift()!);
  }

  // 3. Then the unchanged slice closest to full that takes them all, else new slices.
  while (remaining.length > 0) {
    let fill: EndpointSlice | undefined;
    if (remaining.length < MAX_ENDPOINTS_PER_SLICE && unchanged.size > 0) {
      const found = sliceToFill([...unchanged.values()], remaining.length);
      if (found) {
        unchanged.delete(found.metadata.name ?? "");
        fill = withContent(found, [...(found.endpoints ?? [])], found.metadata.labels ?? {});
        toUpdate.set(found.metadata.name ?? "", fill);
      }
    }
    if (!fill) {
      fill = newSlice(svc, desired.ports, addressType);
      plan.create.push(fill);
    }
    while (remaining.length > 0 && size(fill) < MAX_ENDPOINTS_PER_SLICE)
      fill.endpoints?.push(remaining.shift()!);
  }

  plan.update.push(...toUpdate.values());
  for (const uid of changedUids) {
    const pod = podsByUid.get(uid);
    if (pod) plan.changedPods.push(pod);
  }
}

/** getSliceToFill: the slice that `count` more endpoints would bring closest to full. */
function sliceToFill(slices: readonly EndpointSlice[], count: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  let closest = MAX_ENDPOINTS_PER_SLICE;
  for (const slice of slices) {
    const diff = MAX_ENDPOINTS_PER_SLICE - (count + size(slice));
    if (diff >= 0 && diff < closest) {
      closest = diff;
      best = slice;
      if (diff === 0) break;
    }
  }
  return best;
}

/**
 * finalize: rather than create one slice and delete another, rewrite the one being deleted (same
 * address type, owned by this Service).
 */
function reuseDeletedSlices(svc: KubeObject, plan: SlicePlan): void {
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const doomed = plan.delete[i]!;
    const fresh = plan.create.at(-1)!;
    if (doomed.addressType === fresh.addressType && ownedBy(doomed, svc)) {
      plan.create.pop();
      plan.delete.splice(i, 1);
      plan.update.push({
        ...doomed,
        metadata: { ...doomed.metadata, labels: fresh.metadata.labels },
        endpoints: fresh.endpoints,
        ports: fresh.ports,
      });
    } else {
      i++;
    }
  }
}

/** placeholderSliceCompare: the same namespace, labels, address type, and no endpoints or ports. */
function isSamePlaceholder(slice: EndpointSlice, placeholder: EndpointSlice): boolean {
  const labels = (s: EndpointSlice) => s.metadata.labels ?? {};
  return (
    slice.metadata.namespace === placeholder.metadata.namespace &&
    JSON.stringify(Object.entries(labels(slice)).sort()) ===
      JSON.stringify(Object.entries(labels(placeholder)).sort()) &&
    slice.addressType === placeholder.addressType &&
    (slice.endpoints ?? []).length === 0 &&
    (slice.ports ?? []).length === 0
  );
}

function withContent(
  slice: EndpointSlice,
  endpoints: Endpoint[],
  labels: Record<string, string>,
): EndpointSlice {
  return { ...slice, metadata: { ...slice.metadata, labels }, endpoints };
}

function size(slice: EndpointSlice): number {
  return slice.endpoints?.length ?? 0;
}
