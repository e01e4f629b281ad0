/**
 * Zone disruption (ComputeZoneState and handleDisruption in pkg/controller/nodelifecycle,
 * release-1.32): when many nodes of a zone stop at once, the fault is more likely the control
 * plane's view than the nodes, so the controller slows or stops NoExecute tainting instead of
 * evicting everything.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { readyStatus } from "./node-conditions.ts";

/** Nodes with this label do not count towards their zone's health. */
const EXCLUDE_DISRUPTION_LABEL = "node.kubernetes.io/exclude-disruption";
/** --unhealthy-zone-threshold: the share of not-Ready nodes that makes a zone partially disrupted. */
const UNHEALTHY_ZONE_THRESHOLD = 0.55;
/** --large-cluster-size-threshold: smaller zones stop tainting altogether when partially disrupted. */
const LARGE_CLUSTER_THRESHOLD = 50;

type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

export interface Disruption {
  /** Every zone is fully disrupted: all NoExecute node-controller taints are lifted. */
  evictionsStopped: boolean;
  /** Zones whose eviction rate is zero: no node there gets a new NoExecute taint. */
  pausedZones: ReadonlySet<string>;
}

/** nodetopology.GetZoneKey: region and zone labels ("" for kind-style nodes without them). */
export function zoneOf(node: KubeObject): string {
  const labels = node.metadata.labels ?? {};
  const region =
    labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  const zone =
    labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  return region === "" && zone === "" ? "" : `${region}:\u0000:${zone}`;
}

function zoneState(ready: number, notReady: number): ZoneState {
  if (ready === 0 && notReady > 0) return "FullDisruption";
  if (notReady > 2 && notReady / (notReady + ready) >= UNHEALTHY_ZONE_THRESHOLD) return "PartialDisruption";
  return "Normal";
}

export function computeDisruption(nodes: readonly KubeObject[]): Disruption {
  const zones = new Map<string, { ready: number; notReady: number }>();
  for (const node of nodes) {
    if (node.metadata.labels?.[EXCLUDE_DISRUPTION_LABEL] !== undefined) continue;
    const zone = zones.get(zoneOf(node)) ?? { ready: 0, notReady: 0 };
    if (readyStatus(node) === "True") zone.ready++;
    else zone.notReady++;
    zones.set(zoneOf(node), zone);
  }
  const states = [...zones].map(([zone, c]) => ({
    zone,
    size: c.ready + c.notReady,
    state: zoneState(c.ready, c.notReady),
  }));
  const evictionsStopped = states.length > 0 && states.every((z) => z.state === "FullDisruption");
  const pausedZones = new Set(
    states
      .filter((z) => z.state === "PartialDisruption" && z.size <= LARGE_CLUSTER_THRESHOLD)
      .map((z) => z.zone),
  );
  return { evictionsStopped, pausedZones };
}
