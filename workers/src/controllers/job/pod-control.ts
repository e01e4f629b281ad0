import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { recordEvent } from "../../events/record-event.ts";
import { JOB_TRACKING_FINALIZER } from "./pod-state.ts";

export const JOB_CONTROLLER_COMPONENT = { component: "job-controller" };
const PODS = CORE_V1("pods");

const isNotFound = (err: unknown) => err instanceof ApiError && err.reason === "NotFound";

/**
 * Pod writes on behalf of a Job, with the events controller.RealPodControl records on the Job
 * (SuccessfulCreate "Created pod: x", FailedCreate, SuccessfulDelete "Deleted pod: x").
 */
export class JobPodControl {
  constructor(
    private readonly client: InProcessClient,
    private readonly job: KubeObject,
    private readonly now: Date,
  ) {}

  async create(pod: KubeObject): Promise<KubeObject> {
    try {
      const created = await this.client.create(PODS, this.job.metadata.namespace ?? "", pod);
      await this.event("Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      await this.event("Warning", "FailedCreate", `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Deletes the pod (this incarnation only); an already deleted pod counts as deleted. */
  async delete(pod: KubeObject): Promise<void> {
    const name = pod.metadata.name ?? "";
    try {
      await this.client.delete(PODS, pod.metadata.namespace ?? "", name, { uid: pod.metadata.uid });
    } catch (err) {
      if (isNotFound(err)) return;
      await this.event("Warning", "FailedDelete", `Error deleting: ${(err as Error).message}`);
      throw err;
    }
    await this.event("Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
  }

  private event(type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    return recordEvent(this.client, JOB_CONTROLLER_COMPONENT, this.job, { type, reason, message }, this.now);
  }
}

/**
 * Removes the tracking finalizer (removeTrackingFinalizerPatch); a pod that is already gone counts as
 * done. A pod already marked for deletion goes away with it.
 */
export async function removeTrackingFinalizer(client: InProcessClient, pod: KubeObject): Promise<void> {
  try {
    await client.update(PODS, pod.metadata.namespace ?? "", pod.metadata.name ?? "", (current) => {
      if (current.metadata.uid !== pod.metadata.uid) return current;
      const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
      const { finalizers: _, ...rest } = current.metadata;
      return { ...current, metadata: finalizers.length > 0 ? { ...rest, finalizers } : rest };
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Runs `op` on every item at once; resolves with which succeeded, rejects with the first error after all settle. */
export async function forEachSettled<T>(
  items: readonly T[],
  op: (item: T) => Promise<void>,
): Promise<{ ok: boolean[]; error?: unknown }> {
  const results = await Promise.allSettled(items.map(op));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  return {
    ok: results.map((r) => r.status === "fulfilled"),
    ...(failed ? { error: failed.reason } : {}),
  };
}
