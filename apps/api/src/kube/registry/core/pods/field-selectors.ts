/**
 * Downward API selectors (validateObjectFieldSelector, validateContainerResourceFieldSelector and
 * podshelper.ConvertDownwardAPIFieldLabel, release-1.32).
 */
import { labelKeyErrors } from "../../../selectors/index.ts";
import {
  type FieldError,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { formatQuantity, parseQuantity } from "../../../validation/quantity.ts";
import { asString, type JsonObject } from "../json.ts";

export const ENV_FIELD_PATHS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];
export const VOLUME_FIELD_PATHS = [
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
];
const CONVERTIBLE = new Set([
  ...ENV_FIELD_PATHS,
  "metadata.annotations",
  "metadata.labels",
  "spec.restartPolicy",
  "spec.schedulerName",
  "status.phase",
]);
const RESOURCE_FIELD_PATHS = [
  "limits.cpu",
  "limits.ephemeral-storage",
  "limits.memory",
  "requests.cpu",
  "requests.ephemeral-storage",
  "requests.memory",
];
const SUBSCRIPTED = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/;

/** A fieldRef: known v1 field paths, labels/annotations with a qualified-name subscript. */
export function validateObjectFieldSelector(
  ref: JsonObject,
  expressions: readonly string[],
  path: string,
): FieldError[] {
  const apiVersion = asString(ref.apiVersion);
  const fieldPath = asString(ref.fieldPath);
  if (!apiVersion) return [requiredField(`${path}.apiVersion`)];
  if (!fieldPath) return [requiredField(`${path}.fieldPath`)];
  const subscripted = SUBSCRIPTED.exec(fieldPath);
  let conversionError: string | undefined;
  if (apiVersion !== "v1") conversionError = `unsupported pod version: ${apiVersion}`;
  else if (!subscripted && !CONVERTIBLE.has(fieldPath))
    conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) {
    return [invalidField(`${path}.fieldPath`, fieldPath, `error converting fieldPath: ${conversionError}`)];
  }
  if (subscripted) {
    const [, base = "", key = ""] = subscripted;
    const name = base === "metadata.annotations" ? key.toLowerCase() : key;
    return labelKeyErrors(name).map((msg) => invalidField(path, name, msg));
  }
  return expressions.includes(fieldPath)
    ? []
    : [notSupportedField(`${path}.fieldPath`, fieldPath, expressions)];
}

/** A resourceFieldRef; volumes must also name the container. */
export function validateResourceFieldSelector(ref: JsonObject, path: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = asString(ref.resource);
  if (volume && !asString(ref.containerName)) errs.push(requiredField(`${path}.containerName`));
  else if (!resource) errs.push(requiredField(`${path}.resource`));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource)) {
    errs.push(notSupportedField(`${path}.resource`, resource, RESOURCE_FIELD_PATHS));
  }
  const divisor = parseQuantity(ref.divisor);
  if (divisor && divisor.mantissa !== 0n) {
    const text = formatQuantity(divisor);
    const memoryLike = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];
    const units = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";
    if (resource.endsWith(".cpu") && text !== "1m" && text !== "1") {
      errs.push(
        invalidField(
          `${path}.divisor`,
          resource,
          "only divisor's values 1m and 1 are supported with the cpu resource",
        ),
      );
    } else if (resource.endsWith(".memory") && !memoryLike.includes(text)) {
      errs.push(
        invalidField(
          `${path}.divisor`,
          resource,
          `only divisor's values ${units} are supported with the memory resource`,
        ),
      );
    } else if (resource.endsWith(".ephemeral-storage") && !memoryLike.includes(text)) {
      errs.push(
        invalidField(
          `${path}.divisor`,
          resource,
          `only divisor's values ${units} are supported with the local ephemeral storage resource`,
        ),
      );
    }
  }
  return errs;
}
