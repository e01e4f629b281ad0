/**
 * Which nodes a DaemonSet runs on (daemon_controller.go NodeShouldRunDaemonPod, predicates;
 * util/daemonset_util.go; release-1.32): the template's nodeName, nodeSelector and required node
 * affinity, and the node's taints against the template's tolerations plus the ones every daemon
 * pod gets.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { podFitsNodeAffinity } from "../shared/node-affinity.ts";
import { type Taint, type Toleration, taintsOf, toleratesTaint } from "../shared/taints.ts";
import { specOf } from "./types.ts";

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods stay on not-ready and unreachable nodes and ignore
 * the node-condition taints (and network-unavailable with hostNetwork).
 */
export function addDaemonPodTolerations(spec: Record<string, unknown>): void {
  const wanted: Toleration[] = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ];
  if (spec.hostNetwork === true) {
    wanted.push({ key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" });
  }
  const tolerations = Array.isArray(spec.tolerations) ? [...(spec.tolerations as Toleration[])] : [];
  for (const toleration of wanted) {
    // AddOrUpdateTolerationInPodSpec: a toleration with the same key, operator and effect is replaced.
    const same = tolerations.findIndex(
      (t) =>
        (t.key ?? "") === toleration.key &&
        (t.operator ?? "Equal") === "Exists" &&
        (t.effect ?? "") === toleration.effect,
    );
    if (same >= 0) tolerations[same] = toleration;
    else tolerations.push(toleration);
  }
  spec.tolerations = tolerations;
}

/** The first taint with one of `effects` that no toleration tolerates. */
function untoleratedTaint(taints: Taint[], tolerations: Toleration[], effects: string[]): Taint | undefined {
  return taints.find(
    (taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)),
  );
}

export interface NodeFit {
  /** A daemon pod should be created on the node if it has none. */
  shouldRun: boolean;
  /** A daemon pod already there may stay (it tolerates every NoExecute taint). */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod. */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): NodeFit {
  const podSpec = structuredClone(specOf(ds).template?.spec ?? {}) as Record<string, unknown>;
  const nodeName = typeof podSpec.nodeName === "string" ? podSpec.nodeName : "";
  if (nodeName !== "" && nodeName !== node.metadata.name)
    return { shouldRun: false, shouldContinueRunning: false };
  addDaemonPodTolerations(podSpec);
  if (!podFitsNodeAffinity(podSpec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = taintsOf(node);
  const tolerations = podSpec.tolerations as Toleration[];
  if (untoleratedTaint(taints, tolerations, ["NoExecute", "NoSchedule"])) {
    return { shouldRun: false, shouldContinueRunning: !untoleratedTaint(taints, tolerations, ["NoExecute"]) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

interface AffinitySpec {
  nodeName?: string;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[];
      };
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes
 * `metadata.name In [node]`, so the scheduler can only bind it there.
 */
export function pinToNode(spec: Record<string, unknown>, node: string): void {
  const s = spec as AffinitySpec;
  const required = {
    nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
  };
  s.affinity = {
    ...(s.affinity ?? {}),
    nodeAffinity: {
      ...(s.affinity?.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: required,
    },
  };
}

/** GetTargetNodeName: the bound node, or the one the pod's affinity pins it to. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as AffinitySpec;
  if (spec.nodeName) return spec.nodeName;
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const field of term.matchFields ?? []) {
      if (field.key === "metadata.name" && field.operator === "In") {
        return field.values?.length === 1 ? field.values[0] : undefined;
      }
    }
  }
  return undefined;
}
