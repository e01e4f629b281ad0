import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { syncClaim } from "./claim-sync.ts";
import { claimNamesOf } from "./consumers.ts";
import { ANN_BIND_COMPLETED, binderContext, type ClaimRef, COMPONENT, PVCS } from "./context.ts";
import { syncVolume } from "./volume-sync.ts";

const NAME = "persistentvolume-binder";

/*
 * Keys: a claim is (its namespace, its name); a volume, being cluster-scoped, is ("", its name);
 * ("", "") stands for every unbound claim of the cluster, which a StorageClass change may affect.
 */
const isClaimKey = (key: ReconcileKey) => key.namespace !== "";
const isResyncKey = (key: ReconcileKey) => key.namespace === "" && key.name === "";

/**
 * kube-controller-manager's persistent volume binder with its pvc-protection and pv-protection
 * controllers (pkg/controller/volume/persistentvolume, pvcprotection, pvprotection; release-1.32),
 * plus the simulated external provisioner of the cluster's StorageClasses and the volume part of
 * the scheduler a WaitForFirstConsumer claim waits for.
 */
export const persistentvolumeBinderController: Controller = {
  name: NAME,
  keysFor(change) {
    const key = (namespace: string, name: string) => ({
      clusterId: change.clusterId,
      controller: NAME,
      namespace,
      name,
    });
    if (change.group === "storage.k8s.io" && change.resource === "storageclasses") return [key("", "")];
    if (change.group !== "") return [];
    const spec = change.object.spec as { volumeName?: string; claimRef?: ClaimRef | null } | undefined;
    switch (change.resource) {
      case "persistentvolumeclaims": {
        const keys = [key(change.namespace, change.name)];
        // A deleted claim releases its volume.
        if (change.type === "DELETED" && spec?.volumeName) keys.push(key("", spec.volumeName));
        return keys;
      }
      case "persistentvolumes": {
        const keys = [key("", change.name)];
        const ref = spec?.claimRef;
        if (ref?.namespace && ref.name) keys.push(key(ref.namespace, ref.name));
        return keys;
      }
      case "pods":
        // Its claims: to pick a node once it is bound, to release them once it is gone.
        return [...new Set(claimNamesOf(change.object))].map((claim) => key(change.namespace, claim));
      default:
        return [];
    }
  },
  async reconcile(runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, COMPONENT);
    const ctx = binderContext(client, key.clusterId, runtime.clock.now());
    if (isResyncKey(key)) {
      const unbound = (await client.list(PVCS)).filter(
        (c) => c.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined,
      );
      await Promise.all(
        unbound.map((c) =>
          runtime.reconcileQueue.enqueue({
            ...key,
            namespace: c.metadata.namespace ?? "",
            name: c.metadata.name ?? "",
          }),
        ),
      );
    } else if (isClaimKey(key)) {
      await syncClaim(ctx, key.namespace, key.name);
    } else {
      await syncVolume(ctx, key.name);
    }
    return undefined;
  },
};
