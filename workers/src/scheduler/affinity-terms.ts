/**
 * Inter-pod affinity terms (pkg/scheduler/framework/types.go `AffinityTerm`): which pods a term
 * selects (label selector within a set of namespaces or a namespace selector) and the node label
 * that defines "the same place" (topologyKey).
 */
import {
  type LabelSelector,
  type LabelSelectorObject,
  labelSelectorToString,
  matchesLabels,
  NOTHING_LABELS,
  selectorFromLabelSelector,
} from "../../../apps/api/src/kube/selectors/index.ts";

export interface PodAffinityTermObject {
  labelSelector?: LabelSelectorObject | null;
  namespaces?: string[] | null;
  namespaceSelector?: LabelSelectorObject | null;
  topologyKey: string;
}

export interface WeightedPodAffinityTermObject {
  weight: number;
  podAffinityTerm: PodAffinityTermObject;
}

/** What a term needs to know of a pod. */
export interface LabelledPod {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  /** labels.Nothing() when the term has no namespaceSelector. */
  namespaceSelector: LabelSelector;
  selector: LabelSelector;
  topologyKey: string;
  /** Identifies what the term selects, so counts of matching pods can be shared between pods. */
  identity: string;
}

export interface WeightedAffinityTerm {
  weight: number;
  term: AffinityTerm;
}

/** Upstream fails a pod whose own terms do not parse; validation makes that all but impossible. */
function safeSelector(ls: LabelSelectorObject | null | undefined): LabelSelector {
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    return NOTHING_LABELS;
  }
}

function selectorIdentity(s: LabelSelector): string {
  return s.nothing ? "<nothing>" : labelSelectorToString(s);
}

/** newAffinityTerm: no namespaces and no namespace selector means the pod's own namespace. */
export function affinityTerm(ownNamespace: string, t: PodAffinityTermObject): AffinityTerm {
  const listed = t.namespaces ?? [];
  const namespaces = new Set(listed.length === 0 && !t.namespaceSelector ? [ownNamespace] : listed);
  const namespaceSelector = safeSelector(t.namespaceSelector);
  const selector = safeSelector(t.labelSelector);
  const identity = [
    [...namespaces].sort().join(","),
    selectorIdentity(namespaceSelector),
    selectorIdentity(selector),
  ].join("|");
  return { namespaces, namespaceSelector, selector, topologyKey: t.topologyKey, identity };
}

/** AffinityTerm.Matches: in one of the term's namespaces (or one its selector picks) and labels match. */
export function termMatchesPod(
  term: AffinityTerm,
  pod: LabelledPod,
  namespaceLabels: (namespace: string) => Readonly<Record<string, string>> | undefined,
): boolean {
  const inNamespace =
    term.namespaces.has(pod.namespace) ||
    (!term.namespaceSelector.nothing &&
      matchesLabels(term.namespaceSelector, namespaceLabels(pod.namespace)));
  return inNamespace && matchesLabels(term.selector, pod.labels);
}

export function affinityTerms(ownNamespace: string, terms: unknown): AffinityTerm[] {
  return Array.isArray(terms)
    ? (terms as PodAffinityTermObject[]).map((t) => affinityTerm(ownNamespace, t))
    : [];
}

export function weightedAffinityTerms(ownNamespace: string, terms: unknown): WeightedAffinityTerm[] {
  if (!Array.isArray(terms)) return [];
  return (terms as WeightedPodAffinityTermObject[])
    .filter((t) => t.weight && t.podAffinityTerm)
    .map((t) => ({ weight: t.weight, term: affinityTerm(ownNamespace, t.podAffinityTerm) }));
}
