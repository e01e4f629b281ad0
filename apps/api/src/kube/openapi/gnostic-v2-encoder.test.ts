import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { readFields, type WireField } from "../protobuf/wire-reader.ts";
import { encodeGnosticDocument } from "./gnostic-v2-encoder.ts";
import { buildSwaggerDocument } from "./v2-document.ts";

const doc = buildSwaggerDocument("v1.32.4");
const bytes = encodeGnosticDocument(doc);

function text(field: WireField | undefined): string {
  return Buffer.from(field?.bytes ?? []).toString("utf8");
}

/** The fields numbered `n` of a message. */
function all(message: Uint8Array, n: number): WireField[] {
  return readFields(message).filter((f) => f.number === n);
}

function one(message: Uint8Array, n: number): WireField {
  const [field] = all(message, n);
  assert.ok(field, `field ${n} missing`);
  return field;
}

/** A Named* entry (name = 1, value = 2) by name. */
function named(entries: WireField[], name: string): Uint8Array {
  const entry = entries.find((e) => text(one(e.bytes, 1)) === name);
  assert.ok(entry, `${name} missing`);
  return one(entry.bytes, 2).bytes;
}

// Field numbers: gnostic-models openapiv2/OpenAPIv2.proto (Document 1 swagger, 2 info, 8 paths,
// 9 definitions; Schema 1 _ref, 22 type, 25 properties, 31 vendor_extension; NamedAny/Any.yaml 2).
describe("encodeGnosticDocument", () => {
  test("Document.swagger and Document.info", () => {
    assert.equal(text(one(bytes, 1)), "2.0");
    const info = one(bytes, 2).bytes;
    assert.equal(text(one(info, 1)), "Kubernetes");
    assert.equal(text(one(info, 2)), "v1.32.4");
  });

  test("definitions: a kind's properties, references and group-version-kind extension", () => {
    const definitions = all(one(bytes, 9).bytes, 1);
    assert.equal(definitions.length, Object.keys(doc.definitions).length);
    const deployment = named(definitions, "io.k8s.api.apps.v1.Deployment");
    assert.deepEqual(all(one(deployment, 22).bytes, 1).map(text), ["object"]);
    const properties = all(one(deployment, 25).bytes, 1);
    const spec = named(properties, "spec");
    assert.equal(text(one(spec, 1)), "#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
    const extension = one(deployment, 31).bytes;
    assert.equal(text(one(extension, 1)), "x-kubernetes-group-version-kind");
    assert.deepEqual(parseYaml(text(one(one(extension, 2).bytes, 2))), [
      { group: "apps", kind: "Deployment", version: "v1" },
    ]);
  });

  test("maps and arrays: additionalProperties and items hold one schema", () => {
    const definitions = all(one(bytes, 9).bytes, 1);
    const podSpec = named(definitions, "io.k8s.api.core.v1.PodSpec");
    const properties = all(one(podSpec, 25).bytes, 1);
    const containers = named(properties, "containers");
    const item = one(one(containers, 23).bytes, 1).bytes;
    assert.equal(text(one(item, 1)), "#/definitions/io.k8s.api.core.v1.Container");
    const nodeSelector = named(properties, "nodeSelector");
    const value = one(one(nodeSelector, 21).bytes, 1).bytes;
    assert.deepEqual(all(one(value, 22).bytes, 1).map(text), ["string"]);
  });

  test("paths: the patch operation's consumes, query parameters and extensions", () => {
    const paths = all(one(bytes, 8).bytes, 2);
    const item = named(paths, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}");
    const patch = one(item, 8).bytes;
    assert.deepEqual(all(patch, 7).map(text), [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
    ]);
    // ParametersItem.parameter → Parameter.non_body_parameter → query_parameter_sub_schema.name
    const queryNames = all(patch, 8).flatMap((p) => {
      const nonBody = all(one(p.bytes, 1).bytes, 2)[0];
      return nonBody ? [text(one(one(nonBody.bytes, 3).bytes, 4))] : [];
    });
    assert.deepEqual(queryNames, ["dryRun", "fieldManager", "fieldValidation", "force"]);
    const extensions = Object.fromEntries(
      all(patch, 13).map((e) => [text(one(e.bytes, 1)), parseYaml(text(one(one(e.bytes, 2).bytes, 2)))]),
    );
    assert.deepEqual(extensions, {
      "x-kubernetes-action": "patch",
      "x-kubernetes-group-version-kind": { group: "apps", kind: "Deployment", version: "v1" },
    });
  });
});
