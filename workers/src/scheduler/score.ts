/**
 * The Score extension point of the default profile with its weights: TaintToleration 3,
 * NodeAffinity 2, NodeResourcesFit (LeastAllocated) 1, PodTopologySpread 2, InterPodAffinity 2,
 * NodeResourcesBalancedAllocation 1 (ImageLocality is left out: every node has every image). Each
 * plugin scores the feasible nodes 0–100; the node with the highest weighted sum wins, ties at random.
 */

import { toleratesTaint } from "../controllers/shared/taints.ts";
import { interPodScores } from "./inter-pod-affinity.ts";
import type { PodInfo } from "./pod-info.ts";
import type { ClusterSnapshot, NodeInfo } from "./snapshot.ts";
import { spreadScores } from "./topology-spread.ts";

const MAX_NODE_SCORE = 100;

/** helper.DefaultNormalizeScore: scale to 0–100 by the maximum; `reverse` makes fewer better. */
export function defaultNormalize(scores: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const scaled = Math.floor((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}

/** TaintToleration: fewer PreferNoSchedule taints the pod does not tolerate is better. */
export function taintTolerationScores(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  const tolerations = pod.tolerations.filter((t) => !t.effect || t.effect === "PreferNoSchedule");
  const counts = nodes.map(
    (n) =>
      n.taints.filter(
        (t) => t.effect === "PreferNoSchedule" && !tolerations.some((tol) => toleratesTaint(tol, t)),
      ).length,
  );
  return defaultNormalize(counts, true);
}

/** NodeAffinity: the weights of the preferred terms a node matches. */
export function nodeAffinityScores(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  if (pod.preferredNodeAffinity.empty) return nodes.map(() => 0);
  return defaultNormalize(
    nodes.map((n) => pod.preferredNodeAffinity.score(n)),
    false,
  );
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** NodeResourcesFit, LeastAllocated over cpu and memory (weight 1 each), with the scoring defaults. */
export function leastAllocatedScores(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  return nodes.map((n) => {
    const pairs: [number, number][] = [
      [n.nonZeroRequested.milliCpu + pod.nonZeroRequests.milliCpu, n.allocatable.milliCpu],
      [n.nonZeroRequested.memory + pod.nonZeroRequests.memory, n.allocatable.memory],
    ];
    const counted = pairs.filter(([, capacity]) => capacity > 0);
    if (counted.length === 0) return 0;
    const sum = counted.reduce(
      (total, [requested, capacity]) => total + leastRequested(requested, capacity),
      0,
    );
    return Math.floor(sum / counted.length);
  });
}

/** NodeResourcesBalancedAllocation: cpu and memory used in equal proportion is better. */
export function balancedAllocationScores(pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  // Skipped for pods that request neither (best effort), as upstream's PreScore does.
  if (pod.requests.milliCpu === 0 && pod.requests.memory === 0) return nodes.map(() => 0);
  return nodes.map((n) => {
    const fractions: number[] = [];
    const add = (requested: number, allocatable: number) => {
      if (allocatable > 0) fractions.push(Math.min(1, requested / allocatable));
    };
    add(n.requested.milliCpu + pod.requests.milliCpu, n.allocatable.milliCpu);
    add(n.requested.memory + pod.requests.memory, n.allocatable.memory);
    const std = fractions.length === 2 ? Math.abs(((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2) : 0;
    return Math.floor((1 - std) * MAX_NODE_SCORE);
  });
}

/** The weighted sum of every scoring plugin, per feasible node. */
export function scoreNodes(snapshot: ClusterSnapshot, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
  const weighted: [number, number[]][] = [
    [3, taintTolerationScores(pod, nodes)],
    [2, nodeAffinityScores(pod, nodes)],
    [1, leastAllocatedScores(pod, nodes)],
    [2, spreadScores(snapshot, pod, nodes)],
    [2, interPodScores(snapshot, pod, nodes)],
    [1, balancedAllocationScores(pod, nodes)],
  ];
  return nodes.map((_, i) => weighted.reduce((sum, [weight, scores]) => sum + weight * (scores[i] ?? 0), 0));
}

/** selectHost: the highest score; among equals one at random (reservoir sampling, as upstream). */
export function selectHost(
  nodes: readonly NodeInfo[],
  scores: readonly number[],
  random = Math.random,
): NodeInfo {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < nodes.length; i++) {
    const s = scores[i] ?? 0;
    const top = scores[best] ?? 0;
    if (s > top) {
      best = i;
      ties = 1;
    } else if (s === top) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  const chosen = nodes[best];
  if (!chosen) throw new Error("selectHost needs at least one node");
  return chosen;
}
