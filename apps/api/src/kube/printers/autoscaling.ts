/**
 * autoscaling/v2 and v1 horizontalpodautoscalers: upstream `printHorizontalPodAutoscaler` and
 * `formatHPAMetrics` (pkg/printers/internalversion/printers.go, release-1.32). Upstream prints the
 * internal (v2-shaped) object, so an autoscaling/v1 object is converted first, as
 * pkg/apis/autoscaling/v1/conversion.go does (its annotation-carried extra metrics are not read).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { age } from "./format.ts";
import {
  type JsonObject,
  numberAt,
  objectAt,
  objectsAt,
  optionalNumberAt,
  optionalObjectAt,
  stringAt,
  valueAt,
} from "./json.ts";
import { quantityString } from "./quantity.ts";
import type { Printer, TableColumn } from "./types.ts";

/** autoscaling/v1 applies this CPU target when none is set (`autoscaling.DefaultCPUUtilization`). */
const DEFAULT_CPU_UTILIZATION = 80;

const horizontalPodAutoscalerColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Reference",
    type: "string",
    format: "",
    description:
      "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.",
    priority: 0,
  },
  {
    name: "Targets",
    type: "string",
    format: "",
    description:
      "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.",
    priority: 0,
  },
  {
    name: "MinPods",
    type: "string",
    format: "",
    description:
      "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.",
    priority: 0,
  },
  {
    name: "MaxPods",
    type: "string",
    format: "",
    description:
      "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.",
    priority: 0,
  },
  {
    name: "Replicas",
    type: "string",
    format: "",
    description:
      "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
    priority: 0,
  },
  ageColumn,
];

function isAutoscalingV1(hpa: JsonObject): boolean {
  const apiVersion = stringAt(hpa, "apiVersion");
  if (apiVersion !== "") return apiVersion === "autoscaling/v1";
  return valueAt(hpa, "spec", "metrics") === undefined && valueAt(hpa, "spec", "maxReplicas") !== undefined;
}

/** The v2 `spec.metrics` / `status.currentMetrics` an autoscaling/v1 object converts to. */
function v1Metrics(hpa: JsonObject): { specs: JsonObject[]; statuses: JsonObject[] } {
  const target = optionalNumberAt(hpa, "spec", "targetCPUUtilizationPercentage") ?? DEFAULT_CPU_UTILIZATION;
  const specs = [
    {
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } },
    },
  ];
  const current = optionalNumberAt(hpa, "status", "currentCPUUtilizationPercentage");
  const statuses =
    current === undefined
      ? []
      : [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: current } } }];
  return { specs, statuses };
}

/** `current/target (avg)` or `current/target` for Object and External metrics. */
function valueOrAverage(source: JsonObject, status: JsonObject | undefined): string {
  const averageTarget = valueAt(source, "target", "averageValue");
  if (averageTarget != null) {
    const current = valueAt(status, "current", "averageValue");
    const currentText = current == null ? "<unknown>" : quantityString(current);
    return `${currentText}/${quantityString(averageTarget)} (avg)`;
  }
  const currentText =
    status === undefined ? "<unknown>" : quantityString(valueAt(status, "current", "value"), "<nil>");
  return `${currentText}/${quantityString(valueAt(source, "target", "value"), "<nil>")}`;
}

/** `name: current/target` for Resource and ContainerResource metrics. */
function resourceMetric(source: JsonObject, status: JsonObject | undefined): string {
  const resource = stringAt(source, "name");
  const averageTarget = valueAt(source, "target", "averageValue");
  if (averageTarget != null) {
    const current =
      status === undefined
        ? "<unknown>"
        : quantityString(valueAt(status, "current", "averageValue"), "<nil>");
    return `${resource}: ${current}/${quantityString(averageTarget)}`;
  }
  const currentUtilization = optionalNumberAt(status, "current", "averageUtilization");
  const targetUtilization = optionalNumberAt(source, "target", "averageUtilization");
  const current = currentUtilization === undefined ? "<unknown>" : `${currentUtilization}%`;
  const target = targetUtilization === undefined ? "<auto>" : `${targetUtilization}%`;
  return `${resource}: ${current}/${target}`;
}

/** One metric's text; statuses are matched to specs by position, as upstream does. */
function formatMetric(spec: JsonObject, status: JsonObject | undefined): string {
  switch (stringAt(spec, "type")) {
    case "External":
      return valueOrAverage(objectAt(spec, "external"), optionalObjectAt(status, "external"));
    case "Object":
      return valueOrAverage(objectAt(spec, "object"), optionalObjectAt(status, "object"));
    case "Pods": {
      const pods = optionalObjectAt(status, "pods");
      const current =
        pods === undefined ? "<unknown>" : quantityString(valueAt(pods, "current", "averageValue"), "<nil>");
      return `${current}/${quantityString(valueAt(spec, "pods", "target", "averageValue"), "<nil>")}`;
    }
    case "Resource":
      return resourceMetric(objectAt(spec, "resource"), optionalObjectAt(status, "resource"));
    case "ContainerResource":
      return resourceMetric(
        objectAt(spec, "containerResource"),
        optionalObjectAt(status, "containerResource"),
      );
    default:
      return "<unknown type>";
  }
}

/** `formatHPAMetrics`: the first two metrics, then `+ N more...`; `<none>` without metrics. */
export function formatHPAMetrics(specs: readonly JsonObject[], statuses: readonly JsonObject[]): string {
  if (specs.length === 0) return "<none>";
  const max = 2;
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  if (list.length > max) return `${list.slice(0, max).join(", ")} + ${list.length - max} more...`;
  return list.join(", ");
}

function hpaCells(hpa: JsonObject, now: Date): unknown[] {
  const { specs, statuses } = isAutoscalingV1(hpa)
    ? v1Metrics(hpa)
    : { specs: objectsAt(hpa, "spec", "metrics"), statuses: objectsAt(hpa, "status", "currentMetrics") };
  const minReplicas = optionalNumberAt(hpa, "spec", "minReplicas");
  return [
    stringAt(hpa, "metadata", "name"),
    `${stringAt(hpa, "spec", "scaleTargetRef", "kind")}/${stringAt(hpa, "spec", "scaleTargetRef", "name")}`,
    formatHPAMetrics(specs, statuses),
    minReplicas === undefined ? "<unset>" : String(minReplicas),
    numberAt(hpa, "spec", "maxReplicas"),
    numberAt(hpa, "status", "currentReplicas"),
    age(hpa, now),
  ];
}

/** autoscaling/v2 and autoscaling/v1 horizontalpodautoscalers. */
export const horizontalPodAutoscalerPrinter: Printer = {
  columns: horizontalPodAutoscalerColumns,
  cells: hpaCells,
};
