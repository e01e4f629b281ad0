/**
 * The scheduler's view of one cluster for one scheduling pass (the scheduler cache's snapshot): nodes
 * with the pods bound to them and what those pods request. Each decision of the pass is assumed into
 * it, so the next pod of the same pass sees it, as kube-scheduler's assumed pods.
 *
 * Counting the pods that match a selector on each node is what affinity and spreading need for every
 * pending pod; those counts are cached by what they match and kept current on each assumption, so a
 * pass over P pending pods costs O(P × nodes), not O(P × pods).
 */
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import type { Taint } from "../controllers/shared/taints.ts";
import { type HostPort, hasPodAffinity, type PodInfo } from "./pod-info.ts";
import {
  addResources,
  allowedPodNumber,
  emptyResources,
  type Resources,
  resourcesFromList,
} from "./resources.ts";
import type { StorageView } from "./volumes.ts";

export interface NodeInfo {
  name: string;
  node: KubeObject;
  labels: Readonly<Record<string, string>>;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: Resources;
  allowedPods: number;
  /** Sum of the requests of the pods on the node. */
  requested: Resources;
  /** The same with the scoring defaults (100m cpu, 200Mi memory) for containers asking for nothing. */
  nonZeroRequested: Resources;
  pods: PodInfo[];
  usedPorts: HostPort[];
}

export type PodPredicate = (pod: PodInfo) => boolean;

interface CountEntry {
  matches: PodPredicate;
  perNode: Map<string, number>;
}

/** A pair (topology key, value) as one map key. */
export const topologyPair = (key: string, value: string) => `${key}\u0000${value}`;

export class ClusterSnapshot {
  readonly nodes: NodeInfo[];
  private readonly byName = new Map<string, NodeInfo>();
  /** Pods on nodes that carry inter-pod terms: the only ones whose terms can affect another pod. */
  readonly podsWithAffinity: PodInfo[] = [];
  private readonly counts = new Map<string, CountEntry>();

  constructor(
    nodes: readonly KubeObject[],
    boundPods: readonly PodInfo[],
    private readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>> = new Map(),
    /** Claims, volumes and classes: read only when a pending pod uses claims. */
    readonly storage?: StorageView,
  ) {
    this.nodes = nodes.map(nodeInfo);
    for (const n of this.nodes) this.byName.set(n.name, n);
    for (const p of boundPods) this.addPod(p, p.nodeName);
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** The labels of a namespace, for namespaceSelectors of affinity terms. */
  readonly namespaceLabels = (namespace: string): Readonly<Record<string, string>> | undefined =>
    this.namespaces.get(namespace);

  /** Records a decision of this pass: the pod now occupies the node. */
  assume(pod: PodInfo, nodeName: string): void {
    pod.nodeName = nodeName;
    this.addPod(pod, nodeName);
    for (const entry of this.counts.values()) {
      if (entry.matches(pod)) entry.perNode.set(nodeName, (entry.perNode.get(nodeName) ?? 0) + 1);
    }
  }

  /**
   * Per node, how many of its pods satisfy `matches`. `identity` must name exactly what `matches`
   * tests: the counts are computed once and shared by every pod asking the same question.
   */
  countMatching(identity: string, matches: PodPredicate): ReadonlyMap<string, number> {
    let entry = this.counts.get(identity);
    if (!entry) {
      const perNode = new Map<string, number>();
      for (const n of this.nodes) {
        let count = 0;
        for (const p of n.pods) if (matches(p)) count++;
        if (count > 0) perNode.set(n.name, count);
      }
      entry = { matches, perNode };
      this.counts.set(identity, entry);
    }
    return entry.perNode;
  }

  private addPod(pod: PodInfo, nodeName: string): void {
    // A pod on a node that does not exist (yet) takes no room anywhere the scheduler can place pods.
    const n = this.byName.get(nodeName);
    if (!n) return;
    n.pods.push(pod);
    addResources(n.requested, pod.requests);
    addResources(n.nonZeroRequested, pod.nonZeroRequests);
    n.usedPorts.push(...pod.hostPorts);
    if (hasPodAffinity(pod)) this.podsWithAffinity.push(pod);
  }
}

function nodeInfo(node: KubeObject): NodeInfo {
  const spec = (node.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
  const status = (node.status ?? {}) as {
    allocatable?: Record<string, unknown>;
    capacity?: Record<string, unknown>;
  };
  // A node without allocatable (as created by hand) offers its capacity, as the kubelet would report.
  const allocatable = status.allocatable ?? status.capacity;
  return {
    name: node.metadata.name ?? "",
    node,
    labels: node.metadata.labels ?? {},
    taints: spec.taints ?? [],
    unschedulable: spec.unschedulable === true,
    allocatable: resourcesFromList(allocatable),
    allowedPods: allowedPodNumber(allocatable),
    requested: emptyResources(),
    nonZeroRequested: emptyResources(),
    pods: [],
    usedPorts: [],
  };
}
