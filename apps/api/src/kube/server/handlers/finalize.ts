import type { KubeObject, ObjectRef } from "../../object/types.ts";
import type { StoreTransaction } from "../../store/transaction.ts";
import type { KubeRequest } from "./context.ts";

/**
 * An object marked for deletion goes away once its last finalizer is removed. Returns the deleted
 * object's last state, or undefined when it stays.
 */
export async function removeIfFinalized(
  req: KubeRequest,
  tx: StoreTransaction,
  ref: ObjectRef,
  obj: KubeObject,
): Promise<KubeObject | undefined> {
  if (!obj.metadata.deletionTimestamp || (obj.metadata.finalizers?.length ?? 0) > 0) return undefined;
  const gone = await tx.delete(ref);
  await req.def.strategy.afterDelete?.(gone, { now: req.now, clusterId: req.clusterId, dryRun: false, tx });
  return gone;
}
