import type { KubeObject, ObjectRef } from "../../object/types.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import type { KubeRequest } from "./context.ts";

/**
 * An update that removes the last finalizer of an object marked for deletion with no grace period
 * left deletes it (the generic store's shouldDeleteDuringUpdate). Any other update of a terminating
 * object keeps it: a kubelet reporting the status of a pod in its grace period must not end it.
 * Returns the deleted object's last state, or undefined when it stays.
 */
export async function removeIfFinalized(
  req: KubeRequest,
  tx: StoreTransaction,
  ref: ObjectRef,
  previous: KubeObject,
  written: KubeObject,
): Promise<KubeObject | undefined> {
  const { deletionTimestamp, deletionGracePeriodSeconds, finalizers } = written.metadata;
  if (!deletionTimestamp || (finalizers?.length ?? 0) > 0) return undefined;
  if ((previous.metadata.finalizers?.length ?? 0) === 0) return undefined;
  if (deletionGracePeriodSeconds !== 0) return undefined;
  const gone = await tx.delete(ref);
  await req.def.strategy.afterDelete?.(gone, { now: req.now, clusterId: req.clusterId, dryRun: false, tx });
  return gone;
}
