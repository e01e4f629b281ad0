import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  JOB_NAME_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from "../../../../apps/api/src/kube/registry/batch/jobs/selector.ts";
import { controllerOf } from "../shared/owners.ts";
import { forEachSettled, removeTrackingFinalizer } from "./pod-control.ts";
import { hasTrackingFinalizer } from "./pod-state.ts";

/** Whether this pod belongs, by controller reference or (for an orphan) by label, to the Job called `jobName`. */
function tiedToJobName(pod: KubeObject, jobName: string): boolean {
  const ref = controllerOf(pod);
  if (ref) return ref.kind === "Job" && ref.apiVersion === "batch/v1" && ref.name === jobName;
  const labels = pod.metadata.labels ?? {};
  return labels[JOB_NAME_LABEL] === jobName || labels[LEGACY_JOB_NAME_LABEL] === jobName;
}

/**
 * syncOrphanPod / cleanupPodFinalizers: a pod still holding the tracking finalizer that no running
 * Job will count — its Job was deleted, replaced by a new one of the same name, or has finished, or
 * it was orphaned — gets the finalizer removed, so it can go away. `counting` lists the pods of the
 * live, unfinished Job, which keep theirs.
 */
export async function releaseUncountablePods(
  client: InProcessClient,
  jobName: string,
  namespacePods: readonly KubeObject[],
  counting: ReadonlySet<string> = new Set(),
): Promise<void> {
  const stuck = namespacePods.filter(
    (pod) =>
      hasTrackingFinalizer(pod) && tiedToJobName(pod, jobName) && !counting.has(pod.metadata.uid ?? ""),
  );
  const { error } = await forEachSettled(stuck, (pod) => removeTrackingFinalizer(client, pod));
  if (error) throw error;
}
