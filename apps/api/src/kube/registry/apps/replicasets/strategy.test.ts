import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { controllerRevisionStrategy } from "../controllerrevisions/strategy.ts";
import { replicaSetStrategy } from "./strategy.ts";

const replicaSet: KubeObject = {
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web-5d4f" },
  spec: {
    selector: { matchLabels: { app: "web", "pod-template-hash": "5d4f" } },
    template: {
      metadata: { labels: { app: "web", "pod-template-hash": "5d4f" } },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    },
  },
};

describe("ReplicaSet strategy", () => {
  test("one replica by default, replicas 0 in the fresh status", () => {
    const { obj, errors } = createThrough(replicaSetStrategy, replicaSet);
    assert.deepEqual(errors, []);
    assert.equal((obj.spec as Record<string, unknown>).replicas, 1);
    assert.deepEqual(obj.status, { replicas: 0 });
  });

  test("upstream's empty-selector message names deployments", () => {
    const body = structuredClone(replicaSet);
    (body.spec as Record<string, unknown>).selector = { matchLabels: {} };
    assert.ok(
      createThrough(replicaSetStrategy, body).errors.includes(
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
      ),
    );
  });

  test("selector immutable, with expressions rendered as Go does", () => {
    const stored = createThrough(replicaSetStrategy, replicaSet).obj;
    const next = structuredClone(stored);
    (next.spec as Record<string, unknown>).selector = {
      matchLabels: { app: "web", "pod-template-hash": "5d4f" },
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }],
    };
    assert.deepEqual(updateThrough(replicaSetStrategy, stored, next).errors, [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "pod-template-hash":"5d4f"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"NotIn", Values:[]string{"db"}}}}: field is immutable',
    ]);
  });
});

describe("ControllerRevision strategy", () => {
  test("data is mandatory", () => {
    const body: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: "r" },
      revision: -1,
    };
    assert.deepEqual(createThrough(controllerRevisionStrategy, body).errors, [
      "data: Required value: data is mandatory",
      "revision: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });
});
