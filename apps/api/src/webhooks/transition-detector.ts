import type { KubeObject } from "../kube/object/types.ts";
import type { Change } from "../kube/store/types.ts";
import type { PlatformEventType } from "./platform-events.ts";

/** An event a committed change causes; the tenant is added when it is recorded. */
export interface DetectedEvent {
  type: PlatformEventType;
  subject: string;
  data: Record<string, unknown>;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface ContainerStatus {
  name?: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { startedAt?: string; finishedAt?: string } };
}

type Detector = (change: Change, previous: KubeObject | undefined) => DetectedEvent[];

/**
 * The status transitions webhooks report, as a pure function of a change and the object it
 * replaced: an event fires when the new object is in the state and the previous one was not, so a
 * Deployment rewritten a hundred times while Available reports `deployment.available` once.
 * Deleted objects report nothing.
 */
export function detectTransitions(change: Change, previous: KubeObject | undefined): DetectedEvent[] {
  // Keyed by resource first: this runs for every write, and most writes are of other kinds.
  const detector = DETECTORS[change.resource];
  if (!detector || change.type === "DELETED" || detector.group !== change.group) return [];
  return detector.detect(change, previous);
}

const DETECTORS: Record<string, { group: string; detect: Detector } | undefined> = {
  deployments: {
    group: "apps",
    detect: (change, previous) => {
      const events: DetectedEvent[] = [];
      const available = entered(change.object, previous, "Available", (c) => c.status === "True");
      if (available) events.push(conditionEvent("deployment.available", change, available));
      const stalled = entered(
        change.object,
        previous,
        "Progressing",
        (c) => c.status === "False" && c.reason === "ProgressDeadlineExceeded",
      );
      if (stalled) events.push(conditionEvent("deployment.progress_failed", change, stalled));
      return events;
    },
  },
  pods: {
    group: "",
    detect: (change, previous) => {
      const events: DetectedEvent[] = [];
      const status = statusOf(change.object);
      if (status.phase === "Failed" && statusOf(previous).phase !== "Failed") {
        events.push(
          event("pod.failed", change, {
            phase: "Failed",
            reason: status.reason ?? null,
            message: status.message ?? null,
          }),
        );
      }
      for (const container of crashLoopEntries(change.object, previous)) {
        events.push(
          event("pod.crash_looping", change, {
            container: {
              name: container.name,
              restartCount: container.restartCount ?? 0,
              reason: "CrashLoopBackOff",
              message: container.state?.waiting?.message ?? null,
            },
          }),
        );
      }
      const unschedulable = entered(
        change.object,
        previous,
        "PodScheduled",
        (c) => c.status === "False" && c.reason === "Unschedulable",
      );
      if (unschedulable) events.push(conditionEvent("pod.unschedulable", change, unschedulable));
      return events;
    },
  },
  jobs: {
    group: "batch",
    detect: (change, previous) => {
      const events: DetectedEvent[] = [];
      const complete = entered(change.object, previous, "Complete", (c) => c.status === "True");
      if (complete) events.push(conditionEvent("job.succeeded", change, complete));
      const failed = entered(change.object, previous, "Failed", (c) => c.status === "True");
      if (failed) events.push(conditionEvent("job.failed", change, failed));
      return events;
    },
  },
  nodes: {
    group: "",
    detect: (change, previous) => {
      // Leaving True: to False (the kubelet reports a problem) or Unknown (it stopped reporting).
      const was = conditionOf(previous, "Ready");
      const now = conditionOf(change.object, "Ready");
      if (was?.status !== "True" || now?.status === "True") return [];
      return [conditionEvent("node.not_ready", change, now ?? { type: "Ready", status: "Unknown" })];
    },
  },
};

/** What webhooks name an event's subject by; deliveries to one endpoint keep their order per subject. */
export function objectSubject(
  change: Pick<Change, "clusterId" | "group" | "resource" | "namespace" | "name">,
) {
  const namespaced = change.namespace ? `${change.namespace}/` : "";
  return `${change.clusterId}/${change.group || "core"}/${change.resource}/${namespaced}${change.name}`;
}

const KINDS: Record<string, { apiVersion: string; kind: string }> = {
  deployments: { apiVersion: "apps/v1", kind: "Deployment" },
  pods: { apiVersion: "v1", kind: "Pod" },
  jobs: { apiVersion: "batch/v1", kind: "Job" },
  nodes: { apiVersion: "v1", kind: "Node" },
};

function event(type: PlatformEventType, change: Change, status: Record<string, unknown>): DetectedEvent {
  const meta = change.object.metadata;
  const fallback = KINDS[change.resource];
  return {
    type,
    subject: objectSubject(change),
    data: {
      clusterId: change.clusterId,
      object: {
        apiVersion: change.object.apiVersion ?? fallback?.apiVersion,
        kind: change.object.kind ?? fallback?.kind,
        ...(change.namespace ? { namespace: change.namespace } : {}),
        name: change.name,
        uid: meta.uid ?? null,
      },
      ...status,
    },
  };
}

function conditionEvent(type: PlatformEventType, change: Change, condition: Condition): DetectedEvent {
  return event(type, change, {
    condition: {
      type: condition.type,
      status: condition.status,
      reason: condition.reason ?? null,
      message: condition.message ?? null,
      lastTransitionTime: condition.lastTransitionTime ?? null,
    },
  });
}

/** The condition `type` of `now` when it matches and did not match on `previous`. */
function entered(
  now: KubeObject,
  previous: KubeObject | undefined,
  type: string,
  matches: (c: Condition) => boolean,
): Condition | undefined {
  const current = conditionOf(now, type);
  if (!current || !matches(current)) return undefined;
  const before = conditionOf(previous, type);
  return before && matches(before) ? undefined : current;
}

function statusOf(obj: KubeObject | undefined): {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
} {
  const status = obj?.status;
  return typeof status === "object" && status !== null ? status : {};
}

function conditionOf(obj: KubeObject | undefined, type: string): Condition | undefined {
  const conditions = statusOf(obj).conditions;
  return Array.isArray(conditions) ? conditions.find((c) => c?.type === type) : undefined;
}

/**
 * How long a container must have run before its crash counts as a new crash loop: upstream's
 * kubelet resets a container's restart back-off after it ran this long (twice the 5 min maximum).
 */
const RECOVERED_AFTER_MS = 600_000;

/**
 * Containers that start crash-looping: once per loop, not per back-off. The kubelet alternates
 * Error (terminated) and CrashLoopBackOff on every crash, so entering CrashLoopBackOff alone would
 * fire every cycle. A container starts a loop when it enters CrashLoopBackOff for the first time
 * (no restart before the one that led to it: the first restart is immediate, so the first back-off
 * comes with restartCount 1), or after a run long enough that it had recovered.
 */
function crashLoopEntries(now: KubeObject, previous: KubeObject | undefined): ContainerStatus[] {
  const looping = (s: ContainerStatus | undefined) => s?.state?.waiting?.reason === "CrashLoopBackOff";
  const entries: ContainerStatus[] = [];
  for (const list of ["initContainerStatuses", "containerStatuses"] as const) {
    const current = statusOf(now)[list];
    if (!Array.isArray(current)) continue;
    const before = statusOf(previous)[list];
    for (const container of current) {
      if (!looping(container)) continue;
      const was = Array.isArray(before) ? before.find((b) => b?.name === container.name) : undefined;
      if (looping(was)) continue;
      const firstLoop = (container.restartCount ?? 0) <= 1 || !was || (was.restartCount ?? 0) === 0;
      if (firstLoop || ranAfterRecovery(container)) entries.push(container);
    }
  }
  return entries;
}

/** The run that just crashed lasted long enough to count as recovered. */
function ranAfterRecovery(container: ContainerStatus): boolean {
  const run = container.lastState?.terminated;
  const started = Date.parse(run?.startedAt ?? "");
  const finished = Date.parse(run?.finishedAt ?? "");
  return finished - started >= RECOVERED_AFTER_MS;
}
