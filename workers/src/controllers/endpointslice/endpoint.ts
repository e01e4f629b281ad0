/**
 * One pod as an EndpointSlice endpoint, and the slice parts derived from a Service
 * (k8s.io/endpointslice utils.go podToEndpoint, getEndpointPorts, setEndpointSliceLabels,
 * util/endpointset.go hashing; release-1.32).
 */

import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodReady } from "../shared/pods.ts";
import {
  findPort,
  HEADLESS_LABEL,
  hasClusterIP,
  hostnameFor,
  ipFamilyOf,
  podIPs,
  podSpec,
  serviceSpec,
} from "../shared/service-endpoints.ts";
import { podTargetRef } from "../shared/service-pod-sync.ts";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const CONTROLLER_NAME = "endpointslice-controller.k8s.io";
const ZONE_LABEL = "topology.kubernetes.io/zone";

export type AddressType = "IPv4" | "IPv6";

export interface Endpoint {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  nodeName?: string;
  zone?: string;
}

export interface SlicePort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints?: Endpoint[] | null;
  ports?: SlicePort[] | null;
}

export function podToEndpoint(
  pod: KubeObject,
  node: KubeObject | undefined,
  svc: KubeObject,
  addressType: AddressType,
): Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  // For compatibility "ready" is never true for a terminating pod, unless not-ready addresses are
  // published.
  const ready = serviceSpec(svc).publishNotReadyAddresses === true || (serving && !terminating);
  const nodeName = podSpec(pod).nodeName;
  const zone = node?.metadata.labels?.[ZONE_LABEL];
  const hostname = hostnameFor(pod, svc);
  return {
    addresses: podIPs(pod).filter((ip) => ipFamilyOf(ip) === addressType),
    conditions: { ready, serving, terminating },
    ...(hostname ? { hostname } : {}),
    targetRef: podTargetRef(pod),
    ...(nodeName ? { nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** getEndpointPorts: the Service's ports as this pod serves them (unresolvable ones left out). */
export function endpointPorts(svc: KubeObject, pod: KubeObject): SlicePort[] {
  const spec = serviceSpec(svc);
  const ports: SlicePort[] = [];
  for (const servicePort of spec.ports ?? []) {
    const number = findPort(pod, servicePort);
    if (number === undefined) continue;
    ports.push({
      name: servicePort.name ?? "",
      port: number,
      protocol: servicePort.protocol ?? "TCP",
      ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
    });
  }
  return ports;
}

/** NewPortMapKey: slices group endpoints serving the same ports, whatever their order. */
export function portsKey(ports: readonly SlicePort[] | null | undefined): string {
  return (ports ?? [])
    .map((p) => JSON.stringify([p.name ?? "", p.port ?? null, p.protocol ?? "TCP", p.appProtocol ?? ""]))
    .sort()
    .join("|");
}

/** hashEndpoint: what identifies an endpoint across syncs (addresses, hostname, the pod). */
export function endpointKey(ep: Endpoint): string {
  return JSON.stringify([
    [...ep.addresses].sort(),
    ep.hostname ?? "",
    ep.targetRef?.namespace ?? "",
    ep.targetRef?.name ?? "",
  ]);
}

/** EndpointsEqualBeyondHash: node, zone, conditions and pod equal (the pod's resourceVersion aside). */
export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
  const ref = (ep: Endpoint) => (ep.targetRef ? { ...ep.targetRef, resourceVersion: undefined } : undefined);
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.conditions.ready === b.conditions.ready &&
    a.conditions.serving === b.conditions.serving &&
    a.conditions.terminating === b.conditions.terminating &&
    jsonEqual(ref(a), ref(b))
  );
}

const RESERVED_LABELS = [SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL];

function withoutReserved(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([key]) => !RESERVED_LABELS.includes(key)));
}

/**
 * setEndpointSliceLabels: the Service's labels (reserved keys excepted), the headless label, the
 * Service name and this controller; `changed` when the Service's own labels differ from the slice's.
 */
export function sliceLabels(
  slice: KubeObject | undefined,
  svc: KubeObject,
): { labels: Record<string, string>; changed: boolean } {
  const wanted = withoutReserved(svc.metadata.labels);
  const changed = !jsonEqual(withoutReserved(slice?.metadata.labels), wanted);
  const labels: Record<string, string> = { ...wanted };
  if (!hasClusterIP(svc)) labels[HEADLESS_LABEL] = "";
  labels[SERVICE_NAME_LABEL] = svc.metadata.name ?? "";
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return { labels, changed };
}

/**
 * getAddressTypesForService: the Service's IP families; without them (an old API server), the
 * family of its cluster IP, or both for a headless Service.
 */
export function addressTypesOf(svc: KubeObject): AddressType[] {
  const spec = serviceSpec(svc);
  const families = (spec.ipFamilies ?? []).filter((f): f is AddressType => f === "IPv4" || f === "IPv6");
  if (families.length > 0) return [...new Set(families)];
  if (hasClusterIP(svc)) return [ipFamilyOf(spec.clusterIP ?? "")];
  return ["IPv4", "IPv6"];
}

/** ownedBy: the slice's owner reference names this Service (this incarnation). */
export function ownedBy(slice: KubeObject, svc: KubeObject): boolean {
  return (slice.metadata.ownerReferences ?? []).some(
    (o) => o.uid === svc.metadata.uid && o.kind === "Service" && o.apiVersion === "v1",
  );
}

/** newEndpointSlice: named `<service>-` plus random characters by the API server. */
export function newSlice(svc: KubeObject, ports: SlicePort[], addressType: AddressType): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      generateName: `${svc.metadata.name}-`,
      namespace: svc.metadata.namespace ?? "",
      labels: sliceLabels(undefined, svc).labels,
      ownerReferences: [
        {
          apiVersion: "v1",
          kind: "Service",
          name: svc.metadata.name ?? "",
          uid: svc.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType,
    endpoints: [],
    ports,
  };
}
