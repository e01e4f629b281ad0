/**
 * One scheduling attempt for one pod (pkg/scheduler/schedule_one.go schedulePod + the PostFilter):
 * filter, score, pick a node; or explain why none fits, and possibly choose pods to preempt.
 */
import { findFeasibleNodes, preFilter, runFilters } from "./filter.ts";
import type { PodInfo } from "./pod-info.ts";
import { fitErrorMessage, type PreemptionCandidate, preempt } from "./preemption.ts";
import { scoreNodes, selectHost } from "./score.ts";
import type { ClusterSnapshot, NodeInfo } from "./snapshot.ts";

/** ErrNoNodesAvailable: reported as is, without the "0/N" form. */
export const NO_NODES_AVAILABLE = "no nodes available to schedule pods";

export type ScheduleResult =
  | { kind: "scheduled"; node: NodeInfo }
  | {
      kind: "unschedulable";
      /** The PodScheduled condition message and the FailedScheduling event text. */
      message: string;
      /** Set when preemption chose a node: the pod is nominated to it and these pods must go. */
      preemption?: PreemptionCandidate;
      /** status.nominatedNodeName to write: a node, "" to clear it, undefined to leave it. */
      nominatedNodeName?: string;
    };

export function schedulePod(snapshot: ClusterSnapshot, pod: PodInfo, random = Math.random): ScheduleResult {
  if (snapshot.nodes.length === 0) return { kind: "unschedulable", message: NO_NODES_AVAILABLE };
  // A pod that preempted others goes to the node it was nominated to as soon as that node fits it.
  const nominated = snapshot.node(
    (pod.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? "",
  );
  if (nominated && !runFilters(preFilter(snapshot, pod), nominated))
    return { kind: "scheduled", node: nominated };
  const { state, feasible, diagnosis } = findFeasibleNodes(snapshot, pod);
  if (feasible.length === 1 && feasible[0]) return { kind: "scheduled", node: feasible[0] };
  if (feasible.length > 1)
    return { kind: "scheduled", node: selectHost(feasible, scoreNodes(snapshot, pod, feasible), random) };

  const numAllNodes = snapshot.nodes.length;
  const outcome = preempt(state, diagnosis);
  if (outcome.kind === "candidate") {
    // A successful PostFilter adds nothing to the message; the pod waits for its victims to go.
    return {
      kind: "unschedulable",
      message: fitErrorMessage(numAllNodes, diagnosis, diagnosis.preFilterMessage),
      preemption: outcome.candidate,
      nominatedNodeName: outcome.candidate.node.name,
    };
  }
  return {
    kind: "unschedulable",
    message: fitErrorMessage(numAllNodes, diagnosis, diagnosis.preFilterMessage, outcome.message),
    ...(outcome.clearsNomination ? { nominatedNodeName: "" } : {}),
  };
}
