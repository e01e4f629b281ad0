import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../object/types.ts";
import { formatFieldError } from "../../validation/field-errors.ts";
import type { Strategy, StrategyContext } from "../types.ts";
import { endpointsStrategy } from "./endpoints/strategy.ts";
import { eventStrategy } from "./events/strategy.ts";
import { leaseStrategy } from "./leases/strategy.ts";
import { limitRangeStrategy } from "./limitranges/strategy.ts";
import { nodeStrategy } from "./nodes/strategy.ts";
import { resourceQuotaStrategy } from "./resourcequotas/strategy.ts";

const ctx: StrategyContext = { now: new Date("2025-05-01T10:00:00Z"), clusterId: "c", dryRun: false };

/** prepare, default, validate: the pure part of the create pipeline. */
function create(strategy: Strategy, obj: KubeObject): { obj: KubeObject; errors: string[] } {
  strategy.prepareForCreate?.(obj, ctx);
  strategy.applyDefaults?.(obj);
  return { obj, errors: (strategy.validate?.(obj, ctx) ?? []).map(formatFieldError) };
}

const meta = (name: string, namespace = "default") => ({ name, namespace });

describe("the smaller core kinds", () => {
  test("nodes: allocatable defaults to capacity; taints are validated at upstream's metadata path", () => {
    const { obj, errors } = create(nodeStrategy, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1" },
      spec: {
        taints: [
          { key: "gpu", effect: "NoSchedule" },
          { key: "gpu", effect: "NoSchedule" },
          { key: "x", effect: "Sometimes" },
        ],
      },
      status: { capacity: { cpu: "4", memory: "8Gi" } },
    });
    assert.deepEqual((obj.status as Record<string, unknown>).allocatable, { cpu: "4", memory: "8Gi" });
    assert.deepEqual(errors, [
      'metadata.taints[1]: Duplicate value: core.Taint{Key:"gpu", Value:"", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
      'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
    assert.deepEqual([nodeStrategy.hasStatusSubresource, nodeStrategy.tracksGeneration], [true, false]);
  });

  test("endpoints: ports default to TCP, subsets need addresses", () => {
    const { obj, errors } = create(endpointsStrategy, {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta("web"),
      subsets: [
        { addresses: [{ ip: "10.244.1.5" }], ports: [{ port: 80 }] },
        { ports: [{ name: "a", port: 81 }, { port: 82 }] },
      ],
    });
    assert.equal((obj.subsets as { ports: { protocol: string }[] }[])[0]!.ports[0]!.protocol, "TCP");
    assert.deepEqual(errors, [
      "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
      "subsets[1].ports[1].name: Required value",
    ]);
  });

  test("events: the involved object must live in the event's namespace", () => {
    const { errors } = create(eventStrategy, {
      apiVersion: "v1",
      kind: "Event",
      metadata: meta("web.1"),
      involvedObject: { kind: "Pod", name: "web", namespace: "other" },
      reason: "Started",
    });
    assert.deepEqual(errors, [
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
    assert.equal(eventStrategy.nameValidation, "path-segment");
  });

  test("leases: durations must be positive", () => {
    const { errors } = create(leaseStrategy, {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: meta("lock"),
      spec: { leaseDurationSeconds: 0, leaseTransitions: -1 },
    });
    assert.deepEqual(errors, [
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });

  test("resource quotas: status starts empty, names must be quota resources, counts whole", () => {
    const { obj, errors } = create(resourceQuotaStrategy, {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: meta("q"),
      spec: { hard: { pods: "1.5", "requests.cpu": "1000m", gpu: "1" } },
      status: { used: { pods: "3" } },
    });
    assert.deepEqual(obj.status, {});
    assert.deepEqual((obj.spec as { hard: unknown }).hard, { pods: "1500m", "requests.cpu": "1", gpu: "1" });
    assert.deepEqual(errors, [
      'spec.hard[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.hard[gpu]: Invalid value: "gpu": must be a standard resource for quota',
      "spec.hard[pods]: Invalid value: 1500m: must be an integer",
    ]);
  });

  test("limit ranges: container defaults come from max, and min may not exceed max", () => {
    const { obj, errors } = create(limitRangeStrategy, {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: meta("limits"),
      spec: { limits: [{ type: "Container", max: { cpu: "1" }, min: { cpu: "2", memory: "64Mi" } }] },
    });
    assert.deepEqual((obj.spec as { limits: unknown[] }).limits[0], {
      type: "Container",
      max: { cpu: "1" },
      min: { cpu: "2", memory: "64Mi" },
      default: { cpu: "1" },
      defaultRequest: { cpu: "1", memory: "64Mi" },
    });
    assert.deepEqual(errors, [
      "spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1",
      "spec.limits[0].defaultRequest[cpu]: Invalid value: 1: min value 2 is greater than default request value 1",
      "spec.limits[0].default[cpu]: Invalid value: 2: min value 2 is greater than default value 1",
    ]);
  });
});
