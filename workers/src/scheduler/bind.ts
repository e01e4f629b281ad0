/**
 * The scheduler's writes: bindings (DefaultBinder) with their `Scheduled` event, the PodScheduled
 * False condition and `FailedScheduling` event of a pod no node takes, and preemption of victims.
 */
import { ApiError } from "../../../apps/api/src/errors.ts";
import { CORE_V1, InProcessClient } from "../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../apps/api/src/platform/clock.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { withClusterWriteLock } from "../controllers/shared/cluster-write-lock.ts";
import type { PodCondition } from "../controllers/shared/pods.ts";
import {
  type EventSource,
  type PreparedEvent,
  prepareEvents,
  recordEvent,
  storeEventsLocked,
} from "../events/record-event.ts";
import type { PodInfo } from "./pod-info.ts";

export const SCHEDULER_NAME = "default-scheduler";
/** kube-scheduler's writes carry its user agent as field manager; events name the profile. */
export const FIELD_MANAGER = "kube-scheduler";
const SOURCE: EventSource = { component: SCHEDULER_NAME };

interface SchedulingCondition extends PodCondition {
  lastProbeTime?: string | null;
}

/** The pod is gone or was bound meanwhile: nothing to do, the next pass sees the new state. */
function isStale(err: unknown): boolean {
  return err instanceof ApiError && (err.reason === "NotFound" || err.reason === "Conflict");
}

/** Bindings per locked section: short sections keep the cluster's other writers moving. */
const BINDS_PER_SECTION = 50;

/**
 * Binds pods (DefaultBinder) and records their `Scheduled` events, a section of bindings and
 * events per transaction. A pod that changed under us (deleted, bound by another pass) is skipped:
 * the next pass sees the new state. Returns how many were bound.
 */
export async function bindPods(
  runtime: Runtime,
  clusterId: string,
  binds: readonly { pod: KubeObject; nodeName: string }[],
  now: Date,
): Promise<number> {
  const client = new InProcessClient(runtime, clusterId, FIELD_MANAGER);
  let bound = 0;
  let failure: ApiError | undefined;
  for (let start = 0; start < binds.length; start += BINDS_PER_SECTION) {
    const section = binds.slice(start, start + BINDS_PER_SECTION);
    // The events are built before the lock; only those of pods bound are stored.
    const events = section.map(({ pod, nodeName }) => {
      const { namespace = "", name = "" } = pod.metadata;
      const message = `Successfully assigned ${namespace}/${name} to ${nodeName}`;
      const input = { type: "Normal" as const, reason: "Scheduled", message };
      return prepareEvents(client, SOURCE, [{ involved: pod, input }], now);
    });
    bound += await withClusterWriteLock(runtime, clusterId, FIELD_MANAGER, async (locked) => {
      // Side by side (different pods): their statements share round trips.
      const outcomes = await Promise.allSettled(
        section.map(({ pod, nodeName }) => {
          const { namespace = "", name = "" } = pod.metadata;
          // The pass read the pod: the binding checks it is still what is stored (stale: skipped).
          locked.tx.assume({ group: "", resource: "pods", namespace, name }, pod);
          // The binding handler refuses (stale, invalid) before it writes: the section stays usable.
          return locked.client.bind(namespace, name, nodeName);
        }),
      );
      const scheduled: PreparedEvent[] = [];
      let count = 0;
      outcomes.forEach((outcome, i) => {
        if (outcome.status === "rejected") {
          if (!(outcome.reason instanceof ApiError)) throw outcome.reason;
          if (!isStale(outcome.reason)) failure ??= outcome.reason;
          return;
        }
        count++;
        scheduled.push(...events[i]!);
      });
      await storeEventsLocked(locked, scheduled, now);
      return count;
    });
  }
  if (failure) throw failure;
  return bound;
}

/**
 * podutil.UpdatePodCondition for PodScheduled False: the new conditions, or undefined when nothing
 * would change (the scheduler writes only then, not on every retry).
 */
export function unschedulableConditions(
  pod: KubeObject,
  reason: string,
  message: string,
  now: Date,
): SchedulingCondition[] | undefined {
  const conditions = (
    (pod.status as { conditions?: SchedulingCondition[] } | undefined)?.conditions ?? []
  ).slice();
  const index = conditions.findIndex((c) => c.type === "PodScheduled");
  const previous = conditions[index];
  if (previous && previous.status === "False" && previous.reason === reason && previous.message === message) {
    return undefined;
  }
  const next: SchedulingCondition = {
    type: "PodScheduled",
    status: "False",
    lastProbeTime: null,
    lastTransitionTime:
      previous?.status === "False" ? (previous.lastTransitionTime ?? kubeTime(now)) : kubeTime(now),
    reason,
    message,
  };
  if (index === -1) conditions.push(next);
  else conditions[index] = next;
  return conditions;
}

/**
 * handleSchedulingFailure: a Warning `FailedScheduling` event on every failed attempt (aggregated
 * into a count), and the pod's PodScheduled condition (with status.nominatedNodeName when preemption
 * picked a node) written only when it changes.
 */
export async function recordUnschedulable(
  client: InProcessClient,
  pod: KubeObject,
  message: string,
  now: Date,
  nominatedNodeName?: string,
): Promise<void> {
  const { namespace = "", name = "" } = pod.metadata;
  await recordEvent(client, SOURCE, pod, { type: "Warning", reason: "FailedScheduling", message }, now);
  const currentNominated = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
  const conditions = unschedulableConditions(pod, "Unschedulable", message, now);
  const nominationChanges = nominatedNodeName !== undefined && nominatedNodeName !== (currentNominated ?? "");
  if (!conditions && !nominationChanges) return;
  try {
    await client.update(
      CORE_V1("pods"),
      namespace,
      name,
      (current) => {
        // Re-derived from the current object: another writer may have changed the status meanwhile.
        if (current.metadata.uid !== pod.metadata.uid || (current.spec as { nodeName?: string }).nodeName)
          return current;
        const status = { ...((current.status as Record<string, unknown>) ?? {}) };
        const updated = unschedulableConditions(current, "Unschedulable", message, now);
        if (updated) status.conditions = updated;
        if (nominatedNodeName) status.nominatedNodeName = nominatedNodeName;
        else if (nominatedNodeName === "") delete status.nominatedNodeName;
        return { ...current, status };
      },
      "status",
    );
  } catch (err) {
    if (!isStale(err)) throw err;
  }
}

/**
 * prepareCandidate: each victim is marked DisruptionTarget (PreemptionByScheduler), deleted with its
 * grace period, and told why in a `Preempted` event.
 */
export async function preemptVictims(
  client: InProcessClient,
  preemptor: PodInfo,
  nodeName: string,
  victims: readonly PodInfo[],
  now: Date,
): Promise<void> {
  const schedulerName = (preemptor.pod.spec as { schedulerName?: string }).schedulerName ?? SCHEDULER_NAME;
  for (const victim of victims) {
    try {
      await client.update(
        CORE_V1("pods"),
        victim.namespace,
        victim.name,
        (current) => {
          const status = { ...((current.status as Record<string, unknown>) ?? {}) };
          const conditions = ((status.conditions as SchedulingCondition[] | undefined) ?? []).filter(
            (c) => c.type !== "DisruptionTarget",
          );
          conditions.push({
            type: "DisruptionTarget",
            status: "True",
            lastProbeTime: null,
            lastTransitionTime: kubeTime(now),
            reason: "PreemptionByScheduler",
            message: `${schedulerName}: preempting to accommodate a higher priority pod`,
          });
          return { ...current, status: { ...status, conditions } };
        },
        "status",
      );
      await client.delete(CORE_V1("pods"), victim.namespace, victim.name, { uid: victim.uid });
    } catch (err) {
      if (isStale(err)) continue;
      throw err;
    }
    await recordEvent(
      client,
      SOURCE,
      victim.pod,
      {
        type: "Normal",
        reason: "Preempted",
        message: `Preempted by pod ${preemptor.uid} on node ${nodeName}`,
      },
      now,
    );
  }
}
