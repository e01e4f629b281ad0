/**
 * What the endpoints and endpointslice controllers share in syncing one Service's pods: the key
 * handling, the pods a Service selects, and how a pod is referred to from an endpoint.
 */
import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { labelSelectorToString, selectorFromSet } from "../../../../apps/api/src/kube/selectors/index.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { fanOut, isNamespaceKey } from "./namespace-keys.ts";
import { managedSelector, selectorServiceNames } from "./service-endpoints.ts";

/**
 * A reconcile keyed by Service: a namespace key (a pod changed) wakes every selector Service of the
 * namespace; a Service key runs `syncService` with a client writing as `manager`.
 */
export function reconcileServiceKeys(
  manager: string,
  syncService: (runtime: Runtime, client: InProcessClient, key: ReconcileKey) => Promise<void>,
): Controller["reconcile"] {
  return async (runtime, key) => {
    const client = new InProcessClient(runtime, key.clusterId, manager);
    if (isNamespaceKey(key)) {
      await fanOut(runtime, key, await selectorServiceNames(client, key.namespace));
      return undefined;
    }
    await syncService(runtime, client, key);
    return undefined;
  };
}

/** The pods `svc` selects, or undefined for a Service whose endpoints the controllers leave alone. */
export async function podsSelectedBy(
  client: InProcessClient,
  namespace: string,
  svc: KubeObject,
): Promise<KubeObject[] | undefined> {
  const selector = managedSelector(svc);
  if (!selector) return undefined;
  return client.list(CORE_V1("pods"), namespace, labelSelectorToString(selectorFromSet(selector)));
}

/** An endpoint's reference to the pod behind it (ObjectReference without a resourceVersion). */
export function podTargetRef(pod: KubeObject): {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
} {
  return {
    kind: "Pod",
    namespace: pod.metadata.namespace ?? "",
    name: pod.metadata.name ?? "",
    uid: pod.metadata.uid ?? "",
  };
}
