import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough } from "../../support/strategy-pipeline.ts";
import { defaultHorizontalPodAutoscaler } from "./defaults.ts";
import { horizontalPodAutoscalerStrategy } from "./strategy.ts";
import { BEHAVIOR_ANNOTATION, horizontalPodAutoscalerV1Conversion as conversion } from "./v1-conversion.ts";

const target = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

/** What `kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=50` sends (autoscaling/v1). */
const kubectlAutoscale: KubeObject = {
  apiVersion: "autoscaling/v1",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web" },
  spec: { scaleTargetRef: target, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
};

describe("HorizontalPodAutoscaler autoscaling/v1 ⇄ v2", () => {
  test("a v1 CPU target becomes a v2 Resource metric, and reads back unchanged", () => {
    const stored = createThrough(horizontalPodAutoscalerStrategy, conversion.toStorage(kubectlAutoscale)).obj;
    assert.equal(stored.apiVersion, "autoscaling/v2");
    assert.deepEqual(stored.spec, {
      scaleTargetRef: target,
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
    });
    assert.deepEqual(stored.status, { desiredReplicas: 0, currentMetrics: null });
    const v1 = conversion.fromStorage(stored);
    assert.deepEqual(v1.spec, kubectlAutoscale.spec);
    assert.deepEqual(v1.status, { currentReplicas: 0, desiredReplicas: 0 });
    assert.equal(v1.metadata.annotations, undefined);
  });

  test("a v1 HPA without a target gets the 80% CPU default", () => {
    const body = structuredClone(kubectlAutoscale);
    delete (body.spec as Record<string, unknown>).targetCPUUtilizationPercentage;
    const v1 = conversion.fromStorage(conversion.toStorage(body));
    assert.equal((v1.spec as Record<string, unknown>).targetCPUUtilizationPercentage, 80);
  });

  test("other metrics, behavior, current metrics and conditions travel in annotations", () => {
    const v2: KubeObject = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", annotations: { team: "a" } },
      spec: {
        scaleTargetRef: target,
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          {
            type: "Resource",
            resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } },
          },
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [
          {
            type: "Resource",
            resource: { name: "cpu", current: { averageValue: "120m", averageUtilization: 12 } },
          },
        ],
        conditions: [
          {
            type: "AbleToScale",
            status: "True",
            lastTransitionTime: "2025-01-01T00:00:00Z",
            reason: "ReadyForNewScale",
          },
        ],
      },
    };
    defaultHorizontalPodAutoscaler(v2);
    const v1 = conversion.fromStorage(v2);
    assert.deepEqual(v1.spec, {
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas: 10,
      targetCPUUtilizationPercentage: 60,
    });
    assert.deepEqual(v1.status, {
      currentReplicas: 2,
      desiredReplicas: 2,
      currentCPUUtilizationPercentage: 12,
    });
    // encoding/json of the v1 types, and of the internal behavior type (no json tags: Go field names).
    assert.deepEqual(v1.metadata.annotations, {
      team: "a",
      "autoscaling.alpha.kubernetes.io/metrics":
        '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]',
      "autoscaling.alpha.kubernetes.io/current-metrics":
        '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":12,"currentAverageValue":"120m"}}]',
      [BEHAVIOR_ANNOTATION]:
        '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
      "autoscaling.alpha.kubernetes.io/conditions":
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"ReadyForNewScale"}]',
    });
    // A v1 client writing it back loses nothing, and the annotations are dropped again.
    const back = conversion.toStorage(v1);
    assert.deepEqual(back.metadata.annotations, { team: "a" });
    assert.deepEqual(back.spec, v2.spec);
    assert.deepEqual(back.status, v2.status);
  });

  test("v2 behavior defaults fill the direction left out", () => {
    const obj: KubeObject = {
      metadata: { name: "x" },
      spec: { scaleTargetRef: target, maxReplicas: 3, behavior: { scaleUp: { selectPolicy: "Disabled" } } },
    };
    defaultHorizontalPodAutoscaler(obj);
    assert.deepEqual((obj.spec as Record<string, unknown>).behavior, {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Disabled",
        policies: [
          { type: "Pods", value: 4, periodSeconds: 15 },
          { type: "Percent", value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
    });
  });

  test("validation messages", () => {
    const body = conversion.toStorage({
      ...kubectlAutoscale,
      spec: { scaleTargetRef: { kind: "Deployment", name: "" }, minReplicas: 0, maxReplicas: 0 },
    });
    assert.deepEqual(createThrough(horizontalPodAutoscalerStrategy, body).errors, [
      "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
      "spec.maxReplicas: Invalid value: 0: must be greater than 0",
      "spec.scaleTargetRef.name: Required value",
      "spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
    ]);
  });
});
