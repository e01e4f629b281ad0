import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { goTypeForKind } from "./go-types.ts";
import { unstructuredDecodeError } from "./unstructured-decode-check.ts";

const deploymentType = goTypeForKind("apps", "v1", "Deployment")!;
const spec = (s: Record<string, unknown>) => ({ apiVersion: "apps/v1", kind: "Deployment", spec: s });

// Expected texts: runtime.DefaultUnstructuredConverter.FromUnstructured (apimachinery v0.32
// pkg/runtime/converter.go fromUnstructured / structFromUnstructured / sliceFromUnstructured).
describe("unstructuredDecodeError", () => {
  test("integers convert to any integer or float field, never to a string", () => {
    assert.equal(
      unstructuredDecodeError(deploymentType, spec({ replicas: 3, minReadySeconds: 0 })),
      undefined,
    );
    assert.equal(
      unstructuredDecodeError(goTypeForKind("", "v1", "ConfigMap")!, { data: { a: 1 } }),
      "cannot convert int64 to string",
    );
  });

  test("values JSON cannot convert are an unrecognized type of the field's kind", () => {
    assert.equal(
      unstructuredDecodeError(deploymentType, spec({ replicas: "3" })),
      "unrecognized type: int32",
    );
    assert.equal(unstructuredDecodeError(deploymentType, spec({ paused: "yes" })), "unrecognized type: bool");
    assert.equal(
      unstructuredDecodeError(deploymentType, { metadata: { labels: { a: true } } }),
      "unrecognized type: string",
    );
  });

  test("a fraction does not fit an integer field", () => {
    assert.equal(
      unstructuredDecodeError(deploymentType, spec({ replicas: 1.5 })),
      "cannot convert float64 to int32",
    );
  });

  test("structs, maps and slices need their own shape", () => {
    assert.equal(
      unstructuredDecodeError(deploymentType, spec({ template: "x" })),
      "cannot restore struct from: string",
    );
    assert.equal(
      unstructuredDecodeError(deploymentType, { metadata: { labels: ["a"] } }),
      "cannot restore map from slice",
    );
    assert.equal(
      unstructuredDecodeError(deploymentType, spec({ template: { spec: { containers: { name: "web" } } } })),
      "cannot restore slice from map",
    );
  });

  test("types with UnmarshalJSON get the value re-encoded as JSON", () => {
    assert.equal(
      unstructuredDecodeError(deploymentType, spec({ strategy: { rollingUpdate: { maxSurge: false } } })),
      "json: cannot unmarshal bool into Go value of type int32",
    );
  });

  test("[]byte from a string goes through a JSON round trip", () => {
    assert.equal(
      unstructuredDecodeError(goTypeForKind("", "v1", "Secret")!, { data: { a: "hello!" } }),
      "error decoding from json: illegal base64 data at input byte 5",
    );
  });

  test("nulls become zero values", () => {
    const obj = spec({ replicas: null, selector: { matchLabels: { app: null } } });
    assert.equal(unstructuredDecodeError(deploymentType, obj), undefined);
    assert.deepEqual(obj.spec, { selector: { matchLabels: { app: "" } } });
  });
});
