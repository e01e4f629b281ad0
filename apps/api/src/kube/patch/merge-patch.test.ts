import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PatchError } from "./errors.ts";
import { applyMergePatch } from "./merge-patch.ts";

const pod = () => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", labels: { app: "web", tier: "front" } },
  spec: { containers: [{ name: "web", image: "nginx" }], nodeSelector: { disk: "ssd" } },
});

describe("applyMergePatch", () => {
  test("kubectl scale sets spec.replicas", () => {
    const out = applyMergePatch({ spec: { replicas: 1, paused: false } }, { spec: { replicas: 3 } });
    assert.deepEqual(out, { spec: { replicas: 3, paused: false } });
  });

  test("kubectl label adds and removes labels (null deletes)", () => {
    const out = applyMergePatch(pod(), { metadata: { labels: { env: "prod", tier: null } } });
    assert.deepEqual(out.metadata, { name: "web", labels: { app: "web", env: "prod" } });
  });

  test("arrays are replaced whole", () => {
    const out = applyMergePatch(pod(), { spec: { containers: [{ name: "sidecar", image: "busybox" }] } });
    assert.deepEqual((out.spec as { containers: unknown }).containers, [
      { name: "sidecar", image: "busybox" },
    ]);
  });

  test("a value added where nothing was loses its nulls", () => {
    const out = applyMergePatch(pod(), { metadata: { annotations: { a: "1", b: null, c: { d: null } } } });
    assert.deepEqual((out.metadata as { annotations: unknown }).annotations, { a: "1", c: {} });
  });

  test("does not mutate its input", () => {
    const doc = pod();
    applyMergePatch(doc, { metadata: { labels: { app: null } } });
    assert.equal(doc.metadata.labels.app, "web");
  });

  test("a patch that is not an object is a 400 Invalid JSON Patch", () => {
    assert.throws(
      () => applyMergePatch(pod(), [1, 2]),
      (error) => error instanceof PatchError && error.code === 400 && error.message === "Invalid JSON Patch",
    );
  });
});
