import { cloneJson } from "../object/equality.ts";
import type { KubeObject } from "../object/types.ts";
import type { LabelSelectorObject } from "../selectors/index.ts";
import { labelSelectorToString, selectorFromLabelSelector, selectorFromSet } from "../selectors/index.ts";
import { type FieldError, invalidField, invalidObjectError } from "../validation/field-errors.ts";
import { isJsonObject, type JsonObject, objectAt, stringMapAt } from "./support/json.ts";
import type { ResourceDefinition } from "./types.ts";

/** autoscaling/v1 Scale, the body of `<resource>/scale`. */
export interface Scale extends KubeObject {
  apiVersion: "autoscaling/v1";
  kind: "Scale";
  /** Omitted when 0 (`json:"replicas,omitempty"`). */
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

/**
 * status.selector: Selector.String() of the workload's selector. ReplicationControllers carry a plain
 * map (labels.SelectorFromSet), the apps kinds a metav1.LabelSelector.
 */
function selectorText(def: ResourceDefinition, spec: JsonObject | undefined): string {
  if (def.group === "" && def.resource === "replicationcontrollers") {
    return labelSelectorToString(selectorFromSet(stringMapAt(spec, "selector") ?? {}));
  }
  try {
    return labelSelectorToString(
      selectorFromLabelSelector(objectAt(spec, "selector") as LabelSelectorObject | undefined),
    );
  } catch {
    // Stored objects were validated; an unconvertible selector selects nothing here.
    return "";
  }
}

/**
 * The Scale of a Deployment, ReplicaSet, StatefulSet or ReplicationController, as
 * scaleFromDeployment & co. build it (pkg/registry/apps/deployment/storage/storage.go, release-1.32).
 */
export function toScale(def: ResourceDefinition, obj: KubeObject): Scale {
  const spec = objectAt(obj, "spec");
  const status = objectAt(obj, "status");
  const metadata: KubeObject["metadata"] = { name: obj.metadata.name };
  if (obj.metadata.namespace !== undefined) metadata.namespace = obj.metadata.namespace;
  if (obj.metadata.uid !== undefined) metadata.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion !== undefined) metadata.resourceVersion = obj.metadata.resourceVersion;
  if (obj.metadata.creationTimestamp !== undefined)
    metadata.creationTimestamp = obj.metadata.creationTimestamp;
  const replicas = typeof spec?.replicas === "number" ? spec.replicas : 0;
  const scale: Scale = {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata,
    spec: replicas === 0 ? {} : { replicas },
    status: { replicas: typeof status?.replicas === "number" ? status.replicas : 0 },
  };
  const selector = selectorText(def, spec);
  if (selector !== "") scale.status.selector = selector;
  return scale;
}

/**
 * Applies a written Scale to its workload: validation as ValidateScale (a 422 naming
 * `Scale.autoscaling "<name>"`), then spec.replicas and the Scale's resourceVersion, which acts as the
 * update's precondition ("" for an unconditional write), exactly as upstream's scale update does.
 */
export function applyScale(obj: KubeObject, scale: KubeObject): KubeObject {
  const spec = isJsonObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  const errs: FieldError[] = [];
  if (typeof replicas !== "number" || !Number.isInteger(replicas)) {
    errs.push(invalidField("spec.replicas", replicas, "must be an integer"));
  } else if (replicas < 0) {
    errs.push(invalidField("spec.replicas", replicas, "must be greater than or equal to 0"));
  }
  const name = scale.metadata?.name ?? obj.metadata.name ?? "";
  if (errs.length > 0) throw invalidObjectError("Scale", "autoscaling", name, errs);
  const updated = cloneJson(obj);
  const updatedSpec = isJsonObject(updated.spec) ? updated.spec : {};
  updatedSpec.replicas = replicas;
  updated.spec = updatedSpec;
  updated.metadata.resourceVersion = scale.metadata?.resourceVersion ?? "";
  return updated;
}
