import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { LabelSelectorObject } from "../../../../apps/api/src/kube/selectors/index.ts";
import { matchesLabels, selectorFromLabelSelector } from "../../../../apps/api/src/kube/selectors/index.ts";
import { controllerOf, controllerRefTo } from "../shared/owners.ts";
import { removeTrackingFinalizer } from "./pod-control.ts";
import { hasTrackingFinalizer, JOB_TRACKING_FINALIZER } from "./pod-state.ts";
import { jobSpec } from "./types.ts";

const PODS = CORE_V1("pods");

function selects(job: KubeObject, pod: KubeObject): boolean {
  try {
    const selector = selectorFromLabelSelector(jobSpec(job).selector as LabelSelectorObject | undefined);
    return matchesLabels(selector, pod.metadata.labels ?? {});
  } catch {
    return false;
  }
}

/** Only NotFound and Conflict mean "someone else changed it first": the next sync sees the outcome. */
function ignoreRace(err: unknown): void {
  if (err instanceof ApiError && (err.reason === "NotFound" || err.reason === "Conflict")) return;
  throw err;
}

async function adopt(client: InProcessClient, job: KubeObject, pod: KubeObject): Promise<KubeObject> {
  return client.update(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", (current) => {
    if (current.metadata.uid !== pod.metadata.uid || controllerOf(current)) {
      throw new ApiError("Conflict", "pod changed while adopting it");
    }
    const finalizers = current.metadata.finalizers ?? [];
    return {
      ...current,
      metadata: {
        ...current.metadata,
        ownerReferences: [...(current.metadata.ownerReferences ?? []), controllerRefTo(job)],
        finalizers: finalizers.includes(JOB_TRACKING_FINALIZER)
          ? finalizers
          : [...finalizers, JOB_TRACKING_FINALIZER],
      },
    };
  });
}

async function release(client: InProcessClient, job: KubeObject, pod: KubeObject): Promise<void> {
  await client.update(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", (current) => {
    const owners = (current.metadata.ownerReferences ?? []).filter((o) => o.uid !== job.metadata.uid);
    const { ownerReferences: _, ...rest } = current.metadata;
    return { ...current, metadata: owners.length > 0 ? { ...rest, ownerReferences: owners } : rest };
  });
  // Now an orphan: nobody will count it, so it must not stay pinned (syncOrphanPod).
  if (hasTrackingFinalizer(pod)) await removeTrackingFinalizer(client, pod);
}

/**
 * getPodsForJob / ClaimPods: the Job's pods among all pods of its namespace — those it controls and
 * still selects, plus orphans it selects, adopted with a controller reference and the tracking
 * finalizer. Pods it controls but no longer selects are released. A Job being deleted adopts nothing.
 */
export async function claimPods(
  client: InProcessClient,
  job: KubeObject,
  namespacePods: readonly KubeObject[],
): Promise<KubeObject[]> {
  const claimed: KubeObject[] = [];
  for (const pod of namespacePods) {
    const ref = controllerOf(pod);
    const matches = selects(job, pod);
    if (ref) {
      if (ref.uid !== job.metadata.uid) continue;
      if (matches) claimed.push(pod);
      else if (!job.metadata.deletionTimestamp) await release(client, job, pod).catch(ignoreRace);
      continue;
    }
    if (!matches || job.metadata.deletionTimestamp || pod.metadata.deletionTimestamp) continue;
    try {
      claimed.push(await adopt(client, job, pod));
    } catch (err) {
      ignoreRace(err);
    }
  }
  return claimed;
}
