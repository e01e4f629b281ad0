import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Change } from "../../../../apps/api/src/kube/store/types.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import { REPLICASETS } from "../replicaset/replica-set.ts";
import { controllerOf } from "../shared/owners.ts";
import { reconcileKey, wakeOwnersSelectingOrphans } from "../shared/wake-adopters.ts";
import { asDeployment, DEPLOYMENT_CONTROLLER, DEPLOYMENTS, POD_TEMPLATE_HASH } from "./deployment.ts";

export const CONTROLLER_NAME = "deployment";

/** The key of a namespace's orphan ReplicaSets: no Deployment is named "". */
export const ORPHANS = "";

const keyOf = (clusterId: string, namespace: string, name: string): ReconcileKey =>
  reconcileKey(CONTROLLER_NAME, clusterId, namespace, name);

/**
 * A Deployment change wakes it; a ReplicaSet change wakes the Deployment controlling it (orphans: the
 * namespace key, which wakes the Deployments selecting them); a deleted pod wakes its Deployment,
 * which a Recreate rollout waits for. The pod's Deployment is found without a read: its ReplicaSet
 * is named `<deployment>-<pod-template-hash>` and the pod carries that hash.
 */
export function deploymentKeysFor(change: Change): ReconcileKey[] {
  const { clusterId, namespace } = change;
  if (change.group === "apps" && change.resource === "deployments")
    return [keyOf(clusterId, namespace, change.name)];
  if (change.group === "apps" && change.resource === "replicasets") {
    const ref = controllerOf(change.object);
    if (ref) return ref.kind === "Deployment" ? [keyOf(clusterId, namespace, ref.name)] : [];
    return change.type === "DELETED" ? [] : [keyOf(clusterId, namespace, ORPHANS)];
  }
  if (change.group === "" && change.resource === "pods" && change.type === "DELETED") {
    const ref = controllerOf(change.object);
    const hash = change.object.metadata.labels?.[POD_TEMPLATE_HASH];
    if (ref?.kind !== "ReplicaSet" || !hash || !ref.name.endsWith(`-${hash}`)) return [];
    return [keyOf(clusterId, namespace, ref.name.slice(0, -hash.length - 1))];
  }
  return [];
}

/** The orphan key's reconcile: wakes every live Deployment of the namespace selecting an orphan ReplicaSet. */
export async function wakeDeploymentsSelectingOrphans(runtime: Runtime, key: ReconcileKey): Promise<void> {
  const client = new InProcessClient(runtime, key.clusterId, DEPLOYMENT_CONTROLLER);
  const orphans = (await client.list(REPLICASETS, key.namespace)).filter(
    (rs) =>
      !controllerOf(rs) && !rs.metadata.deletionTimestamp && Object.keys(rs.metadata.labels ?? {}).length > 0,
  );
  if (orphans.length === 0) return;
  const owners = await client.list(DEPLOYMENTS, key.namespace);
  await wakeOwnersSelectingOrphans(runtime, key, owners, (d) => asDeployment(d).spec.selector, orphans);
}
