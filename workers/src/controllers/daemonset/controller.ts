import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  isEverythingLabels,
  type LabelSelector,
  selectorFromLabelSelector,
} from "../../../../apps/api/src/kube/selectors/index.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { claimObjects, recheckOwner } from "../shared/controller-ref-manager.ts";
import { controllerOf } from "../shared/owners.ts";
import { cleanupHistory, constructHistory } from "./history.ts";
import { type DaemonContext, event, manage } from "./manage.ts";
import { rollingUpdate, surgeCount } from "./rolling-update.ts";
import { countDaemonPods, storeStatus } from "./status.ts";
import { COMPONENT, DAEMONSETS, minReadySecondsOf, specOf } from "./types.ts";

const PODS = CORE_V1("pods");

/** The key of "every DaemonSet of the cluster": what a node change wakes. */
const isClusterKey = (key: ReconcileKey) => key.namespace === "" && key.name === "";

/**
 * kube-controller-manager's DaemonSet controller (pkg/controller/daemon, release-1.32): one pod per
 * eligible node, following nodes as they come, go and change, with revision history and rolling
 * updates.
 */
export const daemonsetController: Controller = {
  name: "daemonset",
  keysFor(change) {
    const key = (namespace: string, name: string) => ({
      clusterId: change.clusterId,
      controller: "daemonset",
      namespace,
      name,
    });
    const owner = controllerOf(change.object);
    if (change.group === "apps" && change.resource === "daemonsets")
      return [key(change.namespace, change.name)];
    if (change.group === "apps" && change.resource === "controllerrevisions") {
      return owner?.kind === "DaemonSet" ? [key(change.namespace, owner.name)] : [];
    }
    if (change.group !== "") return [];
    if (change.resource === "pods")
      return owner?.kind === "DaemonSet" ? [key(change.namespace, owner.name)] : [];
    // Any node change may change where every DaemonSet should run.
    if (change.resource === "nodes") return [key("", "")];
    return [];
  },
  async reconcile(runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, COMPONENT);
    if (isClusterKey(key)) {
      const all = await client.list(DAEMONSETS);
      await Promise.all(
        all.map((ds) =>
          runtime.reconcileQueue.enqueue({
            ...key,
            namespace: ds.metadata.namespace ?? "",
            name: ds.metadata.name ?? "",
          }),
        ),
      );
      return undefined;
    }
    const ds = await client.get(DAEMONSETS, key.namespace, key.name);
    if (!ds) return undefined;
    const now = runtime.clock.now();
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(specOf(ds).selector);
    } catch {
      return undefined;
    }
    const ctx: DaemonContext = { client, ds, nodes: [], hash: "", now };
    if (isEverythingLabels(selector)) {
      await event(
        ctx,
        "Warning",
        "SelectingAll",
        "This daemon set is selecting all pods. A non-empty selector is required.",
      );
      return undefined;
    }
    // With the set being deleted its pods and revisions may be half gone: status would lie.
    if (ds.metadata.deletionTimestamp) return undefined;

    ctx.nodes = await client.list(CORE_V1("nodes"));
    let pods = await daemonPods(client, ds, selector);
    const history = await constructHistory(client, ds, selector, pods);
    ctx.hash = history.hash;
    let failure: unknown;
    try {
      const changed = await manage(ctx, pods, surgeCount(ds, 1) > 0);
      // Like upstream's expectations: the rolling update waits until the pods just created or
      // deleted are seen (their changes wake this key again).
      if (!changed && (specOf(ds).updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") {
        await rollingUpdate(ctx, pods);
      }
      pods = await daemonPods(client, ds, selector);
      await cleanupHistory(client, ds, history.old, pods);
    } catch (err) {
      failure = err;
      pods = await daemonPods(client, ds, selector);
    }
    const counts = countDaemonPods(ctx, pods);
    await storeStatus(ctx, counts, true);
    if (failure !== undefined) throw failure;
    // Ready pods become available minReadySeconds later: look again then.
    const minReadySeconds = minReadySecondsOf(ds);
    if (minReadySeconds > 0 && counts.numberReady !== counts.numberAvailable) {
      return { requeueAfterMs: minReadySeconds * 1000 };
    }
    return undefined;
  },
};

/** getDaemonPods: the pods the set controls and selects; matching orphans are adopted. */
async function daemonPods(
  client: InProcessClient,
  ds: KubeObject,
  selector: LabelSelector,
): Promise<KubeObject[]> {
  return claimObjects(await client.list(PODS, ds.metadata.namespace ?? ""), {
    client,
    owner: ds,
    resource: PODS,
    selector,
    canAdopt: recheckOwner(client, DAEMONSETS, ds),
  });
}
