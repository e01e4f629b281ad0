import { CORE_V1 } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { matchesLabels, selectorFromLabelSelector } from "../../../../apps/api/src/kube/selectors/index.ts";
import type { ReplicaSet } from "../replicaset/replica-set.ts";
import { controllerOf } from "../shared/owners.ts";
import { podPhase } from "../shared/pods.ts";
import { type Deployment, desiredReplicas } from "./deployment.ts";
import { cleanupDeployment } from "./history.ts";
import { replicaSetsAndSyncRevision } from "./new-replica-set.ts";
import { deploymentComplete, syncRolloutStatus } from "./progress.ts";
import { activeReplicaSets, actualReplicaCount } from "./replica-sets.ts";
import { scaleReplicaSetAndRecordEvent } from "./scale.ts";
import type { SyncContext } from "./sync-context.ts";

/**
 * rolloutRecreate (recreate.go): scale every old ReplicaSet to 0, wait until none of their pods
 * runs any more (terminating ones included), and only then create and scale up the new ReplicaSet.
 */
export async function rolloutRecreate(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  // Not created yet, so that nothing scales up before the old pods are gone.
  let { newRS, oldRSs } = await replicaSetsAndSyncRevision(ctx, d, rsList, false);
  let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ctx, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, await podsByReplicaSet(ctx, d, rsList))) {
    return syncRolloutStatus(ctx, allRSs, newRS, d);
  }
  if (!newRS) {
    ({ newRS, oldRSs } = await replicaSetsAndSyncRevision(ctx, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ctx, newRS, desiredReplicas(d), d);
  if (deploymentComplete(d, d.status)) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, allRSs, newRS, d);
}

/** getPodMapForDeployment: the pods the Deployment selects, by the uid of the ReplicaSet controlling them. */
async function podsByReplicaSet(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]) {
  const selector = selectorFromLabelSelector(d.spec.selector);
  const pods = (await ctx.client.list(CORE_V1("pods"), d.metadata.namespace)).filter((p) =>
    matchesLabels(selector, p.metadata.labels),
  );
  const byUid = new Map<string, KubeObject[]>(rsList.map((rs) => [rs.metadata.uid ?? "", []]));
  for (const pod of pods) byUid.get(controllerOf(pod)?.uid ?? "")?.push(pod);
  return byUid;
}

/** oldPodsRunning: old ReplicaSets still report pods, or one of their pods has not finished. */
function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
  pods: Map<string, KubeObject[]>,
) {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, list] of pods) {
    if (newRS && uid === newRS.metadata.uid) continue;
    if (list.some((p) => podPhase(p) !== "Succeeded" && podPhase(p) !== "Failed")) return true;
  }
  return false;
}
