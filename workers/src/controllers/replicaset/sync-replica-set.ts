import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { matchesLabels, selectorFromLabelSelector } from "../../../../apps/api/src/kube/selectors/index.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { ReconcileResult } from "../../runtime/reconcile-worker.ts";
import { claimObjects, recheckOwner } from "../shared/controller-ref-manager.ts";
import { controllerOf } from "../shared/owners.ts";
import { podsToDelete } from "../shared/pod-deletion-order.ts";
import { isPodActive } from "../shared/pods.ts";
import { type ManageContext, manageReplicas, REPLICASET_CONTROLLER } from "./manage-replicas.ts";
import { asReplicaSet, REPLICASETS, type ReplicaSet } from "./replica-set.ts";
import { calculateStatus, failingSinceMs, nextAvailabilityCheckMs, writeStatus } from "./status.ts";

const PODS = CORE_V1("pods");

/**
 * syncReplicaSet (pkg/controller/replicaset/replica_set.go): claims the active pods it selects
 * (adopting orphans, releasing pods whose labels no longer match), creates or deletes pods to reach
 * spec.replicas, then writes the status. Timed: looks again when a ready pod becomes available
 * (minReadySeconds) and, while pods cannot be created, after a back-off growing with the failure's age.
 */
export async function syncReplicaSet(
  runtime: Runtime,
  key: ReconcileKey,
): Promise<ReconcileResult | undefined> {
  const client = new InProcessClient(runtime, key.clusterId, REPLICASET_CONTROLLER);
  const found = await client.get(REPLICASETS, key.namespace, key.name);
  if (!found) return undefined;
  const rs = asReplicaSet(found);
  const selector = selectorFromLabelSelector(rs.spec.selector);
  const allPods = await client.list(PODS, key.namespace);
  const pods = await claimObjects(allPods.filter(isPodActive), {
    client,
    owner: rs,
    resource: PODS,
    selector,
    canAdopt: recheckOwner(client, REPLICASETS, rs),
  });
  const now = runtime.clock.now();
  const ctx: ManageContext = { runtime, clusterId: key.clusterId, client, now };
  const manageError = rs.metadata.deletionTimestamp
    ? undefined
    : await manageReplicas(ctx, rs, pods, async (count) =>
        podsToDelete(pods, await relatedPods(client, rs, allPods), count, now),
      );
  const status = calculateStatus(rs, pods, manageError, now);
  const written = await writeStatus(client, rs, status);
  if (manageError) return { requeueAfterMs: Math.min(Math.max(failingSinceMs(written, now), 1000), 300_000) };
  const availableAfter = nextAvailabilityCheckMs(rs, pods, now);
  return availableAfter === undefined ? undefined : { requeueAfterMs: availableAfter };
}

/**
 * getIndirectlyRelatedPods: the pods of every ReplicaSet with the same controller (a Deployment's
 * old and new ReplicaSets), to prefer deleting pods doubled up on a node.
 */
async function relatedPods(
  client: InProcessClient,
  rs: ReplicaSet,
  allPods: readonly KubeObject[],
): Promise<KubeObject[]> {
  const owner = controllerOf(rs);
  if (!owner) return [];
  const siblings = (await client.list(REPLICASETS, rs.metadata.namespace)).filter(
    (other) => controllerOf(other)?.uid === owner.uid,
  );
  const selectors = siblings.map((s) => selectorFromLabelSelector(asReplicaSet(s).spec.selector));
  return allPods.filter((pod) => selectors.some((sel) => matchesLabels(sel, pod.metadata.labels)));
}
