/**
 * InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity): required pod affinity and
 * anti-affinity of the incoming pod, the required anti-affinity of pods already placed, and the
 * preferred terms of both sides for scoring. Everything is counted per topology pair
 * (topologyKey, value of that label on the node) of the nodes the matching pods run on.
 */
import { type AffinityTerm, termMatchesPod } from "./affinity-terms.ts";
import type { PodInfo } from "./pod-info.ts";
import { type ClusterSnapshot, type NodeInfo, topologyPair } from "./snapshot.ts";

export const ERR_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH =
  "node(s) didn't satisfy existing pods anti-affinity rules";

/** Hard affinity of placed pods counts this much toward the incoming pod's score (hardPodAffinityWeight). */
const HARD_POD_AFFINITY_WEIGHT = 1;

type PairCounts = Map<string, number>;

function bump(counts: PairCounts, node: NodeInfo, topologyKey: string, by: number): void {
  const value = node.labels[topologyKey];
  if (value === undefined) return;
  const pair = topologyPair(topologyKey, value);
  counts.set(pair, (counts.get(pair) ?? 0) + by);
}

function termCounts(snapshot: ClusterSnapshot, term: AffinityTerm): ReadonlyMap<string, number> {
  return snapshot.countMatching(`term|${term.identity}`, (p) =>
    termMatchesPod(term, p, snapshot.namespaceLabels),
  );
}

export interface InterPodFilterState {
  pod: PodInfo;
  /** Placed pods whose required anti-affinity the incoming pod matches, per pair. */
  existingAntiAffinity: PairCounts;
  /** Placed pods matching all the incoming pod's required affinity terms, per pair of each term. */
  affinity: PairCounts;
  /** Placed pods matching each of the incoming pod's required anti-affinity terms, per pair. */
  antiAffinity: PairCounts;
}

/** PreFilter: undefined when nothing in the cluster or the pod makes affinity matter (Skip). */
export function interPodFilterState(
  snapshot: ClusterSnapshot,
  pod: PodInfo,
): InterPodFilterState | undefined {
  const existingAntiAffinity: PairCounts = new Map();
  for (const placed of snapshot.podsWithAffinity) {
    const node = snapshot.node(placed.nodeName);
    if (!node) continue;
    for (const term of placed.requiredAntiAffinity) {
      if (termMatchesPod(term, pod, snapshot.namespaceLabels))
        bump(existingAntiAffinity, node, term.topologyKey, 1);
    }
  }
  if (
    existingAntiAffinity.size === 0 &&
    pod.requiredAffinity.length === 0 &&
    pod.requiredAntiAffinity.length === 0
  )
    return undefined;

  const affinity: PairCounts = new Map();
  if (pod.requiredAffinity.length > 0) {
    const terms = pod.requiredAffinity;
    const perNode = snapshot.countMatching(`all-terms|${terms.map((t) => t.identity).join("&")}`, (p) =>
      terms.every((t) => termMatchesPod(t, p, snapshot.namespaceLabels)),
    );
    for (const [nodeName, count] of perNode) {
      const node = snapshot.node(nodeName);
      if (node) for (const t of terms) bump(affinity, node, t.topologyKey, count);
    }
  }
  const antiAffinity: PairCounts = new Map();
  for (const term of pod.requiredAntiAffinity) {
    for (const [nodeName, count] of termCounts(snapshot, term)) {
      const node = snapshot.node(nodeName);
      if (node) bump(antiAffinity, node, term.topologyKey, count);
    }
  }
  return { pod, existingAntiAffinity, affinity, antiAffinity };
}

function satisfiesPodAffinity(
  state: InterPodFilterState,
  node: NodeInfo,
  snapshot: ClusterSnapshot,
): boolean {
  let podsExist = true;
  for (const term of state.pod.requiredAffinity) {
    const value = node.labels[term.topologyKey];
    // All topology labels must exist on the node.
    if (value === undefined) return false;
    if ((state.affinity.get(topologyPair(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when no pod anywhere matches yet.
  return (
    state.affinity.size === 0 &&
    state.pod.requiredAffinity.every((t) => termMatchesPod(t, state.pod, snapshot.namespaceLabels))
  );
}

function satisfiesPodAntiAffinity(state: InterPodFilterState, node: NodeInfo): boolean {
  for (const term of state.pod.requiredAntiAffinity) {
    const value = node.labels[term.topologyKey];
    if (value !== undefined && (state.antiAffinity.get(topologyPair(term.topologyKey, value)) ?? 0) > 0)
      return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(state: InterPodFilterState, node: NodeInfo): boolean {
  if (state.existingAntiAffinity.size === 0) return true;
  for (const [key, value] of Object.entries(node.labels)) {
    if ((state.existingAntiAffinity.get(topologyPair(key, value)) ?? 0) > 0) return false;
  }
  return true;
}

/** Filter: affinity first (unresolvable), then the pod's anti-affinity, then that of placed pods. */
export function interPodFilter(
  state: InterPodFilterState,
  node: NodeInfo,
  snapshot: ClusterSnapshot,
): { unresolvable: boolean; reason: string } | undefined {
  if (!satisfiesPodAffinity(state, node, snapshot))
    return { unresolvable: true, reason: ERR_AFFINITY_RULES_NOT_MATCH };
  if (!satisfiesPodAntiAffinity(state, node))
    return { unresolvable: false, reason: ERR_ANTI_AFFINITY_RULES_NOT_MATCH };
  if (!satisfiesExistingAntiAffinity(state, node))
    return { unresolvable: false, reason: ERR_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH };
  return undefined;
}

/**
 * Score + NormalizeScore: per topology pair, + weight for each placed pod a preferred affinity term
 * of the incoming pod matches (- for anti-affinity), and the same for placed pods' preferred terms
 * (and hard affinity, weight 1) matching the incoming pod; scaled to 0–100 between min and max.
 */
export function interPodScores(
  snapshot: ClusterSnapshot,
  pod: PodInfo,
  nodes: readonly NodeInfo[],
): number[] {
  const scores: PairCounts = new Map();
  const weighted = [
    ...pod.preferredAffinity.map((w) => ({ ...w, sign: 1 })),
    ...pod.preferredAntiAffinity.map((w) => ({ ...w, sign: -1 })),
  ];
  for (const { weight, term, sign } of weighted) {
    for (const [nodeName, count] of termCounts(snapshot, term)) {
      const node = snapshot.node(nodeName);
      if (node) bump(scores, node, term.topologyKey, sign * weight * count);
    }
  }
  for (const placed of snapshot.podsWithAffinity) {
    const node = snapshot.node(placed.nodeName);
    if (!node) continue;
    const matches = (t: AffinityTerm) => termMatchesPod(t, pod, snapshot.namespaceLabels);
    for (const t of placed.requiredAffinity)
      if (matches(t)) bump(scores, node, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
    for (const w of placed.preferredAffinity)
      if (matches(w.term)) bump(scores, node, w.term.topologyKey, w.weight);
    for (const w of placed.preferredAntiAffinity)
      if (matches(w.term)) bump(scores, node, w.term.topologyKey, -w.weight);
  }
  if (scores.size === 0) return nodes.map(() => 0);

  const raw = nodes.map((n) => {
    let total = 0;
    for (const [key, value] of Object.entries(n.labels)) total += scores.get(topologyPair(key, value)) ?? 0;
    return total;
  });
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  return raw.map((s) => (max > min ? Math.floor((100 * (s - min)) / (max - min)) : 0));
}
