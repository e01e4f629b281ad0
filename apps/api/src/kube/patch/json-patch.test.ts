import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PatchError } from "./errors.ts";
import { applyJsonPatch } from "./json-patch.ts";

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "default",
    resourceVersion: "42",
    annotations: { "deployment.kubernetes.io/revision": "3" },
    labels: { app: "web" },
  },
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    },
  },
});

/** Runs the patch and returns the PatchError it throws. */
function failure(doc: unknown, patch: unknown): PatchError {
  try {
    applyJsonPatch(doc, patch);
  } catch (error) {
    assert.ok(error instanceof PatchError);
    return error;
  }
  assert.fail("patch applied");
}

describe("applyJsonPatch", () => {
  test("rollout undo replaces the pod template and the annotations", () => {
    // kubectl/pkg/polymorphichelpers/rollback.go sends exactly these two operations.
    const template = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.25" }] },
    };
    const annotations = { "deployment.kubernetes.io/revision": "1" };
    const doc = deployment();
    const out = applyJsonPatch(doc, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ]) as ReturnType<typeof deployment>;
    assert.deepEqual(out.spec.template, template);
    assert.deepEqual(out.metadata.annotations, annotations);
    assert.equal(doc.spec.template.spec.containers[0]?.image, "nginx:1.27", "input untouched");
  });

  test("SSA migration rewrites managedFields and pins the resourceVersion", () => {
    // csaupgrade replaces /metadata/resourceVersion so that a stale request fails with 409 downstream.
    const managedFields = [
      { manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: {} },
    ];
    const out = applyJsonPatch(deployment(), [
      { op: "replace", path: "/metadata/managedFields", value: managedFields },
      { op: "replace", path: "/metadata/resourceVersion", value: "41" },
    ]) as ReturnType<typeof deployment> & { metadata: { managedFields: unknown } };
    assert.deepEqual(out.metadata.managedFields, managedFields);
    assert.equal(out.metadata.resourceVersion, "41");
  });

  test("a test op on the resourceVersion passes when equal and fails with 422 otherwise", () => {
    const ok = applyJsonPatch(deployment(), [
      { op: "test", path: "/metadata/resourceVersion", value: "42" },
      { op: "replace", path: "/spec/replicas", value: 5 },
    ]) as ReturnType<typeof deployment>;
    assert.equal(ok.spec.replicas, 5);

    const error = failure(deployment(), [
      { op: "test", path: "/metadata/resourceVersion", value: "41" },
      { op: "replace", path: "/spec/replicas", value: 5 },
    ]);
    assert.equal(error.code, 422);
    assert.equal(error.reason, "Invalid");
    assert.equal(error.message, "the server rejected our request due to an error in our request");
    assert.equal(error.detail, "testing value /metadata/resourceVersion failed: test failed");
  });

  test("pointer escaping: ~1 is a slash and ~0 a tilde", () => {
    const out = applyJsonPatch(deployment(), [
      { op: "add", path: "/spec/template/metadata/annotations", value: {} },
      {
        op: "add",
        path: "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt",
        value: "now",
      },
      { op: "add", path: "/metadata/labels/a~0b", value: "x" },
    ]) as { spec: { template: { metadata: { annotations: unknown } } }; metadata: { labels: unknown } };
    assert.deepEqual(out.spec.template.metadata.annotations, { "kubectl.kubernetes.io/restartedAt": "now" });
    assert.deepEqual(out.metadata.labels, { app: "web", "a~b": "x" });
  });

  test("array insertion, append with -, negative indices, move and copy", () => {
    // For add, a negative index counts on the grown array: -2 on [a b d e] inserts at 3.
    const out = applyJsonPatch({ items: ["b", "d"] }, [
      { op: "add", path: "/items/0", value: "a" },
      { op: "add", path: "/items/-", value: "e" },
      { op: "add", path: "/items/-2", value: "c" },
      { op: "copy", from: "/items/0", path: "/first" },
      { op: "move", from: "/items/4", path: "/last" },
      { op: "remove", path: "/items/-1" },
    ]);
    assert.deepEqual(out, { items: ["a", "b", "d"], first: "a", last: "e" });
  });

  test("replace of a missing object key adds it, as evanphx/json-patch v4 does", () => {
    const out = applyJsonPatch({ spec: {} }, [{ op: "replace", path: "/spec/paused", value: true }]);
    assert.deepEqual(out, { spec: { paused: true } });
  });

  test("missing paths are 422 with the library's wording", () => {
    assert.equal(
      failure(deployment(), [{ op: "add", path: "/spec/strategy/rollingUpdate", value: {} }]).detail,
      'add operation does not apply: doc is missing path: "/spec/strategy/rollingUpdate": missing value',
    );
    assert.equal(
      failure(deployment(), [{ op: "remove", path: "/metadata/labels/tier" }]).detail,
      "error in remove for path: '/metadata/labels/tier': Unable to remove nonexistent key: tier: missing value",
    );
    assert.equal(
      failure(deployment(), [{ op: "replace", path: "/spec/template/spec/containers/3", value: {} }]).detail,
      "replace operation does not apply: doc is missing key: /spec/template/spec/containers/3: missing value",
    );
    assert.equal(
      failure(deployment(), [{ op: "frobnicate", path: "/spec" }]).detail,
      "Unexpected kind: frobnicate",
    );
  });

  test("a body that is not a list of operations is a 400", () => {
    const error = failure(deployment(), { op: "add", path: "/x", value: 1 });
    assert.equal(error.code, 400);
    assert.equal(error.message, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  });
});
