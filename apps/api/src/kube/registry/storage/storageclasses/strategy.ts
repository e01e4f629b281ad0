import type { KubeObject } from "../../../object/types.ts";
import { labelKeyErrors } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import {
  duplicateField,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
  tooLongField,
} from "../../../validation/field-errors.ts";
import { byteLength } from "../../../validation/go-format.ts";
import { immutable } from "../../support/field-rules.ts";
import { defaultValue, type JsonObject, objectAt, objectsAt, semanticEqual } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";

const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

/** SetDefaults_StorageClass (storage/v1): volumes are deleted with their claim and bound at once. */
export function defaultStorageClass(obj: JsonObject): void {
  defaultValue(obj, "reclaimPolicy", "Delete");
  defaultValue(obj, "volumeBindingMode", "Immediate");
}

function validateParameters(params: JsonObject | undefined): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > MAX_PARAMETERS) {
    return [tooLongField("parameters", MAX_PARAMETERS)];
  }
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errs.push(invalidField("parameters", k, "field can not be empty."));
    size += byteLength(k) + byteLength(typeof v === "string" ? v : "");
  }
  if (size > MAX_PARAMETERS_SIZE) errs.push(tooLongField("parameters", MAX_PARAMETERS_SIZE));
  return errs;
}

/** validateAllowedTopologies: each term needs expressions with a key and values. */
function validateAllowedTopologies(terms: JsonObject[]): FieldError[] {
  const errs: FieldError[] = [];
  terms.forEach((term, i) => {
    const at = `allowedTopologies[${i}].matchLabelExpressions`;
    const expressions = objectsAt(term, "matchLabelExpressions");
    if (expressions.length === 0)
      errs.push(requiredField(at, "must have at least one label selector requirement"));
    const keys = new Set<string>();
    expressions.forEach((expr, j) => {
      const key = typeof expr.key === "string" ? expr.key : "";
      for (const msg of labelKeyErrors(key)) errs.push(invalidField(`${at}[${j}].key`, key, msg));
      const values = Array.isArray(expr.values) ? expr.values : [];
      if (values.length === 0) errs.push(requiredField(`${at}[${j}].values`));
      if (keys.has(key)) errs.push(duplicateField(`${at}[${j}].key`, key));
      keys.add(key);
    });
  });
  return errs;
}

/** ValidateStorageClass (pkg/apis/storage/validation/validation.go, release-1.32). */
export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = typeof obj.provisioner === "string" ? obj.provisioner : "";
  if (provisioner.length === 0) errs.push(requiredField("provisioner"));
  else
    for (const msg of labelKeyErrors(provisioner.toLowerCase()))
      errs.push(invalidField("provisioner", provisioner.toLowerCase(), msg));
  errs.push(...validateParameters(objectAt(obj, "parameters")));
  const reclaim = obj.reclaimPolicy ?? "";
  if (reclaim !== "" && reclaim !== "Delete" && reclaim !== "Retain") {
    errs.push(notSupportedField("reclaimPolicy", reclaim, ["Delete", "Retain"]));
  }
  const binding = obj.volumeBindingMode;
  if (binding === undefined || binding === null) errs.push(requiredField("volumeBindingMode"));
  else if (binding !== "Immediate" && binding !== "WaitForFirstConsumer") {
    errs.push(notSupportedField("volumeBindingMode", binding, ["Immediate", "WaitForFirstConsumer"]));
  }
  errs.push(...validateAllowedTopologies(objectsAt(obj, "allowedTopologies")));
  return errs;
}

/** ValidateStorageClassUpdate: parameters, provisioner, reclaim policy and binding mode are fixed. */
export function validateStorageClassUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const errs = validateStorageClass(next);
  if (!semanticEqual(next.parameters, prev.parameters))
    errs.push(forbiddenField("parameters", "updates to parameters are forbidden."));
  if (next.provisioner !== prev.provisioner)
    errs.push(forbiddenField("provisioner", "updates to provisioner are forbidden."));
  if (next.reclaimPolicy !== prev.reclaimPolicy)
    errs.push(forbiddenField("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
  errs.push(...immutable("volumeBindingMode", next.volumeBindingMode, prev.volumeBindingMode));
  return errs;
}

/** storage.k8s.io/v1 StorageClasses: cluster-scoped, no spec/status split, no generation. */
export const storageClassStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  applyDefaults: defaultStorageClass,
  prepareForUpdate(next) {
    defaultStorageClass(next);
  },
  validate: (obj) => validateStorageClass(obj),
  validateUpdate: (next, prev) => validateStorageClassUpdate(next, prev),
};
