import { canonicalQuantity } from "../../../validation/quantity.ts";
import { isJsonObject, type JsonObject, objectAt } from "../../support/json.ts";

/*
 * autoscaling/v1 MetricSpec/MetricStatus ⇄ the v2 shapes (pkg/apis/autoscaling/v1/conversion.go,
 * release-1.32). autoscaling/v1 keeps every metric but its CPU target in annotations, in these older
 * shapes; objects are built in Go struct field order so the annotation text matches encoding/json.
 */

const ZERO = "0";

function quantity(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return canonicalQuantity(v) ?? (typeof v === "string" ? v : String(v));
}

/** Drops undefined members, as omitempty does for nil pointers. */
function compact(obj: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

function objectRef(ref: JsonObject | undefined): JsonObject {
  return compact({ kind: ref?.kind ?? "", name: ref?.name ?? "", apiVersion: ref?.apiVersion || undefined });
}

function identifier(name: unknown, selector: unknown): JsonObject {
  return compact({ name: name ?? "", selector: isJsonObject(selector) ? selector : undefined });
}

/** Convert_autoscaling_MetricSpec_To_v1_MetricSpec */
export function metricSpecToV1(m: JsonObject): JsonObject {
  const out: Record<string, unknown> = { type: m.type ?? "" };
  const object = objectAt(m, "object");
  if (object) {
    const target = objectAt(object, "target");
    const metric = objectAt(object, "metric");
    out.object = compact({
      target: objectRef(objectAt(object, "describedObject")),
      metricName: metric?.name ?? "",
      targetValue: quantity(target?.value) ?? ZERO,
      selector: metric?.selector ?? undefined,
      averageValue: quantity(target?.averageValue),
    });
  }
  const pods = objectAt(m, "pods");
  if (pods) {
    const metric = objectAt(pods, "metric");
    out.pods = compact({
      metricName: metric?.name ?? "",
      targetAverageValue: quantity(objectAt(pods, "target")?.averageValue) ?? ZERO,
      selector: metric?.selector ?? undefined,
    });
  }
  const resource = objectAt(m, "resource");
  if (resource) {
    const target = objectAt(resource, "target");
    out.resource = compact({
      name: resource.name ?? "",
      targetAverageUtilization: target?.averageUtilization ?? undefined,
      targetAverageValue: quantity(target?.averageValue),
    });
  }
  const container = objectAt(m, "containerResource");
  if (container) {
    const target = objectAt(container, "target");
    out.containerResource = compact({
      name: container.name ?? "",
      targetAverageUtilization: target?.averageUtilization ?? undefined,
      targetAverageValue: quantity(target?.averageValue),
      container: container.container ?? "",
    });
  }
  const external = objectAt(m, "external");
  if (external) {
    const target = objectAt(external, "target");
    const metric = objectAt(external, "metric");
    out.external = compact({
      metricName: metric?.name ?? "",
      metricSelector: metric?.selector ?? undefined,
      targetValue: quantity(target?.value),
      targetAverageValue: quantity(target?.averageValue),
    });
  }
  return compact(out);
}

function resourceTarget(src: JsonObject): JsonObject {
  const utilization = src.targetAverageUtilization;
  const hasUtilization = utilization !== undefined && utilization !== null;
  return compact({
    type: hasUtilization ? "Utilization" : "AverageValue",
    averageValue: quantity(src.targetAverageValue),
    averageUtilization: hasUtilization ? utilization : undefined,
  });
}

/** Convert_v1_MetricSpec_To_autoscaling_MetricSpec */
export function metricSpecFromV1(m: JsonObject): JsonObject {
  const out: Record<string, unknown> = { type: m.type ?? "" };
  const object = objectAt(m, "object");
  if (object) {
    const averageValue = quantity(object.averageValue);
    out.object = {
      describedObject: objectRef(objectAt(object, "target")),
      target: compact({
        type: averageValue === undefined ? "Value" : "AverageValue",
        value: quantity(object.targetValue) ?? ZERO,
        averageValue,
      }),
      metric: identifier(object.metricName, object.selector),
    };
  }
  const pods = objectAt(m, "pods");
  if (pods) {
    out.pods = {
      metric: identifier(pods.metricName, pods.selector),
      target: { type: "AverageValue", averageValue: quantity(pods.targetAverageValue) ?? ZERO },
    };
  }
  const resource = objectAt(m, "resource");
  if (resource) out.resource = { name: resource.name ?? "", target: resourceTarget(resource) };
  const container = objectAt(m, "containerResource");
  if (container) {
    out.containerResource = {
      name: container.name ?? "",
      target: resourceTarget(container),
      container: container.container ?? "",
    };
  }
  const external = objectAt(m, "external");
  if (external) {
    const value = quantity(external.targetValue);
    out.external = {
      metric: identifier(external.metricName, external.metricSelector),
      target: compact({
        type: value === undefined ? "AverageValue" : "Value",
        value,
        averageValue: quantity(external.targetAverageValue),
      }),
    };
  }
  return compact(out);
}

/** Convert_autoscaling_MetricStatus_To_v1_MetricStatus */
export function metricStatusToV1(m: JsonObject): JsonObject {
  const out: Record<string, unknown> = { type: m.type ?? "" };
  const object = objectAt(m, "object");
  if (object) {
    const current = objectAt(object, "current");
    const metric = objectAt(object, "metric");
    out.object = compact({
      target: objectRef(objectAt(object, "describedObject")),
      metricName: metric?.name ?? "",
      currentValue: quantity(current?.value) ?? ZERO,
      selector: metric?.selector ?? undefined,
      averageValue: quantity(current?.averageValue),
    });
  }
  const pods = objectAt(m, "pods");
  if (pods) {
    const metric = objectAt(pods, "metric");
    out.pods = compact({
      metricName: metric?.name ?? "",
      currentAverageValue: quantity(objectAt(pods, "current")?.averageValue) ?? ZERO,
      selector: metric?.selector ?? undefined,
    });
  }
  const resource = objectAt(m, "resource");
  if (resource) {
    const current = objectAt(resource, "current");
    out.resource = compact({
      name: resource.name ?? "",
      currentAverageUtilization: current?.averageUtilization ?? undefined,
      currentAverageValue: quantity(current?.averageValue) ?? ZERO,
    });
  }
  const container = objectAt(m, "containerResource");
  if (container) {
    const current = objectAt(container, "current");
    out.containerResource = compact({
      name: container.name ?? "",
      currentAverageUtilization: current?.averageUtilization ?? undefined,
      currentAverageValue: quantity(current?.averageValue) ?? ZERO,
      container: container.container ?? "",
    });
  }
  const external = objectAt(m, "external");
  if (external) {
    const current = objectAt(external, "current");
    const metric = objectAt(external, "metric");
    out.external = compact({
      metricName: metric?.name ?? "",
      metricSelector: metric?.selector ?? undefined,
      currentValue: quantity(current?.value) ?? ZERO,
      currentAverageValue: quantity(current?.averageValue),
    });
  }
  return compact(out);
}

/** Convert_v1_MetricStatus_To_autoscaling_MetricStatus */
export function metricStatusFromV1(m: JsonObject): JsonObject {
  const out: Record<string, unknown> = { type: m.type ?? "" };
  const object = objectAt(m, "object");
  if (object) {
    out.object = {
      metric: identifier(object.metricName, object.selector),
      current: compact({
        value: quantity(object.currentValue) ?? ZERO,
        averageValue: quantity(object.averageValue),
      }),
      describedObject: objectRef(objectAt(object, "target")),
    };
  }
  const pods = objectAt(m, "pods");
  if (pods) {
    out.pods = {
      metric: identifier(pods.metricName, pods.selector),
      current: { averageValue: quantity(pods.currentAverageValue) ?? ZERO },
    };
  }
  const resource = objectAt(m, "resource");
  if (resource) {
    out.resource = {
      name: resource.name ?? "",
      current: compact({
        averageValue: quantity(resource.currentAverageValue) ?? ZERO,
        averageUtilization: resource.currentAverageUtilization ?? undefined,
      }),
    };
  }
  const container = objectAt(m, "containerResource");
  if (container) {
    out.containerResource = {
      name: container.name ?? "",
      current: compact({
        averageValue: quantity(container.currentAverageValue) ?? ZERO,
        averageUtilization: container.currentAverageUtilization ?? undefined,
      }),
      container: container.container ?? "",
    };
  }
  const external = objectAt(m, "external");
  if (external) {
    out.external = {
      metric: identifier(external.metricName, external.metricSelector),
      current: compact({
        value: quantity(external.currentValue) ?? ZERO,
        averageValue: quantity(external.currentAverageValue),
      }),
    };
  }
  return compact(out);
}
