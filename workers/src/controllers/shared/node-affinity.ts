/**
 * Required node affinity as the DaemonSet controller and the volume binder evaluate it
 * (component-helpers/scheduling/corev1/nodeaffinity, release-1.32): a pod's nodeSelector plus its
 * requiredDuringSchedulingIgnoredDuringExecution terms, and a PersistentVolume's nodeAffinity.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

interface PodSpecPart {
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    };
  };
}

/** The terms are ORed; a term's requirements are ANDed; a term with no requirement matches nothing. */
export function matchesNodeSelectorTerms(terms: readonly NodeSelectorTerm[], node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const fields: Record<string, string> = { "metadata.name": node.metadata.name ?? "" };
  return terms.some((term) => {
    const expressions = term.matchExpressions ?? [];
    const matchFields = term.matchFields ?? [];
    if (expressions.length === 0 && matchFields.length === 0) return false;
    return (
      expressions.every((r) => matchesRequirement(r, labels)) &&
      matchFields.every((r) => matchesRequirement(r, fields))
    );
  });
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required terms. */
export function podFitsNodeAffinity(spec: unknown, node: KubeObject): boolean {
  const pod = (spec ?? {}) as PodSpecPart;
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(pod.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return matchesNodeSelectorTerms(required.nodeSelectorTerms ?? [], node);
}

function matchesRequirement(req: NodeSelectorRequirement, set: Record<string, string>): boolean {
  const has = Object.hasOwn(set, req.key);
  const value = set[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return has && values.includes(value ?? "");
    case "NotIn":
      return !has || !values.includes(value ?? "");
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || values.length !== 1) return false;
      const actual = Number.parseInt(value ?? "", 10);
      const bound = Number.parseInt(values[0] ?? "", 10);
      if (Number.isNaN(actual) || Number.isNaN(bound)) return false;
      return req.operator === "Gt" ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}
