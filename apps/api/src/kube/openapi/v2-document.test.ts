import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildSwaggerDocument, toSchemaV2 } from "./v2-document.ts";

const doc = buildSwaggerDocument("v1.32.4");

// Shapes compared with kube-apiserver 1.32's /openapi/v2 (api/openapi-spec/swagger.json upstream).
describe("buildSwaggerDocument", () => {
  test("a Swagger 2.0 document with the server's version", () => {
    assert.equal(doc.swagger, "2.0");
    assert.deepEqual(doc.info, { title: "Kubernetes", version: "v1.32.4" });
    assert.deepEqual(doc.security, [{ BearerToken: [] }]);
  });

  test("references point into definitions and keep their description beside $ref", () => {
    const spec = doc.definitions["io.k8s.api.apps.v1.Deployment"]?.properties?.["spec"];
    assert.equal(spec?.$ref, "#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
    assert.equal(
      toSchemaV2({ allOf: [{ $ref: "#/components/schemas/X" }], description: "d" }).$ref,
      "#/definitions/X",
    );
    for (const match of JSON.stringify(doc).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) {
      assert.ok(doc.definitions[match[1]!], `dangling reference ${match[1]}`);
    }
    assert.equal(JSON.stringify(doc).includes("#/components/schemas/"), false);
  });

  test("kinds carry their group-version-kind; IntOrString and Quantity are strings", () => {
    assert.deepEqual(doc.definitions["io.k8s.api.core.v1.Pod"]?.["x-kubernetes-group-version-kind"], [
      { group: "", kind: "Pod", version: "v1" },
    ]);
    assert.equal(doc.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]?.type, "string");
    assert.equal(doc.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]?.format, "int-or-string");
    assert.equal(doc.definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"]?.type, "string");
  });

  test("the patch operation consumes no strategic merge patch and takes fieldValidation", () => {
    const patch = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?.patch;
    assert.ok(patch);
    assert.deepEqual(patch.consumes, [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
    ]);
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], {
      group: "apps",
      kind: "Deployment",
      version: "v1",
    });
    assert.equal(patch["x-kubernetes-action"], "patch");
    const body = patch.parameters?.[0];
    assert.deepEqual(body, {
      name: "body",
      in: "body",
      required: true,
      schema: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" },
    });
    assert.ok(patch.parameters?.some((p) => p.name === "fieldValidation" && p.in === "query"));
  });

  test("list operations produce the watch stream types", () => {
    const list = doc.paths["/api/v1/namespaces/{namespace}/pods"]?.get;
    assert.ok(list?.produces.includes("application/json;stream=watch"));
    assert.equal(list?.responses["200"]?.schema?.$ref, "#/definitions/io.k8s.api.core.v1.PodList");
  });
});
