import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough, updateThrough } from "../../support/strategy-pipeline.ts";
import { storageClassStrategy } from "./strategy.ts";

const storageClass: KubeObject = {
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: { name: "standard" },
  provisioner: "rancher.io/local-path",
};

describe("StorageClass strategy", () => {
  test("reclaimPolicy Delete and volumeBindingMode Immediate by default", () => {
    const { obj, errors } = createThrough(storageClassStrategy, storageClass);
    assert.deepEqual(errors, []);
    assert.equal(obj.reclaimPolicy, "Delete");
    assert.equal(obj.volumeBindingMode, "Immediate");
  });

  test("provisioner is required; enums are checked", () => {
    const body: KubeObject = { ...structuredClone(storageClass), provisioner: "", reclaimPolicy: "Recycle" };
    assert.deepEqual(createThrough(storageClassStrategy, body).errors, [
      "provisioner: Required value",
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    ]);
  });

  test("most fields are fixed after creation", () => {
    const stored = createThrough(storageClassStrategy, storageClass).obj;
    const next = {
      ...structuredClone(stored),
      parameters: { type: "ssd" },
      volumeBindingMode: "WaitForFirstConsumer",
    };
    assert.deepEqual(updateThrough(storageClassStrategy, stored, next).errors, [
      "parameters: Forbidden: updates to parameters are forbidden.",
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
  });
});
