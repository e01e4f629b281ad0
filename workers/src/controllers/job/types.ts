import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { JobCondition } from "../shared/job-status.ts";

/** The parts of a batch/v1 Job spec the controller reads (defaults already applied by the API). */
export interface JobSpec {
  parallelism?: number;
  /** null: a work-queue Job, done when any pod succeeds. */
  completions?: number | null;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  selector?: Record<string, unknown>;
  template?: { metadata?: PodTemplateMeta; spec?: Record<string, unknown> };
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  podFailurePolicy?: PodFailurePolicy;
  successPolicy?: SuccessPolicy;
  managedBy?: string;
}

export interface PodTemplateMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

export interface PodFailurePolicy {
  rules?: PodFailurePolicyRule[];
}

export interface PodFailurePolicyRule {
  action: "FailJob" | "FailIndex" | "Ignore" | "Count";
  onExitCodes?: { containerName?: string; operator: "In" | "NotIn"; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export interface SuccessPolicy {
  rules?: { succeededIndexes?: string; succeededCount?: number }[];
}

export interface UncountedTerminatedPods {
  succeeded?: string[];
  failed?: string[];
}

/** batch/v1 JobStatus as the controller writes it. */
export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: UncountedTerminatedPods;
}

export function jobSpec(job: KubeObject): JobSpec {
  return (job.spec as JobSpec | undefined) ?? {};
}

export function jobStatus(job: KubeObject): JobStatus {
  return (job.status as JobStatus | undefined) ?? {};
}

export const isIndexedJob = (spec: JobSpec) => spec.completionMode === "Indexed";
export const isSuspended = (spec: JobSpec) => spec.suspend === true;

/**
 * onlyReplaceFailedPods: replacements wait until a deleted pod has fully terminated (podReplacementPolicy
 * Failed, which a pod failure policy implies).
 */
export function onlyReplaceFailedPods(spec: JobSpec): boolean {
  return spec.podReplacementPolicy === "Failed" || spec.podFailurePolicy !== undefined;
}

/** The controller name a Job may delegate to (spec.managedBy); unset or this one means us. */
export const JOB_CONTROLLER_NAME = "kubernetes.io/job-controller";

/**
 * The status as kube-apiserver serialises it: zero counters and empty strings omitted (omitempty),
 * ready/terminating kept (pointers), uncountedTerminatedPods always present once tracked.
 */
export function normalizeJobStatus(status: JobStatus): JobStatus {
  const out: JobStatus = {};
  if (status.conditions && status.conditions.length > 0) out.conditions = status.conditions;
  if (status.startTime) out.startTime = status.startTime;
  if (status.completionTime) out.completionTime = status.completionTime;
  if (status.active) out.active = status.active;
  if (status.succeeded) out.succeeded = status.succeeded;
  if (status.failed) out.failed = status.failed;
  if (status.terminating !== undefined) out.terminating = status.terminating;
  if (status.completedIndexes) out.completedIndexes = status.completedIndexes;
  if (status.failedIndexes !== undefined) out.failedIndexes = status.failedIndexes;
  if (status.uncountedTerminatedPods) {
    const { succeeded, failed } = status.uncountedTerminatedPods;
    out.uncountedTerminatedPods = {
      ...(succeeded && succeeded.length > 0 ? { succeeded } : {}),
      ...(failed && failed.length > 0 ? { failed } : {}),
    };
  }
  if (status.ready !== undefined) out.ready = status.ready;
  return out;
}
