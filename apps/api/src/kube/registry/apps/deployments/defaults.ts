import { defaultPodTemplate } from "../../core/pods/pod-spec.ts";
import { defaultValue, ensureObject, type JsonObject } from "../../support/json.ts";

/**
 * SetObjectDefaults_Deployment (pkg/apis/apps/v1/defaults.go, release-1.32): one replica, a
 * RollingUpdate strategy with 25% surge and unavailability, ten old ReplicaSets kept, a 600 s progress
 * deadline, and the pod template's own defaults.
 */
export function defaultDeployment(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  defaultValue(spec, "replicas", 1);
  const strategy = ensureObject(spec, "strategy");
  defaultValue(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const rollingUpdate = ensureObject(strategy, "rollingUpdate");
    defaultValue(rollingUpdate, "maxUnavailable", "25%");
    defaultValue(rollingUpdate, "maxSurge", "25%");
  }
  defaultValue(spec, "revisionHistoryLimit", 10);
  defaultValue(spec, "progressDeadlineSeconds", 600);
  defaultPodTemplate(ensureObject(spec, "template"));
}
