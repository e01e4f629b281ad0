import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { failureStatus, UnknownReasonError } from "../status.ts";
import {
  checkAppliedObjectTypes,
  checkApplyConfigurationTypes,
  checkBodyTypes,
  checkPatchedTypes,
  checkStrategicPatchTypes,
} from "./value-types.ts";

const CONFIGMAP = { group: "", version: "v1", kind: "ConfigMap" };
const DEPLOYMENT = { group: "apps", version: "v1", kind: "Deployment" };

function configMap(data: unknown): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "default" },
    data,
  } as KubeObject;
}

function thrown(f: () => void): ApiError {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return err;
  }
  assert.fail("nothing thrown");
}

// Upstream: apiserver pkg/endpoints/handlers/rest.go transformDecodeError (create/update) and
// patch.go jsonPatcher.applyPatchToCurrentObject / applyPatchToObject (errors.NewInvalid on "patch").
describe("wrong value types per write path", () => {
  test("create and update: 400 cannot be handled as a <Kind>", () => {
    const err = thrown(() => checkBodyTypes(CONFIGMAP, configMap({ a: 1 })));
    assert.equal(err.status, 400);
    assert.equal(
      err.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
  });

  test("JSON and merge patches: 422 on field patch showing the patched object", () => {
    const err = thrown(() => checkPatchedTypes(CONFIGMAP, configMap({ a: true })));
    const shown =
      '{"apiVersion":"v1","data":{"a":true},"kind":"ConfigMap","metadata":{"name":"x","namespace":"default"}}';
    const detail = "json: cannot unmarshal bool into Go struct field ConfigMap.data of type string";
    assert.equal(err.status, 422);
    assert.equal(err.message, ` "" is invalid: patch: Invalid value: ${JSON.stringify(shown)}: ${detail}`);
    assert.deepEqual(failureStatus(err).details, {
      causes: [
        {
          reason: "FieldValueInvalid",
          field: "patch",
          message: `Invalid value: ${JSON.stringify(shown)}: ${detail}`,
        },
      ],
    });
  });

  test("strategic merge patches: 422 showing the patch as Go prints a map", () => {
    const patch = { spec: { replicas: "3" } };
    const patched = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: "3" },
    };
    const err = thrown(() => checkStrategicPatchTypes(DEPLOYMENT, patch, patched as KubeObject));
    assert.equal(err.status, 422);
    assert.equal(
      err.message,
      ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:3]]": unrecognized type: int32',
    );
  });

  test("server-side apply: 500 without a reason, naming the object and the typed-value error", () => {
    const applied = { ...configMap({ a: 1 }) };
    const err = thrown(() => checkApplyConfigurationTypes(CONFIGMAP, applied));
    assert.ok(err instanceof UnknownReasonError);
    assert.equal(err.status, 500);
    assert.equal(
      err.message,
      "failed to create typed patch object (default/x; /v1, Kind=ConfigMap): .data.a: expected string, got &value.valueUnstructured{Value:1}",
    );
    assert.equal("reason" in failureStatus(err), false);
  });

  test("server-side apply of another kind is left to the apply itself", () => {
    assert.doesNotThrow(() =>
      checkApplyConfigurationTypes(CONFIGMAP, { apiVersion: "v1", kind: "Secret", data: { a: 1 } }),
    );
  });

  test("server-side apply result that Go cannot convert (a fraction of a replica)", () => {
    const merged = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { replicas: 1.5 },
    };
    const err = thrown(() => checkAppliedObjectTypes(DEPLOYMENT, merged, merged as KubeObject));
    assert.equal(
      err.message,
      "failed to convert new object (/web; apps/v1, Kind=Deployment) to proper version: unable to convert unstructured object to apps/v1, Kind=Deployment: cannot convert float64 to int32",
    );
  });

  test("well-typed bodies pass and nulls are decoded away", () => {
    const body = configMap({ a: "b" });
    (body as Record<string, unknown>)["binaryData"] = null;
    checkBodyTypes(CONFIGMAP, body);
    assert.equal("binaryData" in body, false);
  });
});
