import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { NODE_LEASE_NAMESPACE } from "../../../../apps/api/src/kube/simulation/node-heartbeat.ts";
import { simulatedFailure } from "../../../../apps/api/src/kube/simulation/simulated-failure.ts";
import { clusterSpeed } from "../../runtime/cluster-speed.ts";
import type { Controller } from "../controller.ts";
import { taintsOf } from "../shared/taints.ts";
import { markPodsNotReady } from "./mark-pods-not-ready.ts";
import { readyStatus } from "./node-conditions.ts";
import { syncNodeLease } from "./node-lease.ts";
import { markUnknown, postKubeletStatus } from "./node-status.ts";
import { syncTaints } from "./sync-taints.ts";
import { evictPods } from "./taint-eviction.ts";
import { unreachableAt } from "./timing.ts";

const NODES = CORE_V1("nodes");
const NAME = "node-lifecycle";

/**
 * kube-controller-manager's node lifecycle and taint eviction controllers, plus the part of the
 * simulated kubelet that keeps a node's Lease and conditions (the kubelet of a node whose
 * `sandcastle.dev/simulated-failure` annotation is set has stopped). One key per node; it wakes on
 * the node's changes and its Lease's, and on pods created straight onto it. Everything timed (the
 * grace period, tolerationSeconds) is a requeue, so a healthy idle cluster has no work scheduled.
 */
export const nodeLifecycleController: Controller = {
  name: NAME,
  keysFor(change) {
    const key = (name: string) => [{ clusterId: change.clusterId, controller: NAME, namespace: "", name }];
    if (change.group === "" && change.resource === "nodes") return key(change.name);
    if (change.group === "coordination.k8s.io" && change.resource === "leases") {
      return change.namespace === NODE_LEASE_NAMESPACE && change.type !== "ADDED" ? key(change.name) : [];
    }
    if (change.group === "" && change.resource === "pods" && change.type === "ADDED") {
      const nodeName = (change.object.spec as { nodeName?: unknown } | undefined)?.nodeName;
      return typeof nodeName === "string" && nodeName !== "" ? key(nodeName) : [];
    }
    return [];
  },
  async reconcile(runtime, key) {
    const controllers = new InProcessClient(runtime, key.clusterId, "kube-controller-manager");
    const kubelet = new InProcessClient(runtime, key.clusterId, "kubelet");
    let node = await controllers.get(NODES, "", key.name);
    if (!node) return undefined;
    const now = runtime.clock.now();
    const speed = await clusterSpeed(runtime, key.clusterId);
    const wakeAt: number[] = [];

    // The simulated kubelet: renewals, and its status when it is (back) up.
    const lastRenewal = await syncNodeLease(kubelet, node, now);
    const failure = simulatedFailure(node);
    if (!failure) {
      node = await postKubeletStatus(kubelet, node, now);
    } else {
      // The node controller: no renewal within the grace period means the node is unreachable.
      const since = lastRenewal ?? failure.failedAt ?? new Date(node.metadata.creationTimestamp ?? 0);
      const deadline = unreachableAt(since, speed);
      if (deadline > now.getTime()) wakeAt.push(deadline);
      else node = await markUnknown(controllers, node, now);
    }

    let pods: KubeObject[] | undefined;
    const podsOnNode = async () => (pods ??= await listPodsOn(controllers, key.name));
    if (readyStatus(node) !== "True" && readyStatus(node) !== undefined)
      await markPodsNotReady(controllers, await podsOnNode(), now);

    node = await syncTaints(controllers, node, now);
    const noExecute = taintsOf(node).filter((t) => t.effect === "NoExecute");
    if (noExecute.length > 0) {
      const next = await evictPods(controllers, await podsOnNode(), noExecute, speed, now);
      if (next !== undefined) wakeAt.push(next);
    }
    if (wakeAt.length === 0) return undefined;
    return { requeueAfterMs: Math.max(0, Math.min(...wakeAt) - now.getTime()) };
  },
};

async function listPodsOn(client: InProcessClient, nodeName: string): Promise<KubeObject[]> {
  const pods = await client.list(CORE_V1("pods"));
  return pods.filter((p) => (p.spec as { nodeName?: unknown } | undefined)?.nodeName === nodeName);
}
