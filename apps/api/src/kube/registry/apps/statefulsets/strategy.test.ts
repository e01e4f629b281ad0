import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { statefulSetStrategy } from "./strategy.ts";

function statefulSet(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web" },
    spec: {
      serviceName: "nginx",
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: { containers: [{ name: "nginx", image: "nginx" }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "www" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
      ...spec,
    },
  };
}

describe("StatefulSet strategy", () => {
  test("defaults as kube-apiserver 1.32 stores them", () => {
    const { obj, errors } = createThrough(statefulSetStrategy, statefulSet());
    assert.deepEqual(errors, []);
    const spec = obj.spec as Record<string, unknown>;
    assert.equal(spec.podManagementPolicy, "OrderedReady");
    assert.deepEqual(spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, {
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.deepEqual(spec.volumeClaimTemplates, [
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "www" },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: "1Gi" } },
          volumeMode: "Filesystem",
        },
        status: { phase: "Pending" },
      },
    ]);
    assert.deepEqual(obj.status, { replicas: 0, availableReplicas: 0 });
    assert.equal(statefulSetStrategy.nameValidation, "dns-label");
  });

  test("an explicit RollingUpdate type gets no rollingUpdate, as upstream's defaulter", () => {
    const { obj } = createThrough(
      statefulSetStrategy,
      statefulSet({ updateStrategy: { type: "RollingUpdate" } }),
    );
    assert.deepEqual((obj.spec as Record<string, unknown>).updateStrategy, { type: "RollingUpdate" });
  });

  test("invalid policies", () => {
    const body = statefulSet({
      podManagementPolicy: "Random",
      updateStrategy: { type: "OnDelete", rollingUpdate: { partition: 2 } },
    });
    assert.deepEqual(createThrough(statefulSetStrategy, body).errors, [
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
    ]);
  });

  test("only some spec fields may change", () => {
    const stored = createThrough(statefulSetStrategy, statefulSet()).obj;
    const next = structuredClone(stored);
    (next.spec as Record<string, unknown>).serviceName = "other";
    assert.deepEqual(updateThrough(statefulSetStrategy, stored, next).errors, [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
    const scaled = structuredClone(stored);
    (scaled.spec as Record<string, unknown>).replicas = 3;
    const result = updateThrough(statefulSetStrategy, stored, scaled);
    assert.deepEqual(result.errors, []);
    assert.equal(result.obj.metadata.generation, 2);
  });
});
