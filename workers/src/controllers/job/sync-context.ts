import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { JobCondition } from "../shared/job-status.ts";
import type { Interval } from "./indexes.ts";
import type { JobPodControl } from "./pod-control.ts";
import type { JobSpec, JobStatus, UncountedTerminatedPods } from "./types.ts";

/** One sync of one Job (syncJobCtx): what was read, and the status being computed. */
export interface JobSync {
  client: InProcessClient;
  podControl: JobPodControl;
  /** The Job as last read or written. */
  job: KubeObject;
  spec: JobSpec;
  /** The working copy of the status; written at the flush points. */
  status: JobStatus;
  /** The Job's pods as listed at the start of this sync. */
  pods: KubeObject[];
  activePods: KubeObject[];
  now: Date;
  /** Pod failure back-off base at this cluster's speed (0 when instant). */
  backoffBaseMs: number;
  active: number;
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  /** The condition the Job is heading to (interim or terminal), once decided. */
  finished?: JobCondition;
  /** When to sync again even if nothing changes (deadline, back-off). */
  requeueAfterMs?: number;
}

export function requeueAfter(sync: JobSync, ms: number): void {
  const delay = Math.max(0, Math.ceil(ms));
  sync.requeueAfterMs = sync.requeueAfterMs === undefined ? delay : Math.min(sync.requeueAfterMs, delay);
}

/** The status's condition list, created when absent. */
export function conditionsOf(status: JobStatus): JobCondition[] {
  status.conditions ??= [];
  return status.conditions;
}

/** The status's uncounted pod lists, created when absent. */
export function uncountedOf(status: JobStatus): Required<UncountedTerminatedPods> {
  status.uncountedTerminatedPods ??= {};
  status.uncountedTerminatedPods.succeeded ??= [];
  status.uncountedTerminatedPods.failed ??= [];
  return status.uncountedTerminatedPods as Required<UncountedTerminatedPods>;
}
