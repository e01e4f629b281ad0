/**
 * Pods: upstream `printPod` (pkg/printers/internalversion/printers.go, release-1.32). The Status cell
 * is the subtle part: it starts from the phase (or status.reason), is refined by init containers
 * (`Init:1/2`, `Init:CrashLoopBackOff`), then by the first app container with a waiting/terminated
 * reason, and finally by deletion (`Terminating`, or `Unknown` for a NodeLost pod).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { age, humanDuration, parseTimestamp } from "./format.ts";
import {
  boolAt,
  type JsonObject,
  numberAt,
  objectAt,
  objectsAt,
  optionalBoolAt,
  optionalObjectAt,
  stringAt,
  valueAt,
} from "./json.ts";
import type { Printer, TableColumn, TableRowCondition } from "./types.ts";

const podColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Ready",
    type: "string",
    format: "",
    description: "The aggregate readiness state of this pod for accepting traffic.",
    priority: 0,
  },
  {
    name: "Status",
    type: "string",
    format: "",
    description: "The aggregate status of the containers in this pod.",
    priority: 0,
  },
  {
    name: "Restarts",
    type: "string",
    format: "",
    description:
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    priority: 0,
  },
  ageColumn,
  {
    name: "IP",
    type: "string",
    format: "",
    description:
      "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    priority: 1,
  },
  {
    name: "Node",
    type: "string",
    format: "",
    description:
      "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
    priority: 1,
  },
  {
    name: "Nominated Node",
    type: "string",
    format: "",
    description:
      "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
    priority: 1,
  },
  {
    name: "Readiness Gates",
    type: "string",
    format: "",
    description:
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
    priority: 1,
  },
];

/** Keeps the latest `lastState.terminated.finishedAt` seen, as upstream's `lastRestartDate.Before(...)`. */
function laterRestart(current: number | undefined, status: JsonObject): number | undefined {
  const terminated = optionalObjectAt(status, "lastState", "terminated");
  if (terminated === undefined) return current;
  const finishedAt = parseTimestamp(valueAt(terminated, "finishedAt"));
  if (finishedAt === undefined) return current;
  return current === undefined || current < finishedAt ? finishedAt : current;
}

function terminatedReason(terminated: JsonObject, prefix: string): string {
  const reason = stringAt(terminated, "reason");
  if (reason !== "") return prefix + reason;
  const signal = numberAt(terminated, "signal");
  if (signal !== 0) return `${prefix}Signal:${signal}`;
  return `${prefix}ExitCode:${numberAt(terminated, "exitCode")}`;
}

function hasTrueCondition(status: JsonObject, type: string): boolean {
  return objectsAt(status, "conditions").some(
    (c) => stringAt(c, "type") === type && stringAt(c, "status") === "True",
  );
}

/** `isPodInitializedConditionTrue`: only the first Initialized condition counts. */
function isInitialized(status: JsonObject): boolean {
  const condition = objectsAt(status, "conditions").find((c) => stringAt(c, "type") === "Initialized");
  return condition !== undefined && stringAt(condition, "status") === "True";
}

function readinessGates(pod: JsonObject): string {
  const gates = objectsAt(pod, "spec", "readinessGates");
  if (gates.length === 0) return "<none>";
  const conditions = objectsAt(pod, "status", "conditions");
  let satisfied = 0;
  for (const gate of gates) {
    const condition = conditions.find((c) => stringAt(c, "type") === stringAt(gate, "conditionType"));
    if (condition !== undefined && stringAt(condition, "status") === "True") satisfied++;
  }
  return `${satisfied}/${gates.length}`;
}

/** The IP the internal type carries: v1 `podIP` wins over `podIPs` when both are set (v1 conversion). */
function podIP(status: JsonObject): string {
  const first = objectsAt(status, "podIPs")[0];
  return stringAt(status, "podIP") || (first ? stringAt(first, "ip") : "") || "<none>";
}

function podCells(pod: JsonObject, now: Date): unknown[] {
  const spec = objectAt(pod, "spec");
  const status = objectAt(pod, "status");
  const phase = stringAt(status, "phase");
  let reason = stringAt(status, "reason") || phase;
  for (const condition of objectsAt(status, "conditions")) {
    if (
      stringAt(condition, "type") === "PodScheduled" &&
      stringAt(condition, "reason") === "SchedulingGated"
    ) {
      reason = "SchedulingGated";
    }
  }

  const initContainers = objectsAt(spec, "initContainers");
  // Sidecars (init containers with restartPolicy Always) count towards Ready like app containers.
  const sidecars = new Set<string>();
  let totalContainers = objectsAt(spec, "containers").length;
  for (const container of initContainers) {
    if (stringAt(container, "restartPolicy") === "Always") {
      sidecars.add(stringAt(container, "name"));
      totalContainers++;
    }
  }

  let readyContainers = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  let initializing = false;
  const initStatuses = objectsAt(status, "initContainerStatuses");
  for (const [index, container] of initStatuses.entries()) {
    const restartCount = numberAt(container, "restartCount");
    restarts += restartCount;
    lastRestart = laterRestart(lastRestart, container);
    const isSidecar = sidecars.has(stringAt(container, "name"));
    if (isSidecar) {
      sidecarRestarts += restartCount;
      lastSidecarRestart = laterRestart(lastSidecarRestart, container);
    }
    const terminated = optionalObjectAt(container, "state", "terminated");
    const waitingReason = stringAt(container, "state", "waiting", "reason");
    if (terminated !== undefined && numberAt(terminated, "exitCode") === 0) continue;
    if (isSidecar && optionalBoolAt(container, "started") === true) {
      if (boolAt(container, "ready")) readyContainers++;
      continue;
    }
    if (terminated !== undefined) {
      reason = terminatedReason(terminated, "Init:");
    } else if (waitingReason !== "" && waitingReason !== "PodInitializing") {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${index}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || isInitialized(status)) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    // Walked backwards so the first container with a reason has the last word.
    const statuses = objectsAt(status, "containerStatuses");
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      if (container === undefined) continue;
      restarts += numberAt(container, "restartCount");
      lastRestart = laterRestart(lastRestart, container);
      const waitingReason = stringAt(container, "state", "waiting", "reason");
      const terminated = optionalObjectAt(container, "state", "terminated");
      if (waitingReason !== "") {
        reason = waitingReason;
      } else if (terminated !== undefined) {
        reason = terminatedReason(terminated, "");
      } else if (
        boolAt(container, "ready") &&
        optionalObjectAt(container, "state", "running") !== undefined
      ) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A completed container next to a running one does not make the pod Completed.
    if (reason === "Completed" && hasRunning) {
      reason = hasTrueCondition(status, "Ready") ? "Running" : "NotReady";
    }
  }

  const deleting = valueAt(pod, "metadata", "deletionTimestamp") != null;
  if (deleting && stringAt(status, "reason") === "NodeLost") {
    reason = "Unknown";
  } else if (deleting && phase !== "Succeeded" && phase !== "Failed") {
    reason = "Terminating";
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  }

  return [
    stringAt(pod, "metadata", "name"),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsText,
    age(pod, now),
    podIP(status),
    stringAt(spec, "nodeName") || "<none>",
    stringAt(status, "nominatedNodeName") || "<none>",
    readinessGates(pod),
  ];
}

/** `podSuccessConditions` / `podFailedConditions`. */
function podConditions(pod: JsonObject): TableRowCondition[] | undefined {
  switch (stringAt(pod, "status", "phase")) {
    case "Succeeded":
      return [
        {
          type: "Completed",
          status: "True",
          reason: "Succeeded",
          message: "The pod has completed successfully.",
        },
      ];
    case "Failed":
      return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
    default:
      return undefined;
  }
}

/** core/v1 pods. */
export const podPrinter: Printer = { columns: podColumns, cells: podCells, conditions: podConditions };
