import type { KubeObject } from "../../../object/types.ts";
import { ensureObject, isJsonObject, type JsonObject } from "../../support/json.ts";

/** The labels that tie a Job's pods to it (k8s.io/api/batch/v1 constants). */
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
export const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const LEGACY_JOB_NAME_LABEL = "job-name";
export const LEGACY_CONTROLLER_UID_LABEL = "controller-uid";

function labelsOf(obj: JsonObject): Record<string, unknown> {
  return ensureObject(obj, "labels");
}

/**
 * generateSelector (pkg/registry/batch/job/strategy.go, release-1.32): unless the user asked for a
 * manual selector, the template gets the job-name and controller-uid labels (legacy and prefixed) and
 * the selector matches `batch.kubernetes.io/controller-uid=<uid>`. Labels the user already set are
 * kept; validation rejects them when they conflict.
 */
export function generateJobSelector(job: KubeObject): void {
  const spec = ensureObject(job, "spec");
  if (spec.manualSelector === true) return;
  const name = job.metadata.name ?? "";
  const uid = job.metadata.uid ?? "";
  const template = ensureObject(spec, "template");
  const labels = labelsOf(ensureObject(template, "metadata"));
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL])
    if (!(key in labels)) labels[key] = uid;
  if (!isJsonObject(spec.selector)) spec.selector = {};
  const matchLabels = ensureObject(spec.selector as JsonObject, "matchLabels");
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}
