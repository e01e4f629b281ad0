import { defaultPodTemplate } from "../../core/pods/pod-spec.ts";
import { defaultValue, ensureObject, type JsonObject } from "../../support/json.ts";
import { defaultPodFailurePolicy } from "../jobs/defaults.ts";

/**
 * SetObjectDefaults_CronJob (pkg/apis/batch/v1/defaults.go, release-1.32). The job template gets only
 * type-level defaults (pod template, pod failure policy patterns), not a Job's parallelism or
 * backoffLimit: those arrive when the controller creates the Job.
 */
export function defaultCronJob(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  defaultValue(spec, "concurrencyPolicy", "Allow");
  defaultValue(spec, "suspend", false);
  defaultValue(spec, "successfulJobsHistoryLimit", 3);
  defaultValue(spec, "failedJobsHistoryLimit", 1);
  const jobSpec = ensureObject(ensureObject(spec, "jobTemplate"), "spec");
  defaultPodFailurePolicy(jobSpec);
  defaultPodTemplate(ensureObject(jobSpec, "template"));
}
