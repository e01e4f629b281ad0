/**
 * Taint-based eviction (pkg/controller/tainteviction, release-1.32, where it runs as its own
 * taint-eviction-controller): a pod on a node with NoExecute taints it does not tolerate is deleted
 * at once; one that tolerates them for tolerationSeconds is deleted when the shortest of those runs
 * out; one that tolerates them forever stays. Upstream keeps the timers in memory; here each pod's
 * deadline is computed from the taints' timeAdded and the reconcile is requeued for the earliest.
 */
import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { recordEvent } from "../../events/record-event.ts";
import { type SimulationSpeed, simulatedDelayMs } from "../../runtime/cluster-speed.ts";
import { type PodCondition, podCondition } from "../shared/pods.ts";
import { matchingTolerations, minTolerationSeconds, type Taint, tolerationsOf } from "../shared/taints.ts";

/**
 * When the pod must leave a node with these NoExecute taints: a time in ms, or undefined for never.
 * The clock starts when the first taint it tolerates only for a while was added, or when the pod
 * got to the node if that was later; at instant speed every tolerationSeconds is zero.
 */
export function evictionDeadline(
  pod: KubeObject,
  noExecute: readonly Taint[],
  speed: SimulationSpeed,
): number | undefined {
  if (noExecute.length === 0) return undefined;
  const used = matchingTolerations([...noExecute], tolerationsOf(pod));
  if (!used) return Number.NEGATIVE_INFINITY;
  const seconds = minTolerationSeconds(used);
  if (seconds === Number.POSITIVE_INFINITY) return undefined;
  // used[i] tolerates noExecute[i]; a taint tolerated forever starts no clock.
  const limitedSince = noExecute
    .filter((_, i) => typeof used[i]?.tolerationSeconds === "number")
    .map((t) => timeOf(t.timeAdded) ?? Number.POSITIVE_INFINITY);
  const taintedAt = Math.min(...limitedSince);
  const start = Math.max(Number.isFinite(taintedAt) ? taintedAt : 0, arrivedAt(pod));
  return start + simulatedDelayMs(speed, seconds * 1000);
}

/**
 * Evicts the pods whose deadline has passed and answers the earliest deadline still ahead (when
 * the reconcile must run again), if any.
 */
export async function evictPods(
  client: InProcessClient,
  pods: readonly KubeObject[],
  noExecute: readonly Taint[],
  speed: SimulationSpeed,
  now: Date,
): Promise<number | undefined> {
  let next: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const deadline = evictionDeadline(pod, noExecute, speed);
    if (deadline === undefined) continue;
    if (deadline > now.getTime()) {
      next = Math.min(next ?? deadline, deadline);
      continue;
    }
    await evictPod(client, pod, now);
  }
  return next;
}

/** deletePodHandler: the event, the DisruptionTarget condition, then the delete. */
async function evictPod(client: InProcessClient, pod: KubeObject, now: Date): Promise<void> {
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  await recordEvent(
    client,
    { component: "taint-eviction-controller" },
    pod,
    {
      type: "Normal",
      reason: "TaintManagerEviction",
      message: `Marking for deletion Pod ${namespace}/${name}`,
    },
    now,
  );
  const uid = pod.metadata.uid ?? "";
  try {
    await client.update(
      CORE_V1("pods"),
      namespace,
      name,
      (current) => {
        // A pod of the same name is another pod (a StatefulSet's replacement): not this eviction's.
        if (current.metadata.uid !== uid) throw new ApiError("NotFound", "pod was replaced");
        return withDisruptionTarget(current, now);
      },
      "status",
    );
    await client.delete(CORE_V1("pods"), namespace, name, { uid });
  } catch (err) {
    // Gone or replaced: the eviction happened.
    if (!(err instanceof ApiError && (err.reason === "NotFound" || err.reason === "Conflict"))) throw err;
  }
}

function withDisruptionTarget(pod: KubeObject, now: Date): KubeObject {
  const next = structuredClone(pod);
  const status = (next.status ?? {}) as { conditions?: PodCondition[] };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
  const previous = podCondition(pod, "DisruptionTarget");
  conditions.push({
    type: "DisruptionTarget",
    status: "True",
    reason: "DeletionByTaintManager",
    message: "Taint manager: deleting due to NoExecute taint",
    lastTransitionTime:
      previous?.status === "True" && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : kubeTime(now),
  });
  status.conditions = conditions;
  next.status = status;
  return next;
}

/** When the pod was bound to its node (PodScheduled), else when it was created. */
function arrivedAt(pod: KubeObject): number {
  return (
    timeOf(podCondition(pod, "PodScheduled")?.lastTransitionTime) ??
    timeOf(pod.metadata.creationTimestamp) ??
    0
  );
}

function timeOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
