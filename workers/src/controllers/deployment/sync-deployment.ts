import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { ReconcileResult } from "../../runtime/reconcile-worker.ts";
import {
  asDeployment,
  DEPLOYMENT_CONTROLLER,
  DEPLOYMENTS,
  type Deployment,
  isRollingUpdate,
} from "./deployment.ts";
import { rolloutRecreate } from "./recreate.ts";
import { replicaSetsForDeployment } from "./replica-sets.ts";
import { rolloutRolling } from "./rolling.ts";
import { checkPausedConditions, isScalingEvent, syncScaling, syncStatusOnly } from "./sync.ts";
import { SyncContext } from "./sync-context.ts";

/**
 * syncDeployment (deployment_controller.go), in upstream's order of precedence: a Deployment being
 * deleted only gets its status; paused, it only scales; a changed spec.replicas is a scaling event;
 * otherwise the strategy rolls out. (`kubectl rollout undo` needs nothing here: kubectl 1.32 patches the
 * old template back, and the old ReplicaSet becomes the new one with the next revision.)
 *
 * Concurrency: the ReplicaSet is named after the template hash, so racing creations meet
 * AlreadyExists; every ReplicaSet write carries the resourceVersion it was decided on, so a decision
 * taken on a stale read fails with a Conflict and the sync starts over; and pods are only ever
 * created by the ReplicaSet controller, whose locked check keeps each ReplicaSet within its
 * spec.replicas. The rolling-update bounds hold on the ReplicaSets' spec.replicas.
 */
export async function syncDeployment(
  runtime: Runtime,
  key: ReconcileKey,
): Promise<ReconcileResult | undefined> {
  const client = new InProcessClient(runtime, key.clusterId, DEPLOYMENT_CONTROLLER);
  const found = await client.get(DEPLOYMENTS, key.namespace, key.name);
  if (!found) return undefined;
  const d = asDeployment(found);
  const ctx = new SyncContext(runtime, client, runtime.clock.now());
  if (selectsEverything(d)) {
    await ctx.event(
      d,
      "Warning",
      "SelectingAll",
      "This deployment is selecting all pods. A non-empty selector is required.",
    );
    if ((d.status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      d.status.observedGeneration = d.metadata.generation;
      await ctx.writeStatus(d);
    }
    return undefined;
  }
  const rsList = await replicaSetsForDeployment(client, d);
  if (d.metadata.deletionTimestamp) await syncStatusOnly(ctx, d, rsList);
  else {
    await checkPausedConditions(ctx, d);
    if (d.spec.paused || (await isScalingEvent(ctx, d, rsList))) await syncScaling(ctx, d, rsList);
    else if (isRollingUpdate(d)) await rolloutRolling(ctx, d, rsList);
    else await rolloutRecreate(ctx, d, rsList);
  }
  return ctx.requeueAfterMs === undefined ? undefined : { requeueAfterMs: ctx.requeueAfterMs };
}

/** An empty selector (validation refuses it, but an old object may have one) would claim every pod. */
function selectsEverything(d: Deployment): boolean {
  const selector = d.spec.selector ?? {};
  return (
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0
  );
}
