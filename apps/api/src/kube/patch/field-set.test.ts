import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fieldElement, pathToString } from "./field-path.ts";
import { FieldSet } from "./field-set.ts";
import { jsonEqual } from "./json.ts";

// The kube-controller-manager entry of a Pod made by a ReplicaSet, as kube-apiserver serializes it.
const podFields = {
  "f:metadata": {
    "f:finalizers": { ".": {}, 'v:"example.com/protect"': {} },
    "f:generateName": {},
    "f:labels": { ".": {}, "f:app": {}, "f:pod-template-hash": {} },
    "f:ownerReferences": { ".": {}, 'k:{"uid":"8a1d"}': {} },
  },
  "f:spec": {
    "f:containers": {
      'k:{"name":"web"}': {
        ".": {},
        "f:image": {},
        "f:ports": { ".": {}, 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
      },
    },
  },
};

describe("FieldSet", () => {
  test("FieldsV1 decodes and encodes back to the same JSON, key order included", () => {
    const set = FieldSet.fromFieldsV1(podFields);
    assert.equal(JSON.stringify(set.toFieldsV1()), JSON.stringify(podFields));
  });

  test("encoding sorts keys the SMD way: fields, then keys, then values", () => {
    const shuffled = {
      "f:spec": { "f:replicas": {} },
      "f:metadata": { "f:labels": { "f:b": {}, "f:a": {} } },
    };
    assert.equal(
      JSON.stringify(FieldSet.fromFieldsV1(shuffled).toFieldsV1()),
      '{"f:metadata":{"f:labels":{"f:a":{},"f:b":{}}},"f:spec":{"f:replicas":{}}}',
    );
  });

  test("member paths render as conflict fields", () => {
    const paths = FieldSet.fromFieldsV1(podFields).paths().map(pathToString);
    assert.deepEqual(paths, [
      ".metadata.finalizers",
      '.metadata.finalizers[="example.com/protect"]',
      ".metadata.generateName",
      ".metadata.labels",
      ".metadata.labels.app",
      ".metadata.labels.pod-template-hash",
      ".metadata.ownerReferences",
      '.metadata.ownerReferences[uid="8a1d"]',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
      '.spec.containers[name="web"].ports',
      '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
      '.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort',
    ]);
  });

  test("difference and intersection work on exact paths", () => {
    const set = FieldSet.fromFieldsV1(podFields);
    const labels = new FieldSet();
    labels.insert(["metadata", "labels", "app"].map(fieldElement));
    assert.equal(set.intersection(labels).paths().map(pathToString).join(), ".metadata.labels.app");
    const rest = set.difference(labels);
    assert.equal(rest.has(["metadata", "labels", "app"].map(fieldElement)), false);
    assert.equal(rest.has(["metadata", "labels"].map(fieldElement)), true);
    assert.ok(rest.union(labels).equals(set));
  });
});

describe("jsonEqual", () => {
  test("ignores object key order but not array order", () => {
    assert.equal(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
    assert.equal(jsonEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), false);
  });
});
