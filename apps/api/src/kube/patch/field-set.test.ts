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

describe("FieldSet in place and as decoded", () => {
  const path = (...names: string[]) => names.map(fieldElement);
  const encoded = (set: FieldSet) => JSON.stringify(set.toFieldsV1());

  test("addAll and removeAll change the set itself as union and difference would", () => {
    const other = new FieldSet();
    other.insert(path("metadata", "labels", "app"));
    other.insert(path("spec", "replicas"));
    const set = FieldSet.fromFieldsV1(podFields);
    const union = encoded(set.union(other));
    const difference = encoded(set.difference(other));
    assert.equal(set.addAll(other), true);
    assert.equal(encoded(set), union);
    assert.equal(set.addAll(other), false, "nothing new the second time");
    const decoded = FieldSet.fromFieldsV1(podFields);
    assert.equal(decoded.removeAll(other), true);
    assert.equal(encoded(decoded), difference);
    assert.equal(decoded.removeAll(other), false, "nothing left to remove");
  });

  test("an unchanged set encodes as a fresh copy of its fieldsV1, a changed one re-encodes", () => {
    const input = structuredClone(podFields);
    const set = FieldSet.fromFieldsV1(input);
    const out = set.toFieldsV1();
    assert.notEqual(out, input);
    assert.equal(JSON.stringify(out), JSON.stringify(podFields));
    (out["f:metadata"] as Record<string, unknown>)["f:changed"] = {};
    assert.deepEqual(input, podFields, "the input is never modified");

    const web = FieldSet.fromFieldsV1({ "f:spec": { "f:containers": { 'k:{"name":"web"}': {} } } });
    const labels = new FieldSet();
    labels.insert(path("metadata", "labels", "app"));
    set.removeAll(labels);
    set.removeAll(web);
    const expected = structuredClone(podFields) as Record<string, Record<string, Record<string, unknown>>>;
    delete expected["f:metadata"]?.["f:labels"]?.["f:app"];
    // The container entry stays as a parent of its fields, no longer owned itself: no ".".
    const container = expected["f:spec"]?.["f:containers"]?.['k:{"name":"web"}'] as Record<string, unknown>;
    delete container["."];
    assert.equal(encoded(set), JSON.stringify(expected));
  });

  test("fieldsV1 out of order encodes sorted, keys as they were written, leaves as {}", () => {
    const fields = {
      "f:spec": {
        "f:ports": { 'k:{"protocol":"TCP","port":80}': { "f:port": {} }, ".": {} },
        "f:selector": { ".": {} },
        "f:type": 5,
      },
      "f:metadata": { "f:labels": { "f:b": {}, "f:a": {} } },
      ".": {},
    };
    assert.equal(
      encoded(FieldSet.fromFieldsV1(fields)),
      JSON.stringify({
        "f:metadata": { "f:labels": { "f:a": {}, "f:b": {} } },
        "f:spec": {
          "f:ports": { ".": {}, 'k:{"protocol":"TCP","port":80}': { "f:port": {} } },
          "f:selector": {},
          "f:type": {},
        },
      }),
    );
  });

  test("a malformed key anywhere fails the decoding itself", () => {
    const fields = { "f:spec": { "f:template": { "f:spec": { zz: {} } } } };
    assert.throws(() => FieldSet.fromFieldsV1(fields), /missing colon: zz/);
  });

  test("a clone changes on its own", () => {
    const set = FieldSet.fromFieldsV1(podFields);
    const copy = set.clone();
    copy.insert(path("spec", "replicas"));
    assert.equal(copy.has(path("spec", "replicas")), true);
    assert.equal(set.has(path("spec", "replicas")), false);
    assert.equal(encoded(set), JSON.stringify(podFields));
  });
});

describe("jsonEqual", () => {
  test("ignores object key order but not array order", () => {
    assert.equal(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
    assert.equal(jsonEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), false);
  });
});
