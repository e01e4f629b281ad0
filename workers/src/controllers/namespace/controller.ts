import { ApiError } from "../../../../apps/api/src/errors.ts";
import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { storageDefinition } from "../../../../apps/api/src/kube/registry/registry.ts";
import type { ObjectRef } from "../../../../apps/api/src/kube/store/types.ts";
import type { Controller } from "../controller.ts";

const NAME = "namespace";
/** A terminating namespace whose content waits on someone else (a finalizer, a dead node) is looked at again. */
const RECHECK_MS = 5_000;

const nsRef = (name: string): ObjectRef => ({ group: "", resource: "namespaces", namespace: "", name });

/**
 * The namespace controller (pkg/controller/namespace): a Terminating namespace has everything in it
 * deleted through the API as a user's delete would (pods terminate gracefully, dependents cascade,
 * finalizers are honoured); once nothing is left, the `kubernetes` finalizer is removed and the
 * namespace goes. Woken by the namespace's deletion and by each deletion inside it.
 */
export const namespaceController: Controller = {
  name: NAME,
  keysFor(change) {
    const key = (namespace: string) => [
      { clusterId: change.clusterId, controller: NAME, namespace: "", name: namespace },
    ];
    if (change.group === "" && change.resource === "namespaces") {
      return change.type !== "DELETED" && change.object.metadata.deletionTimestamp ? key(change.name) : [];
    }
    return change.type === "DELETED" && change.namespace ? key(change.namespace) : [];
  },
  async reconcile(runtime, key) {
    const { store } = runtime;
    const ns = await store.get(key.clusterId, nsRef(key.name));
    if (!ns?.metadata.deletionTimestamp) return undefined;
    const remaining = await store.transact(key.clusterId, (tx) => tx.refsInNamespace(key.name));
    if (remaining.length === 0) {
      await store.transact(key.clusterId, async (tx) => {
        // Nothing can be created in a terminating namespace, but check again under the lock.
        if ((await tx.refsInNamespace(key.name)).length > 0) return;
        if (await tx.get(nsRef(key.name))) await tx.delete(nsRef(key.name));
      });
      return undefined;
    }
    const client = new InProcessClient(runtime, key.clusterId, "namespace-controller");
    for (const ref of remaining) {
      const def = storageDefinition(ref.group, ref.resource);
      if (!def) continue;
      await client
        .delete({ group: def.group, version: def.version, resource: def.resource }, ref.namespace, ref.name)
        .catch((err: unknown) => {
          // Gone meanwhile (a cascade got there first): fine.
          if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
        });
    }
    return { requeueAfterMs: RECHECK_MS };
  },
};
