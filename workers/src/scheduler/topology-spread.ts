/**
 * PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread): the filter enforces the
 * pod's DoNotSchedule constraints; the score prefers the least crowded domains for ScheduleAnyway
 * constraints, or, for pods without any constraint, the cluster defaults (spread the pods of one
 * owner over hostnames with maxSkew 3 and zones with maxSkew 5).
 */
import { matchesLabels } from "../../../apps/api/src/kube/selectors/index.ts";
import { DO_NOT_SCHEDULE_EFFECTS, firstUntoleratedTaint } from "../controllers/shared/taints.ts";
import type { PodInfo, SpreadConstraint } from "./pod-info.ts";
import { type ClusterSnapshot, type NodeInfo, topologyPair } from "./snapshot.ts";

export const ERR_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_NODE_LABEL_NOT_MATCH = `${ERR_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = "kubernetes.io/hostname";
export const LABEL_ZONE = "topology.kubernetes.io/zone";

/** What the filter and score need per constraint: matching pods per domain among eligible nodes. */
interface ConstraintCounts {
  constraint: SpreadConstraint;
  perNode: ReadonlyMap<string, number>;
  perDomain: Map<string, number>;
}

/** countPodsMatchSelector: same namespace, selector matches, not terminating. */
function podsMatching(
  snapshot: ClusterSnapshot,
  pod: PodInfo,
  c: SpreadConstraint,
): ReadonlyMap<string, number> {
  const identity = `spread|${pod.namespace}|${c.selector.nothing ? "<nothing>" : JSON.stringify(c.selector.requirements)}`;
  return snapshot.countMatching(
    identity,
    (p) => !p.terminating && p.namespace === pod.namespace && matchesLabels(c.selector, p.labels),
  );
}

function hasAllKeys(node: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  return constraints.every((c) => node.labels[c.topologyKey] !== undefined);
}

/** Node inclusion policies: nodes the pod could never go to do not count as domains. */
function eligible(node: NodeInfo, pod: PodInfo, c: SpreadConstraint): boolean {
  if (c.honorNodeAffinity && !pod.requiredNodeAffinity.matches(node)) return false;
  if (c.honorNodeTaints && firstUntoleratedTaint(node.taints, pod.tolerations, DO_NOT_SCHEDULE_EFFECTS))
    return false;
  return true;
}

function countConstraints(
  snapshot: ClusterSnapshot,
  pod: PodInfo,
  constraints: readonly SpreadConstraint[],
  nodes: readonly NodeInfo[],
  requireAllKeys: boolean,
): ConstraintCounts[] {
  const counts = constraints.map((constraint) => ({
    constraint,
    perNode: podsMatching(snapshot, pod, constraint),
    perDomain: new Map<string, number>(),
  }));
  for (const node of nodes) {
    if (requireAllKeys && !hasAllKeys(node, constraints)) continue;
    for (const c of counts) {
      const value = node.labels[c.constraint.topologyKey];
      if (value === undefined || !eligible(node, pod, c.constraint)) continue;
      const pair = topologyPair(c.constraint.topologyKey, value);
      c.perDomain.set(pair, (c.perDomain.get(pair) ?? 0) + (c.perNode.get(node.name) ?? 0));
    }
  }
  return counts;
}

export interface SpreadFilterState {
  counts: ConstraintCounts[];
  minMatch: number[];
}

/** PreFilter: undefined when the pod has no DoNotSchedule constraint (the plugin is skipped). */
export function spreadFilterState(snapshot: ClusterSnapshot, pod: PodInfo): SpreadFilterState | undefined {
  const hard = pod.spreadConstraints.filter((c) => c.hard);
  if (hard.length === 0) return undefined;
  const counts = countConstraints(snapshot, pod, hard, snapshot.nodes, true);
  const minMatch = counts.map((c) => {
    // Fewer domains than minDomains: the global minimum is taken as 0.
    if (c.perDomain.size < c.constraint.minDomains) return 0;
    let min = Number.POSITIVE_INFINITY;
    for (const v of c.perDomain.values()) min = Math.min(min, v);
    return min;
  });
  return { counts, minMatch };
}

/** Filter: 'matching pods in the node's domain' + 'the pod itself if it matches' - 'global minimum' <= maxSkew. */
export function spreadFilter(
  state: SpreadFilterState,
  pod: PodInfo,
  node: NodeInfo,
): { unresolvable: boolean; reason: string } | undefined {
  for (const [i, c] of state.counts.entries()) {
    const key = c.constraint.topologyKey;
    const value = node.labels[key];
    if (value === undefined) return { unresolvable: true, reason: ERR_NODE_LABEL_NOT_MATCH };
    const self = matchesLabels(c.constraint.selector, pod.labels) ? 1 : 0;
    const matchNum = c.perDomain.get(topologyPair(key, value)) ?? 0;
    if (matchNum + self - (state.minMatch[i] ?? 0) > c.constraint.maxSkew) {
      return { unresolvable: false, reason: ERR_CONSTRAINTS_NOT_MATCH };
    }
  }
  return undefined;
}

/**
 * The constraints scoring uses: the pod's ScheduleAnyway ones, or, when it has none at all, the
 * cluster defaults over the pods of the same controller (upstream builds that selector from the
 * Services, ReplicaSets and StatefulSets selecting the pod; the controller is the same group of pods).
 */
function scoringConstraints(pod: PodInfo): { constraints: SpreadConstraint[]; systemDefaulted: boolean } {
  if (pod.spreadConstraints.length > 0) {
    return { constraints: pod.spreadConstraints.filter((c) => !c.hard), systemDefaulted: false };
  }
  return { constraints: [], systemDefaulted: pod.ownerUid !== undefined };
}

function ownerCounts(snapshot: ClusterSnapshot, pod: PodInfo): ReadonlyMap<string, number> {
  const owner = pod.ownerUid;
  return snapshot.countMatching(
    `owner|${pod.namespace}|${owner}`,
    (p) => !p.terminating && p.namespace === pod.namespace && p.ownerUid === owner,
  );
}

/**
 * Score + NormalizeScore over the feasible nodes: a node's raw score is, per constraint, the
 * matching pods in its domain weighted by log(domains + 2) plus maxSkew - 1; fewer is better.
 */
export function spreadScores(snapshot: ClusterSnapshot, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  const { constraints, systemDefaulted } = scoringConstraints(pod);
  if (!systemDefaulted && constraints.length === 0) return nodes.map(() => 0);

  // Per constraint: topology key, maxSkew, per-node counts.
  const specs: { key: string; maxSkew: number; perNode: ReadonlyMap<string, number> }[] = [];
  if (systemDefaulted) {
    const perNode = ownerCounts(snapshot, pod);
    specs.push({ key: LABEL_HOSTNAME, maxSkew: 3, perNode }, { key: LABEL_ZONE, maxSkew: 5, perNode });
  } else {
    for (const c of constraints)
      specs.push({ key: c.topologyKey, maxSkew: c.maxSkew, perNode: podsMatching(snapshot, pod, c) });
  }

  // With the pod's own constraints, nodes lacking one of their topology keys are left out (scored 0).
  const considered = (n: NodeInfo) => systemDefaulted || specs.every((s) => n.labels[s.key] !== undefined);
  const scored = nodes.filter(considered);
  // Domains are those of the feasible nodes; their counts take in every node the pod could go to.
  const perDomain = specs.map((s) => {
    const domains = new Map<string, number>();
    if (s.key === LABEL_HOSTNAME) return domains;
    for (const n of scored) domains.set(topologyPair(s.key, n.labels[s.key] ?? ""), 0);
    for (const n of snapshot.nodes) {
      if (!considered(n) || !pod.requiredNodeAffinity.matches(n)) continue;
      const pair = topologyPair(s.key, n.labels[s.key] ?? "");
      const current = domains.get(pair);
      if (current !== undefined) domains.set(pair, current + (s.perNode.get(n.name) ?? 0));
    }
    return domains;
  });
  const weights = specs.map((s, i) =>
    Math.log((s.key === LABEL_HOSTNAME ? scored.length : (perDomain[i]?.size ?? 0)) + 2),
  );

  const raw = nodes.map((n) => {
    if (!considered(n)) return undefined;
    let score = 0;
    specs.forEach((s, i) => {
      const value = n.labels[s.key];
      if (value === undefined) return;
      const count =
        s.key === LABEL_HOSTNAME
          ? (s.perNode.get(n.name) ?? 0)
          : (perDomain[i]?.get(topologyPair(s.key, value)) ?? 0);
      score += count * (weights[i] ?? 0) + (s.maxSkew - 1);
    });
    return Math.round(score);
  });

  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const s of raw) {
    if (s === undefined) continue;
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  return raw.map((s) => {
    if (s === undefined) return 0;
    if (max === 0) return 100;
    return Math.floor((100 * (max + min - s)) / max);
  });
}
