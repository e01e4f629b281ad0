import { defaultPodTemplate } from "../../core/pods/pod-spec.ts";
import { defaultValue, ensureObject, type JsonObject } from "../../support/json.ts";

/**
 * SetObjectDefaults_DaemonSet (pkg/apis/apps/v1/defaults.go, release-1.32): a RollingUpdate strategy
 * replacing one node's pod at a time without surge, ten revisions, the pod template's defaults.
 */
export function defaultDaemonSet(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  const updateStrategy = ensureObject(spec, "updateStrategy");
  defaultValue(updateStrategy, "type", "RollingUpdate");
  if (updateStrategy.type === "RollingUpdate") {
    const rollingUpdate = ensureObject(updateStrategy, "rollingUpdate");
    defaultValue(rollingUpdate, "maxUnavailable", 1);
    defaultValue(rollingUpdate, "maxSurge", 0);
  }
  defaultValue(spec, "revisionHistoryLimit", 10);
  defaultPodTemplate(ensureObject(spec, "template"));
}
