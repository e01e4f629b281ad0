/**
 * Node selection rules of a pod (k8s.io/component-helpers/scheduling/corev1/nodeaffinity):
 * spec.nodeSelector and nodeAffinity terms with In, NotIn, Exists, DoesNotExist, Gt, Lt on labels
 * and In/NotIn on the metadata.name field.
 */
import type { LabelOperator, LabelSelector } from "../../../apps/api/src/kube/selectors/index.ts";
import { matchesLabels } from "../../../apps/api/src/kube/selectors/index.ts";
import { newRequirement } from "../../../apps/api/src/kube/selectors/label-requirement.ts";
import { labelSelectorFromRequirements } from "../../../apps/api/src/kube/selectors/label-selector.ts";

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[] | null;
  matchFields?: NodeSelectorRequirement[] | null;
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

/** The node as the selection rules see it. */
export interface NodeIdentity {
  name: string;
  labels: Readonly<Record<string, string>>;
}

const OPERATORS: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
  Gt: "gt",
  Lt: "lt",
};

/** One parsed term; undefined when it cannot match anything (empty, or a requirement that does not parse). */
interface ParsedTerm {
  labels: LabelSelector;
  /** metadata.name In/NotIn: field values are node names, not label values, so they are kept apart. */
  names: { in: boolean; value: string }[];
}

function parseLabelRequirements(reqs: readonly NodeSelectorRequirement[]): LabelSelector | undefined {
  const parsed = [];
  for (const r of reqs) {
    const operator = OPERATORS[r.operator];
    if (!operator) return undefined;
    const { requirement, error } = newRequirement(r.key, operator, r.values ?? []);
    if (error !== undefined) return undefined;
    parsed.push(requirement);
  }
  return labelSelectorFromRequirements(parsed);
}

function parseTerm(term: NodeSelectorTerm): ParsedTerm | undefined {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects no node.
  if (expressions.length === 0 && fields.length === 0) return undefined;
  const labels = parseLabelRequirements(expressions);
  if (!labels) return undefined;
  const names: ParsedTerm["names"] = [];
  for (const f of fields) {
    // Only metadata.name is a supported field, with In/NotIn and exactly one value.
    if (f.key !== "metadata.name" || (f.operator !== "In" && f.operator !== "NotIn")) return undefined;
    if (f.values?.length !== 1) return undefined;
    names.push({ in: f.operator === "In", value: f.values[0] ?? "" });
  }
  return { labels, names };
}

function termMatches(term: ParsedTerm, node: NodeIdentity): boolean {
  return matchesLabels(term.labels, node.labels) && term.names.every((n) => (node.name === n.value) === n.in);
}

/** A compiled NodeSelector: its terms are ORed; a term that does not parse is ignored, as upstream. */
export class NodeSelectorMatcher {
  private readonly terms: ParsedTerm[];
  constructor(terms: readonly NodeSelectorTerm[]) {
    this.terms = terms.map(parseTerm).filter((t): t is ParsedTerm => t !== undefined);
  }
  matches(node: NodeIdentity): boolean {
    return this.terms.some((t) => termMatches(t, node));
  }
}

/** The weighted preferences of nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution. */
export class PreferredNodeTerms {
  private readonly terms: { weight: number; term: ParsedTerm }[];
  constructor(prefs: readonly PreferredSchedulingTerm[]) {
    this.terms = [];
    for (const p of prefs) {
      if (!p.weight) continue;
      const term = parseTerm(p.preference);
      if (term) this.terms.push({ weight: p.weight, term });
    }
  }
  get empty(): boolean {
    return this.terms.length === 0;
  }
  score(node: NodeIdentity): number {
    let total = 0;
    for (const { weight, term } of this.terms) if (termMatches(term, node)) total += weight;
    return total;
  }
}

/**
 * nodeaffinity.RequiredNodeAffinity: spec.nodeSelector AND the required node affinity terms, the
 * rule both the NodeAffinity filter and topology spreading apply.
 */
export class RequiredNodeAffinity {
  private readonly selector: Readonly<Record<string, string>> | undefined;
  private readonly affinity: NodeSelectorMatcher | undefined;
  /** metadata.name values every term pins the pod to (how DaemonSet pods name their node), if all do. */
  readonly nodeNames: Set<string> | undefined;

  constructor(
    nodeSelector: Record<string, string> | undefined,
    terms: readonly NodeSelectorTerm[] | undefined,
  ) {
    this.selector = nodeSelector && Object.keys(nodeSelector).length > 0 ? nodeSelector : undefined;
    this.affinity = terms ? new NodeSelectorMatcher(terms) : undefined;
    this.nodeNames = terms && terms.length > 0 ? pinnedNodeNames(terms) : undefined;
  }

  get empty(): boolean {
    return !this.selector && !this.affinity;
  }

  matches(node: NodeIdentity): boolean {
    if (this.selector) {
      for (const [key, value] of Object.entries(this.selector)) if (node.labels[key] !== value) return false;
    }
    return !this.affinity || this.affinity.matches(node);
  }
}

/**
 * NodeAffinity's PreFilter result: when every term has `metadata.name In (…)`, only those nodes can
 * match (their union over terms, intersected within a term); undefined when any term leaves all open.
 */
function pinnedNodeNames(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  const union = new Set<string>();
  for (const term of terms) {
    let names: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const values = new Set(r.values ?? []);
      names = names ? new Set([...names].filter((n) => values.has(n))) : values;
    }
    if (!names) return undefined;
    for (const n of names) union.add(n);
  }
  return union;
}
