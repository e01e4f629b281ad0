import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Change } from "../../../../apps/api/src/kube/store/types.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import { controllerOf } from "../shared/owners.ts";
import { isPodActive } from "../shared/pods.ts";
import { reconcileKey, wakeOwnersSelectingOrphans } from "../shared/wake-adopters.ts";
import { REPLICASET_CONTROLLER } from "./manage-replicas.ts";
import { asReplicaSet, REPLICASETS } from "./replica-set.ts";

export const CONTROLLER_NAME = "replicaset";

/** The key of a namespace's orphan pods: no ReplicaSet is named "" (names are never empty). */
export const ORPHANS = "";

const keyOf = (clusterId: string, namespace: string, name: string): ReconcileKey =>
  reconcileKey(CONTROLLER_NAME, clusterId, namespace, name);

/**
 * A ReplicaSet change wakes that ReplicaSet; a pod change wakes the ReplicaSet controlling it, or,
 * for a pod without a controller, the namespace's orphan key, whose reconcile wakes the ReplicaSets
 * selecting it (upstream's getPodReplicaSets on add/update).
 */
export function replicaSetKeysFor(change: Change): ReconcileKey[] {
  if (change.group === "apps" && change.resource === "replicasets") {
    return [keyOf(change.clusterId, change.namespace, change.name)];
  }
  if (change.group !== "" || change.resource !== "pods") return [];
  const ref = controllerOf(change.object);
  if (ref) return ref.kind === "ReplicaSet" ? [keyOf(change.clusterId, change.namespace, ref.name)] : [];
  if (change.type === "DELETED") return [];
  return [keyOf(change.clusterId, change.namespace, ORPHANS)];
}

/** The orphan key's reconcile: wakes every live ReplicaSet of the namespace selecting an active orphan. */
export async function wakeReplicaSetsSelectingOrphans(runtime: Runtime, key: ReconcileKey): Promise<void> {
  const client = new InProcessClient(runtime, key.clusterId, REPLICASET_CONTROLLER);
  const orphans = (await client.list(CORE_V1("pods"), key.namespace)).filter(
    (pod) => isPodActive(pod) && !controllerOf(pod),
  );
  if (orphans.length === 0) return;
  const owners = await client.list(REPLICASETS, key.namespace);
  await wakeOwnersSelectingOrphans(runtime, key, owners, (rs) => asReplicaSet(rs).spec.selector, orphans);
}
