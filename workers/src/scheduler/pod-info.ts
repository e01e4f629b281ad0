/**
 * A pod as the scheduler reads it, parsed once per scheduling pass (framework.PodInfo): requests,
 * host ports, tolerations, node and pod (anti-)affinity, spread constraints, priority.
 */
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import {
  type LabelSelector,
  type LabelSelectorObject,
  NOTHING_LABELS,
  selectorFromLabelSelector,
} from "../../../apps/api/src/kube/selectors/index.ts";
import { labelSelectorFromRequirements } from "../../../apps/api/src/kube/selectors/label-selector.ts";
import { controllerOf } from "../controllers/shared/owners.ts";
import { isPodTerminal } from "../controllers/shared/pods.ts";
import type { Toleration } from "../controllers/shared/taints.ts";
import {
  type AffinityTerm,
  affinityTerms,
  type WeightedAffinityTerm,
  weightedAffinityTerms,
} from "./affinity-terms.ts";
import {
  type NodeSelectorTerm,
  PreferredNodeTerms,
  type PreferredSchedulingTerm,
  RequiredNodeAffinity,
} from "./node-selector.ts";
import { podRequests, type Resources } from "./resources.ts";
import { type PodClaim, podClaims } from "./volumes.ts";

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  hard: boolean;
  selector: LabelSelector;
  minDomains: number;
  /** Whether nodes the pod's node affinity excludes are left out of the domains (default Honor). */
  honorNodeAffinity: boolean;
  /** Whether nodes with taints the pod does not tolerate are left out (default Ignore). */
  honorNodeTaints: boolean;
}

export interface PodInfo {
  pod: KubeObject;
  uid: string;
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  nodeName: string;
  priority: number;
  /** Milliseconds since the epoch: the queue orders equal priorities by it. */
  createdAt: number;
  terminating: boolean;
  requests: Resources;
  /** Requests with the scoring defaults for containers that ask for nothing. */
  nonZeroRequests: Resources;
  hostPorts: HostPort[];
  tolerations: Toleration[];
  requiredNodeAffinity: RequiredNodeAffinity;
  preferredNodeAffinity: PreferredNodeTerms;
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  spreadConstraints: SpreadConstraint[];
  /** The uid of the controller owning the pod (ReplicaSet, StatefulSet, Job …): default spreading groups by it. */
  ownerUid: string | undefined;
  preemptNever: boolean;
  /** The PersistentVolumeClaims the pod mounts. */
  claims: PodClaim[];
}

interface ContainerPorts {
  ports?: { hostPort?: number; hostIP?: string; protocol?: string }[];
  restartPolicy?: string;
}

interface PodSpecShape {
  nodeName?: string;
  priority?: number;
  preemptionPolicy?: string;
  containers?: ContainerPorts[];
  initContainers?: ContainerPorts[];
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } | null;
      preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
    };
    podAffinity?: PodAffinityShape;
    podAntiAffinity?: PodAffinityShape;
  };
  topologySpreadConstraints?: {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector?: LabelSelectorObject | null;
    minDomains?: number;
    nodeAffinityPolicy?: string;
    nodeTaintsPolicy?: string;
    matchLabelKeys?: string[];
  }[];
}

interface PodAffinityShape {
  requiredDuringSchedulingIgnoredDuringExecution?: unknown;
  preferredDuringSchedulingIgnoredDuringExecution?: unknown;
}

/** Host ports of containers and sidecars: the ones a node can only hand out once (NodePorts). */
function hostPortsOf(spec: PodSpecShape): HostPort[] {
  const out: HostPort[] = [];
  const containers = [
    ...(spec.containers ?? []),
    ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ hostIP: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  return out;
}

/**
 * PodTopologySpread's constraints with matchLabelKeys merged into the selector (the scheduler does
 * that in 1.32: each listed key the pod carries is pinned to the pod's value).
 */
function spreadConstraintsOf(
  spec: PodSpecShape,
  labels: Readonly<Record<string, string>>,
): SpreadConstraint[] {
  return (spec.topologySpreadConstraints ?? []).map((c) => {
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(c.labelSelector);
      const pinned = (c.matchLabelKeys ?? [])
        .filter((k) => labels[k] !== undefined)
        .map((k) => ({ key: k, operator: "in" as const, values: [labels[k] as string] }));
      if (pinned.length > 0 && !selector.nothing)
        selector = labelSelectorFromRequirements([...selector.requirements, ...pinned]);
    } catch {
      selector = NOTHING_LABELS;
    }
    return {
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      hard: c.whenUnsatisfiable !== "ScheduleAnyway",
      selector,
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
      honorNodeTaints: c.nodeTaintsPolicy === "Honor",
    };
  });
}

export function podInfo(pod: KubeObject): PodInfo {
  const spec = (pod.spec ?? {}) as PodSpecShape;
  const meta = pod.metadata;
  const namespace = meta.namespace ?? "";
  const labels = meta.labels ?? {};
  const nodeAffinity = spec.affinity?.nodeAffinity;
  const podAffinity = spec.affinity?.podAffinity;
  const podAntiAffinity = spec.affinity?.podAntiAffinity;
  const required = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    pod,
    uid: meta.uid ?? `${namespace}/${meta.name}`,
    namespace,
    name: meta.name ?? "",
    labels,
    nodeName: spec.nodeName ?? "",
    priority: spec.priority ?? 0,
    createdAt: Date.parse(meta.creationTimestamp ?? "") || 0,
    terminating: Boolean(meta.deletionTimestamp),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts: hostPortsOf(spec),
    tolerations: spec.tolerations ?? [],
    requiredNodeAffinity: new RequiredNodeAffinity(
      spec.nodeSelector,
      required ? (required.nodeSelectorTerms ?? []) : undefined,
    ),
    preferredNodeAffinity: new PreferredNodeTerms(
      nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
    ),
    requiredAffinity: affinityTerms(namespace, podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinity: affinityTerms(
      namespace,
      podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
    ),
    preferredAffinity: weightedAffinityTerms(
      namespace,
      podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ),
    preferredAntiAffinity: weightedAffinityTerms(
      namespace,
      podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ),
    spreadConstraints: spreadConstraintsOf(spec, labels),
    ownerUid: controllerOf(pod)?.uid,
    preemptNever: spec.preemptionPolicy === "Never",
    claims: podClaims(pod),
  };
}

/** Whether the pod carries any inter-pod term other pods' placement must consult. */
export function hasPodAffinity(p: PodInfo): boolean {
  return (
    p.requiredAffinity.length > 0 ||
    p.requiredAntiAffinity.length > 0 ||
    p.preferredAffinity.length > 0 ||
    p.preferredAntiAffinity.length > 0
  );
}

/** A pod occupying its node in the scheduler's view: bound, and not finished (the informer drops those). */
export function occupiesNode(pod: KubeObject): boolean {
  return Boolean((pod.spec as { nodeName?: string } | undefined)?.nodeName) && !isPodTerminal(pod);
}
