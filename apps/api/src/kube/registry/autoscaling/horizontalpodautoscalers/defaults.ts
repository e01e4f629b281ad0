import { defaultValue, ensureObject, isJsonObject, type JsonObject } from "../../support/json.ts";

/** autoscaling.DefaultCPUUtilization: the target of an HPA that names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** The rules an HPA with `behavior` gets for a direction it leaves out (pkg/apis/autoscaling/v2/defaults.go). */
function scaleUpRules(): JsonObject {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownRules(): JsonObject {
  // No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
  return { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
}

/** copyHPAScalingRules: set fields of the user's rules override the defaults. */
function fillRules(rules: unknown, defaults: JsonObject): JsonObject {
  if (!isJsonObject(rules)) return defaults;
  for (const key of ["selectPolicy", "stabilizationWindowSeconds", "policies"]) {
    if (rules[key] !== undefined && rules[key] !== null) defaults[key] = rules[key];
  }
  return defaults;
}

/** The v2 CPU target every HPA without metrics gets. */
export function defaultCpuMetric(utilization = DEFAULT_CPU_UTILIZATION): JsonObject {
  return {
    type: "Resource",
    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: utilization } },
  };
}

/**
 * SetDefaults_HorizontalPodAutoscaler (autoscaling/v2, release-1.32): minReplicas 1, an 80% CPU
 * target when no metric is given, and a behavior, when present, completed in both directions.
 */
export function defaultHorizontalPodAutoscaler(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  defaultValue(spec, "minReplicas", 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) spec.metrics = [defaultCpuMetric()];
  if (isJsonObject(spec.behavior)) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpRules());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownRules());
  }
}
