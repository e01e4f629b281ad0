/**
 * DaemonSet status (daemon_controller.go updateDaemonSetStatus, storeDaemonSetStatus; release-1.32):
 * the counts `kubectl get ds` shows and `kubectl rollout status ds/…` waits on.
 */
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodAvailable, isPodReady } from "../shared/pods.ts";
import { nodeShouldRunDaemonPod } from "./eligibility.ts";
import { type DaemonContext, nodesToDaemonPods, oldestFirst } from "./manage.ts";
import { DAEMONSETS, isPodUpdated, minReadySecondsOf, templateGeneration } from "./types.ts";

export interface DaemonSetCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export function countDaemonPods(ctx: DaemonContext, pods: KubeObject[]): DaemonSetCounts {
  const byNode = nodesToDaemonPods(pods);
  const counts: DaemonSetCounts = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  const generation = templateGeneration(ctx.ds);
  for (const node of ctx.nodes) {
    const onNode = byNode.get(node.metadata.name ?? "") ?? [];
    if (!nodeShouldRunDaemonPod(node, ctx.ds).shouldRun) {
      if (onNode.length > 0) counts.numberMisscheduled++;
      continue;
    }
    counts.desiredNumberScheduled++;
    const pod = oldestFirst(onNode)[0];
    if (!pod) continue;
    counts.currentNumberScheduled++;
    if (isPodReady(pod)) {
      counts.numberReady++;
      if (isPodAvailable(pod, minReadySecondsOf(ctx.ds), ctx.now)) counts.numberAvailable++;
    }
    if (isPodUpdated(pod, ctx.hash, generation)) counts.updatedNumberScheduled++;
  }
  counts.numberUnavailable = counts.desiredNumberScheduled - counts.numberAvailable;
  return counts;
}

/**
 * storeDaemonSetStatus: written only when a count changed or the generation is newer; zero counts
 * that are omitempty in the Go type are left out, as the API serves them.
 */
export async function storeStatus(
  ctx: DaemonContext,
  counts: DaemonSetCounts,
  observe: boolean,
): Promise<void> {
  const stored = (ctx.ds.status ?? {}) as Partial<DaemonSetCounts> & { observedGeneration?: number };
  const generation = ctx.ds.metadata.generation ?? 0;
  const same = (Object.keys(counts) as (keyof DaemonSetCounts)[]).every(
    (k) => (stored[k] ?? 0) === counts[k],
  );
  if (same && (stored.observedGeneration ?? 0) >= generation) return;
  await ctx.client.update(
    DAEMONSETS,
    ctx.ds.metadata.namespace ?? "",
    ctx.ds.metadata.name ?? "",
    (current) => {
      const status: Record<string, unknown> = { ...((current.status as object) ?? {}), ...counts };
      if (observe) status.observedGeneration = generation;
      for (const key of ["updatedNumberScheduled", "numberAvailable", "numberUnavailable"]) {
        if (status[key] === 0) delete status[key];
      }
      return { ...current, status };
    },
    "status",
  );
}
