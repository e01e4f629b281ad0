import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { JOBS } from "../shared/job-status.ts";
import { type JobStatus, normalizeJobStatus } from "./types.ts";

/**
 * Writes the Job's status (updateJobStatus) with the version last read as precondition: a Job changed
 * meanwhile fails with Conflict and the sync starts over from fresh state. Nothing is written when the
 * status is unchanged. Returns the Job as stored.
 */
export async function writeJobStatus(
  client: InProcessClient,
  job: KubeObject,
  status: JobStatus,
): Promise<KubeObject> {
  const next = normalizeJobStatus(structuredClone(status));
  if (jsonEqual(next, normalizeJobStatus((job.status as JobStatus | undefined) ?? {}))) return job;
  return client.update(
    JOBS,
    job.metadata.namespace ?? "",
    job.metadata.name ?? "",
    (current) => ({
      ...current,
      metadata: { ...current.metadata, resourceVersion: job.metadata.resourceVersion },
      status: next,
    }),
    "status",
  );
}
