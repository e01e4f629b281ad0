/**
 * The DaemonSet rolling update (update.go rollingUpdate, updatedDesiredNodeCounts,
 * findUpdatedPodsOnNode; release-1.32). Without surge, old pods are deleted while at most
 * maxUnavailable nodes lack an available pod and manage() recreates them; with maxSurge, a new pod is
 * started next to the old one, which goes once the new one is available.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { scaledValue } from "../shared/int-or-percent.ts";
import { isPodAvailable } from "../shared/pods.ts";
import { nodeShouldRunDaemonPod } from "./eligibility.ts";
import { type DaemonContext, type NodeToPods, nodesToDaemonPods, syncNodes } from "./manage.ts";
import { isPodUpdated, minReadySecondsOf, specOf, templateGeneration } from "./types.ts";

/** util.SurgeCount for a RollingUpdate DaemonSet (DaemonSetUpdateSurge is GA). */
export function surgeCount(ds: KubeObject, desired: number): number {
  const strategy = specOf(ds).updateStrategy;
  if (strategy?.type === "OnDelete") return 0;
  return scaledValue(strategy?.rollingUpdate?.maxSurge, desired, true);
}

/** updatedDesiredNodeCounts: surge and unavailability budgets; both 0 means one unavailable. */
function budgets(ctx: DaemonContext, byNode: NodeToPods): { maxSurge: number; maxUnavailable: number } {
  let desired = 0;
  for (const node of ctx.nodes) {
    if (!nodeShouldRunDaemonPod(node, ctx.ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata.name ?? "")) byNode.set(node.metadata.name ?? "", []);
  }
  const maxSurge = surgeCount(ctx.ds, desired);
  let maxUnavailable = scaledValue(
    specOf(ctx.ds).updateStrategy?.rollingUpdate?.maxUnavailable,
    desired,
    true,
  );
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, or not ok. */
function podsOnNode(ctx: DaemonContext, pods: KubeObject[]) {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  const generation = templateGeneration(ctx.ds);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, ctx.hash, generation)) {
      if (newPod) return { ok: false as const };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false as const };
      oldPod = pod;
    }
  }
  return { ok: true as const, newPod, oldPod };
}

export async function rollingUpdate(ctx: DaemonContext, pods: KubeObject[]): Promise<void> {
  const byNode = nodesToDaemonPods(pods);
  const { maxSurge, maxUnavailable } = budgets(ctx, byNode);
  const minReady = minReadySecondsOf(ctx.ds);
  const available = (pod: KubeObject) => isPodAvailable(pod, minReady, ctx.now);

  if (maxSurge === 0) {
    let unavailable = 0;
    const replaceNow: KubeObject[] = [];
    const candidates: KubeObject[] = [];
    for (const pods of byNode.values()) {
      const found = podsOnNode(ctx, pods);
      if (!found.ok) {
        unavailable++;
        continue;
      }
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod && !available(oldPod)) replaceNow.push(oldPod);
      else if (oldPod && unavailable < maxUnavailable) candidates.push(oldPod);
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    await syncNodes(ctx, [...replaceNow, ...candidates.slice(0, room)], []);
    return;
  }

  const oldToDelete: KubeObject[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surging = 0;
  const nodes = new Map(ctx.nodes.map((n) => [n.metadata.name ?? "", n]));
  for (const [nodeName, pods] of byNode) {
    const found = podsOnNode(ctx, pods);
    if (!found.ok) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        const node = nodes.get(nodeName);
        if (node && nodeShouldRunDaemonPod(node, ctx.ds).shouldRun) allowedNodes.push(nodeName);
      } else if (surging < maxSurge) {
        candidateNodes.push(nodeName);
      }
    } else if (!available(newPod)) {
      surging++;
    } else {
      oldToDelete.push(oldPod);
    }
  }
  const room = Math.min(Math.max(0, maxSurge - surging), candidateNodes.length);
  await syncNodes(ctx, oldToDelete, [...allowedNodes, ...candidateNodes.slice(0, room)]);
}
