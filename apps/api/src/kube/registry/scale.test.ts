import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "../../errors.ts";
import type { KubeObject } from "../object/types.ts";
import { findResource } from "./registry.ts";
import { applyScale, toScale } from "./scale.ts";

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "default",
    uid: "u-1",
    resourceVersion: "42",
    generation: 2,
    creationTimestamp: "2025-01-01T00:00:00Z",
    labels: { app: "web" },
  },
  spec: {
    replicas: 3,
    selector: {
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
    },
  },
  status: { replicas: 2 },
};

function def(group: string, resource: string) {
  const found = findResource(group, "v1", resource);
  assert.ok(found);
  return found;
}

describe("scale subresource", () => {
  test("a Deployment's Scale", () => {
    assert.deepEqual(toScale(def("apps", "deployments"), deployment), {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: {
        name: "web",
        namespace: "default",
        uid: "u-1",
        resourceVersion: "42",
        creationTimestamp: "2025-01-01T00:00:00Z",
      },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: "app=web,tier in (a,b)" },
    });
  });

  test("zero replicas are omitted from spec, as omitempty does", () => {
    const scaled = structuredClone(deployment);
    (scaled.spec as Record<string, unknown>).replicas = 0;
    assert.deepEqual(toScale(def("apps", "deployments"), scaled).spec, {});
  });

  test("a ReplicationController's map selector", () => {
    const rc: KubeObject = { metadata: { name: "rc" }, spec: { replicas: 1, selector: { b: "2", a: "1" } } };
    assert.equal(toScale(def("", "replicationcontrollers"), rc).status.selector, "a=1,b=2");
  });

  test("applyScale sets replicas and carries the Scale's resourceVersion", () => {
    const scale = toScale(def("apps", "deployments"), deployment);
    scale.spec.replicas = 5;
    const updated = applyScale(deployment, scale);
    assert.equal((updated.spec as Record<string, unknown>).replicas, 5);
    assert.equal(updated.metadata.resourceVersion, "42");
    assert.equal((deployment.spec as Record<string, unknown>).replicas, 3);
  });

  test("negative replicas are a 422 on the Scale", () => {
    const scale = toScale(def("apps", "deployments"), deployment);
    scale.spec.replicas = -1;
    assert.throws(
      () => applyScale(deployment, scale),
      (e: unknown) =>
        e instanceof ApiError &&
        e.message ===
          'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });
});
