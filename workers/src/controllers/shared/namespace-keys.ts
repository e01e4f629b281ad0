import type { Change } from "../../../../apps/api/src/kube/store/types.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";

/**
 * "Everything of this controller in the namespace": the key a change wakes when keysFor cannot tell
 * which objects it concerns (a pod change and the Services or budgets selecting it; keysFor cannot
 * query). Its reconcile enqueues the key of each object of the namespace, so every object is still
 * converged under its own key only (never by two runs at once), and a burst of changes in the
 * namespace costs one pass over it, not one per change: waiting keys coalesce.
 */
export function namespaceKey(change: Change, controller: string): ReconcileKey {
  return { clusterId: change.clusterId, controller, namespace: change.namespace, name: "" };
}

export function isNamespaceKey(key: ReconcileKey): boolean {
  return key.name === "";
}

/** Enqueues the object keys a namespace key stands for. */
export async function fanOut(runtime: Runtime, key: ReconcileKey, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => runtime.reconcileQueue.enqueue({ ...key, name })));
}
