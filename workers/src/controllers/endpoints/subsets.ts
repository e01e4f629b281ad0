/**
 * A Service's Endpoints subsets as pkg/controller/endpoint computes them (syncService,
 * podToEndpointAddressForService, addEndpointSubset) and pkg/api/v1/endpoints RepackSubsets packs
 * them: one subset per distinct set of addresses, carrying every port those addresses share.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodReady } from "../shared/pods.ts";
import {
  findPort,
  hasClusterIP,
  hostnameFor,
  ipFamilyOf,
  podIPs,
  podSpec,
  serviceSpec,
  shouldPodBeInEndpoints,
} from "../shared/service-endpoints.ts";
import { podTargetRef } from "../shared/service-pod-sync.ts";

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** The most addresses an Endpoints object holds (maxCapacity); beyond, it is truncated. */
export const MAX_ADDRESSES = 1000;

export interface DesiredSubsets {
  subsets: EndpointSubset[];
  /** Each included pod's uid and whether it is listed as ready. */
  readiness: Map<string, boolean>;
}

/** The address of `pod` in the Service's primary IP family, or undefined if it has none. */
function addressFor(svc: KubeObject, pod: KubeObject): EndpointAddress | undefined {
  const spec = serviceSpec(svc);
  const ips = podIPs(pod);
  const family =
    spec.ipFamilies?.[0] ?? (hasClusterIP(svc) ? ipFamilyOf(spec.clusterIP ?? "") : ipFamilyOf(ips[0] ?? ""));
  const ip = ips.find((candidate) => ipFamilyOf(candidate) === family);
  if (!ip) return undefined;
  const nodeName = podSpec(pod).nodeName;
  const hostname = hostnameFor(pod, svc);
  return {
    ip,
    ...(hostname ? { hostname } : {}),
    ...(nodeName ? { nodeName } : {}),
    targetRef: podTargetRef(pod),
  };
}

/** One address offered on one port (or on none: a headless Service without ports). */
interface Offer {
  address: EndpointAddress;
  ready: boolean;
  port?: EndpointPort;
}

export function desiredSubsets(svc: KubeObject, pods: readonly KubeObject[]): DesiredSubsets {
  const spec = serviceSpec(svc);
  const tolerateUnready = spec.publishNotReadyAddresses === true;
  const servicePorts = spec.ports ?? [];
  const offers: Offer[] = [];
  const readiness = new Map<string, boolean>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const address = addressFor(svc, pod);
    if (!address) continue;
    const ready = tolerateUnready || isPodReady(pod);
    const before = offers.length;
    if (servicePorts.length === 0) {
      // A headless Service may have no ports; any other Service without ports gets no addresses.
      if (hasClusterIP(svc)) continue;
      offers.push({ address, ready });
    } else {
      for (const servicePort of servicePorts) {
        const number = findPort(pod, servicePort);
        if (number === undefined) continue;
        offers.push({
          address,
          ready,
          port: {
            ...(servicePort.name ? { name: servicePort.name } : {}),
            port: number,
            protocol: servicePort.protocol ?? "TCP",
            ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
          },
        });
      }
    }
    if (offers.length > before) readiness.set(pod.metadata.uid ?? "", ready);
  }
  return { subsets: repack(offers), readiness };
}

const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ""}`;
const portKey = (p: EndpointPort | undefined) =>
  p ? JSON.stringify([p.name ?? "", p.port, p.protocol, p.appProtocol ?? ""]) : "";

/** RepackSubsets: group ports by the exact set of (address, ready) offering them. */
function repack(offers: readonly Offer[]): EndpointSubset[] {
  const byPort = new Map<string, { port?: EndpointPort; addresses: Map<string, Offer> }>();
  for (const offer of offers) {
    const key = portKey(offer.port);
    let entry = byPort.get(key);
    if (!entry) {
      entry = { ...(offer.port ? { port: offer.port } : {}), addresses: new Map() };
      byPort.set(key, entry);
    }
    const addrKey = addressKey(offer.address);
    const previous = entry.addresses.get(addrKey);
    if (!previous?.ready) entry.addresses.set(addrKey, offer);
  }
  const bySet = new Map<string, { offers: Offer[]; ports: EndpointPort[] }>();
  for (const { port, addresses } of byPort.values()) {
    const members = [...addresses.values()];
    const signature = members
      .map((o) => `${addressKey(o.address)}=${o.ready}`)
      .sort()
      .join(",");
    let group = bySet.get(signature);
    if (!group) {
      group = { offers: members, ports: [] };
      bySet.set(signature, group);
    }
    if (port) group.ports.push(port);
  }
  const subsets = [...bySet.values()].map(({ offers: members, ports }): EndpointSubset => {
    const ready = members.filter((o) => o.ready).map((o) => o.address);
    const notReady = members.filter((o) => !o.ready).map((o) => o.address);
    return {
      ...(ready.length ? { addresses: ready.sort(compareAddresses) } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady.sort(compareAddresses) } : {}),
      ...(ports.length ? { ports: ports.sort((a, b) => portKey(a).localeCompare(portKey(b))) } : {}),
    };
  });
  // Upstream orders subsets by a hash of their content; any stable order serves the same purpose.
  return subsets.sort((a, b) => subsetOrderKey(a).localeCompare(subsetOrderKey(b)));
}

function subsetOrderKey(s: EndpointSubset): string {
  return JSON.stringify([s.ports ?? [], (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? ""]);
}

/** addrsByIPAndUID: by IP (as bytes), then pod uid. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  const byIp = compareIps(a.ip, b.ip);
  if (byIp !== 0) return byIp;
  return (a.targetRef?.uid ?? "").localeCompare(b.targetRef?.uid ?? "");
}

function compareIps(a: string, b: string): number {
  const octets = (ip: string) => ip.split(".").map(Number);
  if (ipFamilyOf(a) === "IPv4" && ipFamilyOf(b) === "IPv4") {
    const [x, y] = [octets(a), octets(b)];
    for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  }
  return a.localeCompare(b);
}

/**
 * truncateEndpoints: keeps at most MAX_ADDRESSES addresses, ready ones first, each subset keeping
 * its share. Returns whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const count = (list: "addresses" | "notReadyAddresses") =>
    subsets.reduce((n, s) => n + (s[list]?.length ?? 0), 0);
  const totalReady = count("addresses");
  const totalNotReady = count("notReadyAddresses");
  if (totalReady + totalNotReady <= MAX_ADDRESSES) return false;
  const truncateReady = totalReady > MAX_ADDRESSES;
  const max = truncateReady ? MAX_ADDRESSES : MAX_ADDRESSES - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let room = max;
  for (const subset of subsets) {
    const list = truncateReady ? "addresses" : "notReadyAddresses";
    const share = Math.min(Math.ceil(((subset[list]?.length ?? 0) / total) * max), room);
    const kept = (subset[list] ?? []).slice(0, share);
    if (kept.length) subset[list] = kept;
    else delete subset[list];
    if (truncateReady) delete subset.notReadyAddresses;
    room -= kept.length;
  }
  const emptied = subsets.filter((s) => !s.addresses && !s.notReadyAddresses);
  for (const subset of emptied) subsets.splice(subsets.indexOf(subset), 1);
  return true;
}
