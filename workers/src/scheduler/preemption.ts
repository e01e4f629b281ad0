/**
 * DefaultPreemption, the PostFilter (pkg/scheduler/framework/preemption, plugins/defaultpreemption):
 * when no node fits, look for a node where removing pods of lower priority would make room. It either
 * names such a node and its victims, or explains, in the "preemption: …" part of the message, why
 * preemption cannot help.
 *
 * Affinity and spreading are judged with the victims still in place (upstream recomputes them
 * without the victims; it also documents not supporting affinity to lower-priority pods).
 */
import {
  type CycleState,
  type Diagnosis,
  type FilterStatus,
  type NodeUsage,
  runClusterWideFilters,
  runNodeLocalFilters,
} from "./filter.ts";
import type { HostPort, PodInfo } from "./pod-info.ts";
import { addResources } from "./resources.ts";
import type { ClusterSnapshot, NodeInfo } from "./snapshot.ts";

export const NO_VICTIMS = "No preemption victims found for incoming pod";
export const NOT_HELPFUL = "Preemption is not helpful for scheduling";

export interface PreemptionCandidate {
  node: NodeInfo;
  victims: PodInfo[];
}

export type PreemptionOutcome =
  | { kind: "candidate"; candidate: PreemptionCandidate }
  /**
   * The message of the failed PostFilter, to append to the fit error. A pod found ineligible keeps
   * an earlier nomination; one for which no node would do loses it.
   */
  | { kind: "failed"; message: string; clearsNomination: boolean };

/** MoreImportantPod: higher priority first, then the one running longer. */
function moreImportantFirst(a: PodInfo, b: PodInfo): number {
  return b.priority - a.priority || a.createdAt - b.createdAt;
}

/**
 * SelectVictimsOnNode: all lower-priority pods out; if the pod then fits, the most important of them
 * come back one by one as long as it still fits, and the rest are the victims.
 */
function selectVictims(state: CycleState, node: NodeInfo): { victims?: PodInfo[]; status?: FilterStatus } {
  const potential = node.pods.filter((p) => p.priority < state.pod.priority);
  if (potential.length === 0)
    return { status: { code: "UnschedulableAndUnresolvable", reasons: [NO_VICTIMS] } };
  // The node as NodeResourcesFit and NodePorts see it, kept current as pods leave and come back.
  const removed = new Set(potential);
  const requested = { ...node.requested, scalar: new Map(node.requested.scalar) };
  for (const p of potential) addResources(requested, p.requests, -1);
  const usage: NodeUsage = { requested, podCount: node.pods.length - potential.length };
  const ports: HostPort[] = node.pods.filter((p) => !removed.has(p)).flatMap((p) => p.hostPorts);
  const fits = () => runNodeLocalFilters(state.pod, node, usage, ports) ?? runClusterWideFilters(state, node);

  const status = fits();
  if (status) return { status };
  const victims: PodInfo[] = [];
  for (const p of [...potential].sort(moreImportantFirst)) {
    addResources(requested, p.requests);
    usage.podCount++;
    ports.push(...p.hostPorts);
    if (fits()) {
      addResources(requested, p.requests, -1);
      usage.podCount--;
      ports.splice(ports.length - p.hostPorts.length, p.hostPorts.length);
      victims.push(p);
    }
  }
  return { victims };
}

/** Lexicographic comparison of equally long number tuples. */
function compareTuples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * pickOneNodeForPreemption (no PodDisruptionBudgets here): the lowest top victim priority, then the
 * lowest sum of priorities, then the fewest victims, then the most recently started top victims.
 */
function pickCandidate(candidates: readonly PreemptionCandidate[]): PreemptionCandidate | undefined {
  // Priorities are shifted to be positive, so that more victims always weigh more (as upstream).
  const OFFSET = 2 ** 31;
  const rank = (c: PreemptionCandidate): number[] => {
    const top = Math.max(...c.victims.map((v) => v.priority));
    const earliestTop = Math.min(...c.victims.filter((v) => v.priority === top).map((v) => v.createdAt));
    const sum = c.victims.reduce((total, v) => total + v.priority + OFFSET, 0);
    return [top, sum, c.victims.length, -earliestTop];
  };
  let best: { candidate: PreemptionCandidate; rank: number[] } | undefined;
  for (const candidate of candidates) {
    const r = rank(candidate);
    if (!best || compareTuples(r, best.rank) < 0) best = { candidate, rank: r };
  }
  return best?.candidate;
}

/** Go's sort.Strings over "<count> <reason>", joined: the histogram of a fit error. */
export function reasonHistogram(numAllNodes: number, diagnosis: Diagnosis): string {
  const counts = new Map<string, number>();
  for (const status of diagnosis.statuses.values()) {
    for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const absentNodes = numAllNodes - diagnosis.statuses.size;
  if (absentNodes > 0 && diagnosis.absent) {
    for (const r of diagnosis.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absentNodes);
  }
  const lines = [...counts].map(([reason, n]) => `${n} ${reason}`);
  return lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(", ");
}

/** FitError.Error(): `0/N nodes are available: <prefilter or histogram>. <postfilter>` */
export function fitErrorMessage(
  numAllNodes: number,
  diagnosis: Diagnosis,
  preFilterMessage?: string,
  postFilterMessage?: string,
): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage) message += ` ${preFilterMessage}.`;
  else {
    const histogram = reasonHistogram(numAllNodes, diagnosis);
    if (histogram) message += ` ${histogram}.`;
  }
  if (postFilterMessage) message += ` ${postFilterMessage}`;
  return message;
}

/** PodEligibleToPreemptOthers: policy Never, or victims of an earlier preemption still terminating. */
function ineligibility(snapshot: ClusterSnapshot, pod: PodInfo): string | undefined {
  if (pod.preemptNever) return "not eligible due to preemptionPolicy=Never.";
  const nominated = (pod.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
  const node = nominated ? snapshot.node(nominated) : undefined;
  if (node?.pods.some((p) => p.priority < pod.priority && p.terminating))
    return "not eligible due to a terminating pod on the nominated node.";
  return undefined;
}

/** DefaultPreemption.PostFilter for a pod no node fits. */
export function preempt(state: CycleState, diagnosis: Diagnosis): PreemptionOutcome {
  const { snapshot, pod } = state;
  const refusal = ineligibility(snapshot, pod);
  if (refusal) return { kind: "failed", message: `preemption: ${refusal}`, clearsNomination: false };

  // Only nodes rejected as Unschedulable (not Unresolvable) might take the pod once others leave.
  const potential = snapshot.nodes.filter((n) => diagnosis.statuses.get(n.name)?.code === "Unschedulable");
  const statuses = new Map<string, FilterStatus>();
  const candidates: PreemptionCandidate[] = [];
  for (const node of potential) {
    const { victims, status } = selectVictims(state, node);
    if (victims) candidates.push({ node, victims });
    else if (status) statuses.set(node.name, status);
  }
  const best = pickCandidate(candidates);
  if (best) return { kind: "candidate", candidate: best };
  const absent: FilterStatus = { code: "UnschedulableAndUnresolvable", reasons: [NOT_HELPFUL] };
  const message = fitErrorMessage(snapshot.nodes.length, { statuses, absent });
  return { kind: "failed", message: `preemption: ${message}`, clearsNomination: true };
}
