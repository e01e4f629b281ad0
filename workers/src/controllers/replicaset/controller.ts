import type { Controller } from "../controller.ts";
import { CONTROLLER_NAME, ORPHANS, replicaSetKeysFor, wakeReplicaSetsSelectingOrphans } from "./keys.ts";
import { syncReplicaSet } from "./sync-replica-set.ts";

/**
 * kube-controller-manager's ReplicaSet controller: keeps spec.replicas pods of the template running,
 * named `<replicaset>-<5 random characters>` and controlled by the ReplicaSet, and reports their
 * counts in the status. See manage-replicas.ts for why racing workers never overshoot.
 */
export const replicasetController: Controller = {
  name: CONTROLLER_NAME,
  keysFor: replicaSetKeysFor,
  async reconcile(runtime, key) {
    if (key.name === ORPHANS) {
      await wakeReplicaSetsSelectingOrphans(runtime, key);
      return undefined;
    }
    return syncReplicaSet(runtime, key);
  },
};
