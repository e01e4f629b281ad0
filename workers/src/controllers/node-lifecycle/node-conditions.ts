/**
 * The node conditions the kubelet posts and the node controller takes over when the kubelet goes
 * quiet (tryUpdateNodeHealth in pkg/controller/nodelifecycle; the kubelet's nodestatus setters;
 * release-1.32). Pure functions over a Node's status.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isJsonObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";

export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** What a healthy kubelet posts, in the order it lists them, with the event it records on a change. */
const KUBELET_HEALTHY: readonly (NodeCondition & { event: string })[] = [
  {
    type: "MemoryPressure",
    status: "False",
    reason: "KubeletHasSufficientMemory",
    message: "kubelet has sufficient memory available",
    event: "NodeHasSufficientMemory",
  },
  {
    type: "DiskPressure",
    status: "False",
    reason: "KubeletHasNoDiskPressure",
    message: "kubelet has no disk pressure",
    event: "NodeHasNoDiskPressure",
  },
  {
    type: "PIDPressure",
    status: "False",
    reason: "KubeletHasSufficientPID",
    message: "kubelet has sufficient PID available",
    event: "NodeHasSufficientPID",
  },
  {
    type: "Ready",
    status: "True",
    reason: "KubeletReady",
    message: "kubelet is posting ready status",
    event: "NodeReady",
  },
];

/** The conditions the node controller sets to Unknown (NetworkUnavailable is the network plugin's). */
const MONITORED = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

export function nodeConditions(node: KubeObject): NodeCondition[] {
  const status = node.status;
  if (!isJsonObject(status) || !Array.isArray(status.conditions)) return [];
  return status.conditions.filter(isJsonObject) as unknown as NodeCondition[];
}

export function nodeCondition(node: KubeObject, type: string): NodeCondition | undefined {
  return nodeConditions(node).find((c) => c.type === type);
}

/** The Ready condition's status: True, False, Unknown, or undefined before any was posted. */
export function readyStatus(node: KubeObject): string | undefined {
  return nodeCondition(node, "Ready")?.status;
}

function withConditions(node: KubeObject, conditions: NodeCondition[]): KubeObject {
  const status = isJsonObject(node.status) ? node.status : {};
  return { ...node, status: { ...status, conditions } };
}

/**
 * The node controller's answer to a kubelet that stopped posting: the monitored conditions become
 * Unknown (their last heartbeat stays what the kubelet last posted). Undefined when already so.
 */
export function statusUnknown(node: KubeObject, now: Date): KubeObject | undefined {
  const at = kubeTime(now);
  const conditions = nodeConditions(node).map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED) {
    const current = conditions.find((c) => c.type === type);
    if (!current) {
      conditions.push({
        type,
        status: "Unknown",
        lastHeartbeatTime: node.metadata.creationTimestamp ?? at,
        lastTransitionTime: at,
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
      });
      changed = true;
    } else if (current.status !== "Unknown") {
      current.status = "Unknown";
      current.reason = "NodeStatusUnknown";
      current.message = "Kubelet stopped posting node status.";
      current.lastTransitionTime = at;
      changed = true;
    }
  }
  return changed ? withConditions(node, conditions) : undefined;
}

/**
 * What a kubelet that is back posts: every kubelet condition the node controller had to mark
 * Unknown (or that is missing) gets its healthy value, heartbeat and transition now. Conditions a
 * user set by hand (MemoryPressure True through the status subresource, say) are left alone, so a
 * learner can stage them. Returns the new node and the events the kubelet records for the changes.
 */
export function kubeletPostsReady(
  node: KubeObject,
  now: Date,
): { node: KubeObject; events: string[] } | undefined {
  const at = kubeTime(now);
  const conditions = nodeConditions(node).map((c) => ({ ...c }));
  const events: string[] = [];
  for (const { event, ...healthy } of KUBELET_HEALTHY) {
    const current = conditions.find((c) => c.type === healthy.type);
    if (current && current.status !== "Unknown") continue;
    const posted = { ...healthy, lastHeartbeatTime: at, lastTransitionTime: at };
    if (current) Object.assign(current, posted);
    else conditions.push(posted);
    events.push(event);
  }
  return events.length > 0 ? { node: withConditions(node, conditions), events } : undefined;
}
