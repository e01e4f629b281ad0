import type { FieldError } from "../../../validation/field-errors.ts";
import {
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import {
  canonicalQuantity,
  compareQuantities,
  parseQuantity,
  ZERO_QUANTITY,
} from "../../../validation/quantity.ts";
import { dns1123LabelErrors, invalidRendered, pathSegmentNameErrors } from "../../support/field-rules.ts";
import { type JsonObject, objectAt, objectsAt } from "../../support/json.ts";

const METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const SOURCE_FIELDS: Record<string, string> = {
  Object: "object",
  Pods: "pods",
  Resource: "resource",
  External: "external",
  ContainerResource: "containerResource",
};
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

const isUnset = (v: unknown) => v === undefined || v === null;

/** ValidateCrossVersionObjectReference: kind and name are required path segments. */
export function validateCrossVersionObjectReference(ref: JsonObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ["kind", "name"]) {
    const v = typeof ref?.[key] === "string" ? (ref[key] as string) : "";
    if (v.length === 0) errs.push(requiredField(`${path}.${key}`));
    else for (const msg of pathSegmentNameErrors(v)) errs.push(invalidField(`${path}.${key}`, v, msg));
  }
  return errs;
}

function positiveQuantity(path: string, v: unknown): FieldError[] {
  if (isUnset(v)) return [];
  const q = parseQuantity(v);
  if (q !== undefined && compareQuantities(q, ZERO_QUANTITY) > 0) return [];
  // A Quantity prints through its String() method: unquoted canonical text.
  return [invalidRendered(path, canonicalQuantity(v) ?? String(v), "must be positive")];
}

function validateMetricTarget(target: JsonObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = target?.type ?? "";
  if (type === "") errs.push(requiredField(`${path}.type`, "must specify a metric target type"));
  if (type !== "Utilization" && type !== "Value" && type !== "AverageValue") {
    errs.push(invalidField(`${path}.type`, type, "must be either Utilization, Value, or AverageValue"));
  }
  errs.push(...positiveQuantity(`${path}.value`, target?.value));
  errs.push(...positiveQuantity(`${path}.averageValue`, target?.averageValue));
  const utilization = target?.averageUtilization;
  if (typeof utilization === "number" && utilization < 1) {
    errs.push(invalidField(`${path}.averageUtilization`, utilization, "must be greater than 0"));
  }
  return errs;
}

function validateMetricIdentifier(metric: JsonObject | undefined, path: string): FieldError[] {
  const name = typeof metric?.name === "string" ? metric.name : "";
  if (name.length === 0) return [requiredField(`${path}.name`, "must specify a metric name")];
  return pathSegmentNameErrors(name).map((msg) => invalidField(`${path}.name`, name, msg));
}

function validateResourceTarget(src: JsonObject, path: string): FieldError[] {
  const errs = validateMetricTarget(objectAt(src, "target"), `${path}.target`);
  const target = objectAt(src, "target");
  if (isUnset(target?.averageUtilization) && isUnset(target?.averageValue)) {
    errs.push(
      requiredField(
        `${path}.target.averageUtilization`,
        "must set either a target raw value or a target utilization",
      ),
    );
  }
  if (!isUnset(target?.averageUtilization) && !isUnset(target?.averageValue)) {
    errs.push(
      forbiddenField(
        `${path}.target.averageValue`,
        "may not set both a target raw value and a target utilization",
      ),
    );
  }
  return errs;
}

function validateSource(kind: string, src: JsonObject, path: string): FieldError[] {
  const target = objectAt(src, "target");
  switch (kind) {
    case "object": {
      const errs = [
        ...validateCrossVersionObjectReference(objectAt(src, "describedObject"), `${path}.describedObject`),
        ...validateMetricIdentifier(objectAt(src, "metric"), `${path}.metric`),
        ...validateMetricTarget(target, `${path}.target`),
      ];
      if (isUnset(target?.value) && isUnset(target?.averageValue)) {
        errs.push(
          requiredField(`${path}.target.averageValue`, "must set either a target value or averageValue"),
        );
      }
      return errs;
    }
    case "external": {
      const errs = [
        ...validateMetricIdentifier(objectAt(src, "metric"), `${path}.metric`),
        ...validateMetricTarget(target, `${path}.target`),
      ];
      if (isUnset(target?.value) && isUnset(target?.averageValue)) {
        errs.push(
          requiredField(
            `${path}.target.averageValue`,
            "must set either a target value for metric or a per-pod target",
          ),
        );
      }
      if (!isUnset(target?.value) && !isUnset(target?.averageValue)) {
        errs.push(
          forbiddenField(
            `${path}.target.value`,
            "may not set both a target value for metric and a per-pod target",
          ),
        );
      }
      return errs;
    }
    case "pods": {
      const errs = [
        ...validateMetricIdentifier(objectAt(src, "metric"), `${path}.metric`),
        ...validateMetricTarget(target, `${path}.target`),
      ];
      if (isUnset(target?.averageValue)) {
        errs.push(
          requiredField(`${path}.target.averageValue`, "must specify a positive target averageValue"),
        );
      }
      return errs;
    }
    case "resource": {
      const name = typeof src.name === "string" ? src.name : "";
      const errs = name.length === 0 ? [requiredField(`${path}.name`, "must specify a resource name")] : [];
      return [...errs, ...validateResourceTarget(src, path)];
    }
    default: {
      const name = typeof src.name === "string" ? src.name : "";
      const container = typeof src.container === "string" ? src.container : "";
      const errs = name.length === 0 ? [requiredField(`${path}.name`, "must specify a resource name")] : [];
      if (container.length === 0) errs.push(requiredField(`${path}.container`, "must specify a container"));
      else
        for (const msg of dns1123LabelErrors(container))
          errs.push(invalidField(`${path}.container`, container, msg));
      return [...errs, ...validateResourceTarget(src, path)];
    }
  }
}

/** validateMetricSpec: a known type whose source, and only that source, is filled in. */
function validateMetricSpec(metric: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof metric.type === "string" ? metric.type : "";
  if (type.length === 0) errs.push(requiredField(`${path}.type`, "must specify a metric source type"));
  if (!METRIC_SOURCE_TYPES.includes(type))
    errs.push(notSupportedField(`${path}.type`, type, METRIC_SOURCE_TYPES));
  const present: string[] = [];
  for (const field of ["object", "external", "pods", "resource", "containerResource"]) {
    const src = objectAt(metric, field);
    if (src === undefined) continue;
    present.push(field);
    if (present.length === 1) errs.push(...validateSource(field, src, `${path}.${field}`));
  }
  const expected = SOURCE_FIELDS[type];
  if (expected === undefined) {
    errs.push(notSupportedField(`${path}.type`, type, METRIC_SOURCE_TYPES));
  } else if (objectAt(metric, expected) === undefined) {
    errs.push(requiredField(`${path}.${expected}`, "must populate information for the given metric source"));
  }
  if (present.length !== 1) {
    for (const field of present.filter((f) => f !== expected)) {
      errs.push(forbiddenField(`${path}.${field}`, "must populate the given metric source only"));
    }
  }
  return errs;
}

function validateScalingRules(rules: JsonObject | undefined, path: string): FieldError[] {
  if (rules === undefined) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === "number" && window < 0) {
    errs.push(
      invalidField(`${path}.stabilizationWindowSeconds`, window, "must be greater than or equal to zero"),
    );
  }
  if (typeof window === "number" && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(
      invalidField(
        `${path}.stabilizationWindowSeconds`,
        window,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      ),
    );
  }
  const select = rules.selectPolicy;
  if (!isUnset(select) && !["Disabled", "Max", "Min"].includes(select as string)) {
    errs.push(notSupportedField(`${path}.selectPolicy`, select, ["Disabled", "Max", "Min"]));
  }
  const policies = objectsAt(rules, "policies");
  if (policies.length === 0) errs.push(requiredField(`${path}.policies`, "must specify at least one Policy"));
  policies.forEach((policy, i) => {
    const at = `${path}.policies[${i}]`;
    if (policy.type !== "Pods" && policy.type !== "Percent") {
      errs.push(notSupportedField(`${at}.type`, policy.type ?? "", ["Percent", "Pods"]));
    }
    const value = typeof policy.value === "number" ? policy.value : 0;
    if (value <= 0) errs.push(invalidField(`${at}.value`, value, "must be greater than zero"));
    const period = typeof policy.periodSeconds === "number" ? policy.periodSeconds : 0;
    if (period <= 0) errs.push(invalidField(`${at}.periodSeconds`, period, "must be greater than zero"));
    if (period > MAX_PERIOD_SECONDS) {
      errs.push(
        invalidField(`${at}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`),
      );
    }
  });
  return errs;
}

/**
 * validateHorizontalPodAutoscalerSpec (pkg/apis/autoscaling/validation, release-1.32) on the v2 shape.
 * `minReplicasLowerBound` is 1, or 0 for an HPA that already scales to zero (HPAScaleToZero is alpha).
 */
export function validateHorizontalPodAutoscalerSpec(
  spec: JsonObject,
  minReplicasLowerBound: number,
): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec.minReplicas;
  const max = typeof spec.maxReplicas === "number" ? spec.maxReplicas : 0;
  if (typeof min === "number" && min < minReplicasLowerBound) {
    errs.push(
      invalidField("spec.minReplicas", min, `must be greater than or equal to ${minReplicasLowerBound}`),
    );
  }
  if (max < 1) errs.push(invalidField("spec.maxReplicas", max, "must be greater than 0"));
  if (typeof min === "number" && max < min) {
    errs.push(invalidField("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  }
  errs.push(...validateCrossVersionObjectReference(objectAt(spec, "scaleTargetRef"), "spec.scaleTargetRef"));
  const metrics = objectsAt(spec, "metrics");
  metrics.forEach((m, i) => {
    errs.push(...validateMetricSpec(m, `spec.metrics[${i}]`));
  });
  if (min === 0 && !metrics.some((m) => m.type === "Object" || m.type === "External")) {
    errs.push(
      forbiddenField(
        "spec.metrics",
        "must specify at least one Object or External metric to support scaling to zero replicas",
      ),
    );
  }
  const behavior = objectAt(spec, "behavior");
  errs.push(...validateScalingRules(objectAt(behavior, "scaleUp"), "spec.behavior.scaleUp"));
  errs.push(...validateScalingRules(objectAt(behavior, "scaleDown"), "spec.behavior.scaleDown"));
  return errs;
}

export function validateHorizontalPodAutoscaler(obj: JsonObject): FieldError[] {
  return validateHorizontalPodAutoscalerSpec(objectAt(obj, "spec") ?? {}, 1);
}

export function validateHorizontalPodAutoscalerUpdate(next: JsonObject, prev: JsonObject): FieldError[] {
  const bound = objectAt(prev, "spec")?.minReplicas === 0 ? 0 : 1;
  return validateHorizontalPodAutoscalerSpec(objectAt(next, "spec") ?? {}, bound);
}
