import type { KubeObject } from "../../../object/types.ts";
import { goJsonMarshal } from "../../support/go-values.ts";
import { isJsonObject, type JsonObject, objectAt, objectsAt } from "../../support/json.ts";
import { DEFAULT_CPU_UTILIZATION, defaultCpuMetric } from "./defaults.ts";
import { metricSpecFromV1, metricSpecToV1, metricStatusFromV1, metricStatusToV1 } from "./v1-metrics.ts";

/*
 * autoscaling/v1 ⇄ autoscaling/v2 (the storage version) for HorizontalPodAutoscalers, as
 * pkg/apis/autoscaling/v1/conversion.go does at release-1.32: v1 speaks only a CPU utilization target;
 * every other metric, the current metrics, the behavior and the conditions travel in annotations so
 * that a v1 read-modify-write keeps them.
 */

export const METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";

const ROUND_TRIP_ANNOTATIONS = [
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  CONDITIONS_ANNOTATION,
  BEHAVIOR_ANNOTATION,
];

function withoutRoundTripAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (annotations === undefined) return undefined;
  const out = { ...annotations };
  for (const key of ROUND_TRIP_ANNOTATIONS) delete out[key];
  return out;
}

function isCpuUtilization(m: JsonObject): boolean {
  const resource = objectAt(m, "resource");
  const utilization = objectAt(resource, "target")?.averageUtilization;
  return (
    m.type === "Resource" && resource?.name === "cpu" && utilization !== undefined && utilization !== null
  );
}

function parseJsonArray(text: string | undefined): JsonObject[] | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter(isJsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/*
 * The behavior annotation holds the *internal* type, marshalled without json tags: Go field names.
 * encoding/json matches keys case-insensitively on the way back, so both spellings are read.
 */

function goPolicy(p: JsonObject): JsonObject {
  return { Type: p.type ?? "", Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 };
}

function goRules(rules: unknown): JsonObject | null {
  if (!isJsonObject(rules)) return null;
  return {
    StabilizationWindowSeconds: rules.stabilizationWindowSeconds ?? null,
    SelectPolicy: rules.selectPolicy ?? null,
    Policies: Array.isArray(rules.policies) ? rules.policies.filter(isJsonObject).map(goPolicy) : null,
  };
}

function field(obj: JsonObject, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

function rulesFromGo(rules: unknown): JsonObject | undefined {
  if (!isJsonObject(rules)) return undefined;
  const out: JsonObject = {};
  const window = field(rules, "stabilizationWindowSeconds");
  const select = field(rules, "selectPolicy");
  const policies = field(rules, "policies");
  if (typeof window === "number") out.stabilizationWindowSeconds = window;
  if (typeof select === "string") out.selectPolicy = select;
  if (Array.isArray(policies)) {
    out.policies = policies.filter(isJsonObject).map((p) => ({
      type: field(p, "type") ?? "",
      value: field(p, "value") ?? 0,
      periodSeconds: field(p, "periodSeconds") ?? 0,
    }));
  }
  return out;
}

function behaviorFromAnnotation(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(parsed)) return undefined;
  const scaleUp = rulesFromGo(field(parsed, "scaleUp"));
  const scaleDown = rulesFromGo(field(parsed, "scaleDown"));
  if (scaleUp === undefined && scaleDown === undefined) return undefined;
  const out: JsonObject = {};
  if (scaleUp !== undefined) out.scaleUp = scaleUp;
  if (scaleDown !== undefined) out.scaleDown = scaleDown;
  return out;
}

function conditionToV1(c: JsonObject): JsonObject {
  const out: JsonObject = {
    type: c.type ?? "",
    status: c.status ?? "",
    lastTransitionTime: c.lastTransitionTime ?? null,
  };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

/** The v2 (storage) object as autoscaling/v1 serves it. */
export function horizontalPodAutoscalerToV1(obj: KubeObject): KubeObject {
  const spec = objectAt(obj, "spec") ?? {};
  const status = objectAt(obj, "status");
  let annotations = withoutRoundTripAnnotations(obj.metadata.annotations);
  const add = (key: string, value: string) => {
    annotations = { ...(annotations ?? {}), [key]: value };
  };
  const metrics = objectsAt(spec, "metrics");
  const others = metrics.filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
  if (others.length > 0) add(METRIC_SPECS_ANNOTATION, goJsonMarshal(others));
  const currentMetrics = objectsAt(status, "currentMetrics");
  if (currentMetrics.length > 0)
    add(METRIC_STATUSES_ANNOTATION, goJsonMarshal(currentMetrics.map(metricStatusToV1)));
  const behavior = objectAt(spec, "behavior");
  if (behavior !== undefined) {
    add(
      BEHAVIOR_ANNOTATION,
      goJsonMarshal({ ScaleUp: goRules(behavior.scaleUp), ScaleDown: goRules(behavior.scaleDown) }),
    );
  }
  const conditions = objectsAt(status, "conditions");
  if (conditions.length > 0) add(CONDITIONS_ANNOTATION, goJsonMarshal(conditions.map(conditionToV1)));

  const v1Spec: JsonObject = { scaleTargetRef: spec.scaleTargetRef ?? { kind: "", name: "" } };
  if (typeof spec.minReplicas === "number") v1Spec.minReplicas = spec.minReplicas;
  v1Spec.maxReplicas = spec.maxReplicas ?? 0;
  const cpu = metrics.find(isCpuUtilization);
  if (cpu !== undefined)
    v1Spec.targetCPUUtilizationPercentage = objectAt(objectAt(cpu, "resource"), "target")?.averageUtilization;

  const out: KubeObject = {
    ...obj,
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...obj.metadata },
    spec: v1Spec,
  };
  if (annotations === undefined) delete out.metadata.annotations;
  else out.metadata.annotations = annotations;
  if (status !== undefined) {
    const v1Status: JsonObject = {};
    if (status.observedGeneration !== undefined) v1Status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime !== undefined) v1Status.lastScaleTime = status.lastScaleTime;
    v1Status.currentReplicas = status.currentReplicas ?? 0;
    v1Status.desiredReplicas = status.desiredReplicas ?? 0;
    for (const m of currentMetrics) {
      const resource = objectAt(m, "resource");
      const utilization = objectAt(resource, "current")?.averageUtilization;
      if (m.type === "Resource" && resource?.name === "cpu" && typeof utilization === "number") {
        v1Status.currentCPUUtilizationPercentage = utilization;
      }
    }
    out.status = v1Status;
  }
  return out;
}

/** An autoscaling/v1 object as the v2 storage version holds it. */
export function horizontalPodAutoscalerFromV1(obj: KubeObject): KubeObject {
  const spec = objectAt(obj, "spec") ?? {};
  const status = objectAt(obj, "status");
  const annotations = obj.metadata.annotations ?? {};

  let metrics: JsonObject[] = [];
  const cpuTarget = spec.targetCPUUtilizationPercentage;
  if (typeof cpuTarget === "number") metrics = [defaultCpuMetric(cpuTarget)];
  const others = parseJsonArray(annotations[METRIC_SPECS_ANNOTATION]);
  if (others !== undefined) metrics = [...others.map(metricSpecFromV1), ...metrics.slice(0, 1)];
  // autoscaling/v1 used to apply this default in the controller; v2 makes it explicit.
  if (metrics.length === 0) metrics = [defaultCpuMetric(DEFAULT_CPU_UTILIZATION)];

  const v2Spec: JsonObject = { scaleTargetRef: spec.scaleTargetRef ?? { kind: "", name: "" } };
  if (typeof spec.minReplicas === "number") v2Spec.minReplicas = spec.minReplicas;
  v2Spec.maxReplicas = spec.maxReplicas ?? 0;
  v2Spec.metrics = metrics;
  const behavior = behaviorFromAnnotation(annotations[BEHAVIOR_ANNOTATION]);
  if (behavior !== undefined) v2Spec.behavior = behavior;

  const out: KubeObject = {
    ...obj,
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...obj.metadata },
    spec: v2Spec,
  };
  const kept = withoutRoundTripAnnotations(obj.metadata.annotations);
  if (kept === undefined) delete out.metadata.annotations;
  else out.metadata.annotations = kept;

  if (status !== undefined) {
    const v2Status: JsonObject = {};
    if (status.observedGeneration !== undefined) v2Status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime !== undefined) v2Status.lastScaleTime = status.lastScaleTime;
    if (typeof status.currentReplicas === "number" && status.currentReplicas !== 0) {
      v2Status.currentReplicas = status.currentReplicas;
    }
    v2Status.desiredReplicas = status.desiredReplicas ?? 0;
    let current: JsonObject[] | null = null;
    if (typeof status.currentCPUUtilizationPercentage === "number") {
      current = [
        {
          type: "Resource",
          resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } },
        },
      ];
    }
    const fromAnnotation = parseJsonArray(annotations[METRIC_STATUSES_ANNOTATION]);
    if (fromAnnotation !== undefined) current = fromAnnotation.map(metricStatusFromV1);
    v2Status.currentMetrics = current;
    const conditions = parseJsonArray(annotations[CONDITIONS_ANNOTATION]);
    if (conditions !== undefined) v2Status.conditions = conditions;
    out.status = v2Status;
  }
  return out;
}

/**
 * The `conversion` of the autoscaling/v1 HorizontalPodAutoscaler resource definition: v1 in,
 * v2 stored; v2 stored, v1 out.
 */
export const horizontalPodAutoscalerV1Conversion = {
  toStorage: horizontalPodAutoscalerFromV1,
  fromStorage: horizontalPodAutoscalerToV1,
};
