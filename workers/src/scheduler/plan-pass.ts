/**
 * A scheduling pass over the pending pods, in queue order, as pure decisions: each placement is
 * assumed into the snapshot before the next pod is considered, so one pass spreads its pods and
 * never overfills a node.
 */
import type { PodInfo } from "./pod-info.ts";
import { schedulePod } from "./schedule-one.ts";
import type { ClusterSnapshot } from "./snapshot.ts";

/** What a pass decided: the writes to make. */
export interface Pass {
  binds: { pod: PodInfo; nodeName: string }[];
  failures: { pod: PodInfo; message: string; nominatedNodeName?: string }[];
  preemptions: { pod: PodInfo; nodeName: string; victims: PodInfo[] }[];
}

/** Decides every pending pod, in order, against the snapshot (no writes). */
export function planPass(snapshot: ClusterSnapshot, pending: readonly PodInfo[]): Pass {
  const pass: Pass = { binds: [], failures: [], preemptions: [] };
  for (const pod of pending) {
    const result = schedulePod(snapshot, pod);
    if (result.kind === "scheduled") {
      snapshot.assume(pod, result.node.name);
      pass.binds.push({ pod, nodeName: result.node.name });
      continue;
    }
    const { message, preemption, nominatedNodeName } = result;
    pass.failures.push({ pod, message, ...(nominatedNodeName !== undefined ? { nominatedNodeName } : {}) });
    if (preemption)
      pass.preemptions.push({ pod, nodeName: preemption.node.name, victims: preemption.victims });
    // A nominated pod holds its place on that node against the pods after it in this pass.
    const holdOn =
      nominatedNodeName ?? (pod.pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    if (holdOn && snapshot.node(holdOn)) snapshot.assume({ ...pod }, holdOn);
  }
  return pass;
}
