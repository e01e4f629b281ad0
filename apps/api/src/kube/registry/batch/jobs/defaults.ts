import { defaultPodTemplate } from "../../core/pods/pod-spec.ts";
import {
  defaultValue,
  ensureObject,
  isJsonObject,
  type JsonObject,
  objectAt,
  objectsAt,
} from "../../support/json.ts";

const MAX_INT32 = 2147483647;

/** SetDefaults_PodFailurePolicyOnPodConditionsPattern: a pattern without status means "True". */
export function defaultPodFailurePolicy(spec: JsonObject): void {
  for (const rule of objectsAt(objectAt(spec, "podFailurePolicy"), "rules")) {
    for (const pattern of objectsAt(rule, "onPodConditions")) defaultValue(pattern, "status", "True");
  }
}

/**
 * SetObjectDefaults_Job (pkg/apis/batch/v1/defaults.go, release-1.32). A Job without labels takes its
 * template's (which by then include the generated job-name and controller-uid labels).
 */
export function defaultJob(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  const unset = (key: string) => spec[key] === undefined || spec[key] === null;
  if (unset("completions") && unset("parallelism")) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  defaultValue(spec, "parallelism", 1);
  if (unset("backoffLimit")) spec.backoffLimit = unset("backoffLimitPerIndex") ? 6 : MAX_INT32;
  const template = ensureObject(spec, "template");
  const templateLabels = objectAt(objectAt(template, "metadata"), "labels");
  const metadata = ensureObject(obj, "metadata");
  const jobLabels = metadata.labels;
  if (templateLabels !== undefined && (!isJsonObject(jobLabels) || Object.keys(jobLabels).length === 0)) {
    metadata.labels = { ...templateLabels };
  }
  defaultValue(spec, "completionMode", "NonIndexed");
  defaultValue(spec, "suspend", false);
  defaultPodFailurePolicy(spec);
  defaultValue(spec, "podReplacementPolicy", unset("podFailurePolicy") ? "TerminatingOrFailed" : "Failed");
  defaultValue(spec, "manualSelector", false);
  defaultPodTemplate(template);
}
