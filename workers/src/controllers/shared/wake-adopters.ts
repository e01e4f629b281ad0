import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  type LabelSelectorObject,
  matchesLabels,
  selectorFromLabelSelector,
} from "../../../../apps/api/src/kube/selectors/index.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import { fanOut } from "./namespace-keys.ts";

export function reconcileKey(
  controller: string,
  clusterId: string,
  namespace: string,
  name: string,
): ReconcileKey {
  return { clusterId, controller, namespace, name };
}

/**
 * The orphan key's reconcile of an adopting controller (upstream's "get owners for orphan" on add):
 * enqueues every live candidate owner of the namespace whose selector matches some orphan's labels,
 * so it may adopt it. `orphanKey` is the controller's namespace key the orphans woke.
 */
export async function wakeOwnersSelectingOrphans(
  runtime: Runtime,
  orphanKey: ReconcileKey,
  owners: readonly KubeObject[],
  selectorOf: (owner: KubeObject) => LabelSelectorObject | undefined,
  orphans: readonly KubeObject[],
): Promise<void> {
  const selecting = owners.filter((owner) => {
    if (owner.metadata.deletionTimestamp) return false;
    const selector = selectorFromLabelSelector(selectorOf(owner));
    return orphans.some((orphan) => matchesLabels(selector, orphan.metadata.labels));
  });
  await fanOut(
    runtime,
    orphanKey,
    selecting.map((owner) => owner.metadata.name ?? ""),
  );
}
