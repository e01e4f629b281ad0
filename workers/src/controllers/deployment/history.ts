import { ApiError } from "../../../../apps/api/src/errors.ts";
import { REPLICASETS, type ReplicaSet, specReplicas, statusOf } from "../replicaset/replica-set.ts";
import { type Deployment, hasRevisionHistoryLimit } from "./deployment.ts";
import { byRevision } from "./replica-sets.ts";
import type { SyncContext } from "./sync-context.ts";

/**
 * cleanupDeployment: keeps the newest revisionHistoryLimit old ReplicaSets (what `kubectl rollout
 * undo` can go back to) and deletes older ones — only those scaled to 0, with no pods left and their
 * last scaling observed.
 */
export async function cleanupDeployment(
  ctx: SyncContext,
  oldRSs: ReplicaSet[],
  d: Deployment,
): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const excess = cleanable.length - (d.spec.revisionHistoryLimit ?? 0);
  for (const rs of cleanable.slice(0, Math.max(0, excess))) {
    const status = statusOf(rs);
    if ((status.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) continue;
    try {
      await ctx.client.delete(REPLICASETS, rs.metadata.namespace ?? "", rs.metadata.name ?? "");
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
    }
  }
}
