/**
 * The Filter extension point of the default profile (pkg/scheduler/apis/config/v1/default_plugins.go),
 * in its order: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
 * NodeResourcesFit, VolumeBinding, PodTopologySpread, InterPodAffinity. A node's status is that of
 * the first plugin rejecting it; the reasons feed the "0/N nodes are available" message.
 */

import {
  DO_NOT_SCHEDULE_EFFECTS,
  firstUntoleratedTaint,
  tolerationsTolerate,
} from "../controllers/shared/taints.ts";
import { type InterPodFilterState, interPodFilter, interPodFilterState } from "./inter-pod-affinity.ts";
import type { HostPort, PodInfo } from "./pod-info.ts";
import type { Resources } from "./resources.ts";
import type { ClusterSnapshot, NodeInfo } from "./snapshot.ts";
import { type SpreadFilterState, spreadFilter, spreadFilterState } from "./topology-spread.ts";
import { ERR_VOLUME_NODE_CONFLICT, type VolumeState, volumePreFilter } from "./volumes.ts";

export const ERR_NODE_UNSCHEDULABLE = "node(s) were unschedulable";
export const ERR_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/**
 * Unschedulable: removing pods (preemption) might help. UnschedulableAndUnresolvable: it cannot.
 */
export type StatusCode = "Unschedulable" | "UnschedulableAndUnresolvable";

export interface FilterStatus {
  code: StatusCode;
  reasons: string[];
}

const unresolvable = (...reasons: string[]): FilterStatus => ({
  code: "UnschedulableAndUnresolvable",
  reasons,
});
const unschedulable = (...reasons: string[]): FilterStatus => ({ code: "Unschedulable", reasons });

/** NodeUnschedulable: a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable. */
export function nodeUnschedulableFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  if (!node.unschedulable) return undefined;
  const tolerated = tolerationsTolerate(pod.tolerations, {
    key: "node.kubernetes.io/unschedulable",
    effect: "NoSchedule",
  });
  return tolerated ? undefined : unresolvable(ERR_NODE_UNSCHEDULABLE);
}

/** NodeName: a pod that names its node (spec.nodeName) fits only there; the pods here have none. */
export function nodeNameFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  return pod.nodeName && pod.nodeName !== node.name ? unresolvable(ERR_NODE_NAME) : undefined;
}

/** TaintToleration: the first NoSchedule/NoExecute taint the pod does not tolerate. */
export function taintTolerationFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  const taint = firstUntoleratedTaint(node.taints, pod.tolerations, DO_NOT_SCHEDULE_EFFECTS);
  return taint
    ? unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`)
    : undefined;
}

/** NodeAffinity: spec.nodeSelector and required node affinity. */
export function nodeAffinityFilter(pod: PodInfo, node: NodeInfo): FilterStatus | undefined {
  return pod.requiredNodeAffinity.matches(node) ? undefined : unresolvable(ERR_NODE_AFFINITY);
}

/** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every address of the same protocol and port. */
function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.protocol !== b.protocol || a.port !== b.port) return false;
  return a.hostIP === b.hostIP || a.hostIP === "0.0.0.0" || b.hostIP === "0.0.0.0";
}

/** NodePorts: host ports already taken on the node. */
export function nodePortsFilter(
  pod: PodInfo,
  node: NodeInfo,
  usedPorts = node.usedPorts,
): FilterStatus | undefined {
  if (pod.hostPorts.length === 0) return undefined;
  const conflict = pod.hostPorts.some((want) => usedPorts.some((used) => portsConflict(want, used)));
  return conflict ? unschedulable(ERR_NODE_PORTS) : undefined;
}

/** What NodeResourcesFit compares a pod against: the node, possibly with some pods taken away. */
export interface NodeUsage {
  requested: Resources;
  podCount: number;
}

/**
 * NodeResourcesFit (fitsRequest): pod count first, then cpu, memory, ephemeral storage and the
 * scalar resources the pod asks for, each against allocatable minus what bound pods request.
 */
export function nodeResourcesFitFilter(
  pod: PodInfo,
  node: NodeInfo,
  usage: NodeUsage = { requested: node.requested, podCount: node.pods.length },
): FilterStatus | undefined {
  const reasons: string[] = [];
  if (usage.podCount + 1 > node.allowedPods) reasons.push("Too many pods");
  const want = pod.requests;
  const have = node.allocatable;
  const used = usage.requested;
  if (want.milliCpu > 0 && want.milliCpu > have.milliCpu - used.milliCpu) reasons.push("Insufficient cpu");
  if (want.memory > 0 && want.memory > have.memory - used.memory) reasons.push("Insufficient memory");
  if (want.ephemeralStorage > 0 && want.ephemeralStorage > have.ephemeralStorage - used.ephemeralStorage)
    reasons.push("Insufficient ephemeral-storage");
  // Upstream ranges over a map here; sorted names keep the message stable.
  for (const name of [...want.scalar.keys()].sort()) {
    const quantity = want.scalar.get(name) ?? 0;
    if (quantity === 0) continue;
    if (quantity > (have.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0))
      reasons.push(`Insufficient ${name}`);
  }
  return reasons.length > 0 ? unschedulable(...reasons) : undefined;
}

/** The per-pod precomputation of the PreFilter extension point (the cycle state). */
export interface CycleState {
  pod: PodInfo;
  snapshot: ClusterSnapshot;
  spread: SpreadFilterState | undefined;
  interPod: InterPodFilterState | undefined;
  volumes: VolumeState | undefined;
  /** A PreFilter's rejection of the pod as a whole (VolumeBinding: a claim missing or unbound). */
  rejection?: FilterStatus;
}

export function preFilter(snapshot: ClusterSnapshot, pod: PodInfo): CycleState {
  const volumes = volumePreFilter(pod, snapshot.storage);
  const state: CycleState = {
    pod,
    snapshot,
    spread: spreadFilterState(snapshot, pod),
    interPod: interPodFilterState(snapshot, pod),
    volumes: volumes && "nodeAffinities" in volumes ? volumes : undefined,
  };
  if (volumes && "message" in volumes) state.rejection = unresolvable(volumes.message);
  return state;
}

/** VolumeBinding's filter: the node must satisfy the node affinity of every bound volume. */
export function volumeBindingFilter(state: CycleState, node: NodeInfo): FilterStatus | undefined {
  const conflict = state.volumes?.nodeAffinities.some((affinity) => !affinity.matches(node));
  return conflict ? unresolvable(ERR_VOLUME_NODE_CONFLICT) : undefined;
}

/** The node-local plugins, whose verdict depends only on the node and what runs on it. */
export function runNodeLocalFilters(pod: PodInfo, node: NodeInfo, usage?: NodeUsage, usedPorts?: HostPort[]) {
  return (
    nodeUnschedulableFilter(pod, node) ??
    nodeNameFilter(pod, node) ??
    taintTolerationFilter(pod, node) ??
    nodeAffinityFilter(pod, node) ??
    nodePortsFilter(pod, node, usedPorts) ??
    nodeResourcesFitFilter(pod, node, usage)
  );
}

/** The plugins that look at pods across nodes: PodTopologySpread, InterPodAffinity. */
export function runClusterWideFilters(state: CycleState, node: NodeInfo): FilterStatus | undefined {
  if (state.spread) {
    const r = spreadFilter(state.spread, state.pod, node);
    if (r) return r.unresolvable ? unresolvable(r.reason) : unschedulable(r.reason);
  }
  if (state.interPod) {
    const r = interPodFilter(state.interPod, node, state.snapshot);
    if (r) return r.unresolvable ? unresolvable(r.reason) : unschedulable(r.reason);
  }
  return undefined;
}

/** RunFilterPlugins: the first rejecting plugin's status, or undefined when the node fits. */
export function runFilters(state: CycleState, node: NodeInfo): FilterStatus | undefined {
  if (state.rejection) return state.rejection;
  return (
    runNodeLocalFilters(state.pod, node) ??
    volumeBindingFilter(state, node) ??
    runClusterWideFilters(state, node)
  );
}

/** Why no node fits (framework.Diagnosis): a status per rejected node, and one for nodes never tried. */
export interface Diagnosis {
  statuses: Map<string, FilterStatus>;
  /** The status of nodes the PreFilter ruled out before filtering (absent from `statuses`). */
  absent?: FilterStatus;
  /** Set when a PreFilter rejected the pod outright: the message replaces the per-node histogram. */
  preFilterMessage?: string;
}

/**
 * findNodesThatFitPod: PreFilter (NodeAffinity narrows to nodes named by metadata.name, as
 * DaemonSet pods ask), then Filter on every candidate node.
 */
export function findFeasibleNodes(
  snapshot: ClusterSnapshot,
  pod: PodInfo,
): { state: CycleState; feasible: NodeInfo[]; diagnosis: Diagnosis } {
  const state = preFilter(snapshot, pod);
  if (state.rejection) {
    // Every node gets the PreFilter's status, and its message stands for them all.
    const rejected: Diagnosis = {
      statuses: new Map(),
      absent: state.rejection,
      preFilterMessage: state.rejection.reasons[0],
    };
    return { state, feasible: [], diagnosis: rejected };
  }
  const diagnosis: Diagnosis = { statuses: new Map() };
  let candidates = snapshot.nodes;
  const pinned = pod.requiredNodeAffinity.nodeNames;
  if (pinned?.size === 0) {
    // Every term names nodes, and each term's names exclude each other.
    const status = unresolvable("pod affinity terms conflict");
    return {
      state,
      feasible: [],
      diagnosis: { statuses: new Map(), absent: status, preFilterMessage: status.reasons[0] },
    };
  }
  if (pinned) {
    candidates = snapshot.nodes.filter((n) => pinned.has(n.name));
    diagnosis.absent = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  }
  const feasible: NodeInfo[] = [];
  for (const node of candidates) {
    const status = runFilters(state, node);
    if (status) diagnosis.statuses.set(node.name, status);
    else feasible.push(node);
  }
  return { state, feasible, diagnosis };
}
