import { defaultPersistentVolumeClaimSpec } from "../../core/persistentvolumeclaims/claim-spec.ts";
import { defaultPodTemplate } from "../../core/pods/pod-spec.ts";
import { defaultValue, ensureObject, isJsonObject, isSet, type JsonObject } from "../../support/json.ts";

/**
 * SetObjectDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go, release-1.32): OrderedReady pods, a
 * RollingUpdate strategy with partition 0 (only when the type was left empty, as upstream), PVC
 * retention Retain/Retain (StatefulSetAutoDeletePVC is on), one replica, ten revisions, the pod
 * template's defaults, and claim templates defaulted as PersistentVolumeClaims.
 */
export function defaultStatefulSet(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  defaultValue(spec, "podManagementPolicy", "OrderedReady");
  const updateStrategy = ensureObject(spec, "updateStrategy");
  if (!isSet(updateStrategy, "type") || updateStrategy.type === "") {
    updateStrategy.type = "RollingUpdate";
    ensureObject(updateStrategy, "rollingUpdate");
  }
  const rollingUpdate = updateStrategy.rollingUpdate;
  if (updateStrategy.type === "RollingUpdate" && isJsonObject(rollingUpdate))
    defaultValue(rollingUpdate, "partition", 0);
  const retention = ensureObject(spec, "persistentVolumeClaimRetentionPolicy");
  defaultValue(retention, "whenDeleted", "Retain");
  defaultValue(retention, "whenScaled", "Retain");
  defaultValue(spec, "replicas", 1);
  defaultValue(spec, "revisionHistoryLimit", 10);
  defaultPodTemplate(ensureObject(spec, "template"));
  const claims = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  for (const claim of claims) {
    if (!isJsonObject(claim)) continue;
    // apps/v1 conversion stamps the embedded claims with their type meta.
    defaultValue(claim, "apiVersion", "v1");
    defaultValue(claim, "kind", "PersistentVolumeClaim");
    defaultPersistentVolumeClaimSpec(ensureObject(claim, "spec"));
    defaultValue(ensureObject(claim, "status"), "phase", "Pending");
  }
}
