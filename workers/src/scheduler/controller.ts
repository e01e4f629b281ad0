/**
 * kube-scheduler for one cluster at a time. One key per cluster: a pass reads nodes and pods once,
 * places every pending pod in queue order against an in-memory view that takes in each decision,
 * then binds (a few at a time) and reports the pods that found no node.
 */
import { CORE_V1, InProcessClient } from "../../../apps/api/src/kube/client/in-process-client.ts";
import type { Change } from "../../../apps/api/src/kube/store/types.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import type { Controller } from "../controllers/controller.ts";
import { isPodTerminal } from "../controllers/shared/pods.ts";
import { clusterSpeed } from "../runtime/cluster-speed.ts";
import type { ReconcileKey } from "../runtime/reconcile-key.ts";
import { bindPods, FIELD_MANAGER, preemptVictims, recordUnschedulable } from "./bind.ts";
import { planPass } from "./plan-pass.ts";
import { podInfo } from "./pod-info.ts";
import { isMarkedUnschedulable, isPendingForScheduler, schedulingOrder } from "./queue.ts";
import { readSnapshot } from "./read-snapshot.ts";
import { runLimited } from "./run-limited.ts";

const NAME = "scheduler";

/** How many status writes of a pass run at once. */
const WRITE_CONCURRENCY = 16;

/**
 * While a pod finds no node, the pass is repeated after this long even if nothing changes
 * (podMaxBackoffSeconds); changes to nodes and freed capacity retry at once.
 */
const RETRY_MS = { realistic: 10_000, instant: 2_000 } as const;

const clusterKey = (clusterId: string): ReconcileKey => ({
  clusterId,
  controller: NAME,
  namespace: "",
  name: "",
});

/** Which changes may let a pending pod be placed, or bring one. */
function wakesScheduler(change: Change): boolean {
  if (change.group !== "") return false;
  // A node, or a claim a pending pod may wait for (created, bound).
  if (change.resource === "nodes" || change.resource === "persistentvolumeclaims") return true;
  if (change.resource !== "pods") return false;
  const pod = change.object;
  const bound = Boolean((pod.spec as { nodeName?: string } | undefined)?.nodeName);
  if (bound) {
    // Room freed on a node: the pod is gone, or finished (the scheduler stops counting it).
    return change.type === "DELETED" || isPodTerminal(pod);
  }
  if (change.type === "DELETED" || !isPendingForScheduler(pod)) return false;
  // A pod already found unschedulable waits for the cluster to change (or the retry), not for its
  // own status writes.
  return change.type === "ADDED" || !isMarkedUnschedulable(pod);
}

async function reconcile(runtime: Runtime, key: ReconcileKey) {
  const client = new InProcessClient(runtime, key.clusterId, FIELD_MANAGER);
  const pods = await client.list(CORE_V1("pods"));
  const pending = pods.filter(isPendingForScheduler).map(podInfo).sort(schedulingOrder);
  if (pending.length === 0) return undefined;
  const pass = planPass(await readSnapshot(client, pods, pending), pending);
  const now = runtime.clock.now();

  await bindPods(
    runtime,
    key.clusterId,
    pass.binds.map(({ pod, nodeName }) => ({ pod: pod.pod, nodeName })),
    now,
  );
  for (const p of pass.preemptions) await preemptVictims(client, p.pod, p.nodeName, p.victims, now);
  await runLimited(pass.failures, WRITE_CONCURRENCY, ({ pod, message, nominatedNodeName }) =>
    recordUnschedulable(client, pod.pod, message, now, nominatedNodeName),
  );
  if (pass.failures.length === 0) return undefined;
  return { requeueAfterMs: RETRY_MS[await clusterSpeed(runtime, key.clusterId)] };
}

export const schedulerController: Controller = {
  name: NAME,
  keysFor: (change) => (wakesScheduler(change) ? [clusterKey(change.clusterId)] : []),
  reconcile,
};
