import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { openApiDocument, openApiIndex } from "./documents.ts";
import type { Operation, PathItem } from "./paths.ts";
import type { Schema } from "./schema-types.ts";
import { groupVersionPath, SERVED_RESOURCES } from "./served-resources.ts";

interface ParsedDocument {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, Schema> };
}

function parsed(gvPath: string): ParsedDocument {
  const document = openApiDocument(gvPath);
  assert.ok(document, `no document for ${gvPath}`);
  return JSON.parse(document.body) as ParsedDocument;
}

const ALL_GROUP_VERSIONS = [
  "api/v1",
  "apis/apps/v1",
  "apis/authorization.k8s.io/v1",
  "apis/autoscaling/v1",
  "apis/autoscaling/v2",
  "apis/batch/v1",
  "apis/coordination.k8s.io/v1",
  "apis/discovery.k8s.io/v1",
  "apis/events.k8s.io/v1",
  "apis/metrics.k8s.io/v1beta1",
  "apis/networking.k8s.io/v1",
  "apis/policy/v1",
  "apis/rbac.authorization.k8s.io/v1",
  "apis/storage.k8s.io/v1",
];

describe("openApiIndex", () => {
  test("lists every served group-version with a hash-addressed URL", () => {
    const index = openApiIndex();
    assert.deepEqual(Object.keys(index.paths).sort(), ALL_GROUP_VERSIONS);
    for (const [gvPath, entry] of Object.entries(index.paths)) {
      const document = openApiDocument(gvPath)!;
      // kube-openapi handler3: hash = fmt.Sprintf("%X", sha512.Sum512(json)).
      const expected = createHash("sha512").update(document.body).digest("hex").toUpperCase();
      assert.equal(document.hash, expected);
      assert.match(document.hash, /^[0-9A-F]{128}$/);
      assert.equal(entry.serverRelativeURL, `/openapi/v3/${gvPath}?hash=${expected}`);
    }
  });

  test("documents are built once and are stable", () => {
    assert.equal(openApiDocument("apis/apps/v1"), openApiDocument("apis/apps/v1"));
    assert.equal(openApiDocument("apis/apps/v2"), undefined);
    assert.equal(openApiDocument("apis/extensions/v1beta1"), undefined);
  });
});

describe("apps/v1 document", () => {
  const doc = parsed("apis/apps/v1");
  const item = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];

  test("has the Deployment patch operation kubectl's field validation looks for", () => {
    const patch = item?.patch;
    assert.ok(patch);
    assert.deepEqual(patch["x-kubernetes-group-version-kind"], {
      group: "apps",
      kind: "Deployment",
      version: "v1",
    });
    assert.equal(patch["x-kubernetes-action"], "patch");
    const parameters = (patch.parameters ?? []).map((p) => `${p.in}:${p.name}`);
    assert.deepEqual(parameters, [
      "query:dryRun",
      "query:fieldManager",
      "query:fieldValidation",
      "query:force",
    ]);
    // Rule 2: no strategic-merge-patch+json, so kubectl computes SMPs from its compiled-in types.
    assert.deepEqual(Object.keys(patch.requestBody?.content ?? {}), [
      "application/apply-patch+yaml",
      "application/json-patch+json",
      "application/merge-patch+json",
    ]);
  });

  test("item path has get/put/patch/delete and the collection path get/post/delete", () => {
    assert.deepEqual(Object.keys(item ?? {}).sort(), ["delete", "get", "parameters", "patch", "put"]);
    const collection = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments"];
    assert.equal(collection?.get?.["x-kubernetes-action"], "list");
    assert.equal(collection?.get?.operationId, "listAppsV1NamespacedDeployment");
    assert.equal(collection?.post?.["x-kubernetes-action"], "post");
    assert.equal(collection?.delete?.["x-kubernetes-action"], "deletecollection");
    assert.equal(
      doc.paths["/apis/apps/v1/deployments"]?.get?.operationId,
      "listAppsV1DeploymentForAllNamespaces",
    );
  });

  test("scale subresource operations carry autoscaling/v1 Scale", () => {
    const scale = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
    assert.deepEqual(scale?.patch?.["x-kubernetes-group-version-kind"], {
      group: "autoscaling",
      kind: "Scale",
      version: "v1",
    });
    assert.equal(scale?.patch?.operationId, "patchAppsV1NamespacedDeploymentScale");
    assert.ok(doc.components.schemas["io.k8s.api.autoscaling.v1.Scale"]);
  });

  test("schemas use upstream names and carry explain's descriptions", () => {
    const schemas = doc.components.schemas;
    assert.deepEqual(schemas["io.k8s.api.apps.v1.Deployment"]?.["x-kubernetes-group-version-kind"], [
      { group: "apps", kind: "Deployment", version: "v1" },
    ]);
    assert.match(
      schemas["io.k8s.api.apps.v1.DeploymentSpec"]?.properties?.["replicas"]?.description ?? "",
      /^Number of desired pods\./,
    );
    assert.deepEqual(schemas["io.k8s.api.apps.v1.DeploymentSpec"]?.required, ["selector", "template"]);
    assert.deepEqual(schemas["io.k8s.api.apps.v1.DeploymentSpec"]?.properties?.["template"], {
      $ref: "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec",
      description: "PodTemplateSpec describes the data a pod should have when created from a template",
    });
    assert.deepEqual(schemas["io.k8s.api.apps.v1.Deployment"]?.properties?.["metadata"], {
      allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }],
      description:
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    });
    assert.equal(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]?.type, "object");
  });

  test("custom-marshalled types are published like kube-apiserver's", () => {
    const schemas = doc.components.schemas;
    assert.deepEqual(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]?.oneOf, [
      { type: "integer" },
      { type: "string" },
    ]);
    assert.deepEqual(
      schemas["io.k8s.api.core.v1.ResourceRequirements"]?.properties?.["limits"]?.additionalProperties,
      {
        $ref: "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity",
      },
    );
    assert.deepEqual(schemas["io.k8s.api.apps.v1.RollingUpdateDeployment"]?.properties?.["maxSurge"]?.allOf, [
      { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
    ]);
    assert.deepEqual(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"], {
      description:
        "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.",
      type: "string",
      format: "date-time",
    });
  });
});

describe("every document", () => {
  const documents = ALL_GROUP_VERSIONS.map((gvPath) => [gvPath, parsed(gvPath)] as const);

  test("every reference resolves inside its own document", () => {
    for (const [gvPath, doc] of documents) {
      const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
      for (const name of refs) assert.ok(doc.components.schemas[name], `${gvPath}: dangling $ref ${name}`);
    }
  });

  test("every patch operation offers fieldValidation (kubectl stops at the first patch op of a GVK)", () => {
    for (const [gvPath, doc] of documents) {
      for (const [path, item] of Object.entries(doc.paths)) {
        const patch: Operation | undefined = item.patch;
        if (!patch) continue;
        const has = (patch.parameters ?? []).some((p) => p.name === "fieldValidation" && p.in === "query");
        assert.ok(has, `${gvPath} ${path}`);
        assert.ok(!("application/strategic-merge-patch+json" in (patch.requestBody?.content ?? {})));
      }
    }
  });

  test("kubectl explain finds each resource's kind from its paths and a schema with that GVK", () => {
    // explain/v2/templates/plaintext.tmpl searches <prefix>/<version>[/namespaces/{namespace}]/<resource>[/{name}].
    for (const resource of SERVED_RESOURCES) {
      const doc = parsed(groupVersionPath(resource.group, resource.version));
      const root = `/${groupVersionPath(resource.group, resource.version)}`;
      const base = resource.namespaced
        ? `${root}/namespaces/{namespace}/${resource.resource}`
        : `${root}/${resource.resource}`;
      const item = doc.paths[base] ?? doc.paths[`${base}/{name}`];
      const operation = item?.get ?? item?.post;
      const gvk = { group: resource.group, kind: resource.kind, version: resource.version };
      assert.deepEqual(operation?.["x-kubernetes-group-version-kind"], gvk, base);
      const schema = doc.components.schemas[resource.schema];
      assert.deepEqual(schema?.["x-kubernetes-group-version-kind"], [gvk], resource.schema);
    }
  });

  test("cluster-scoped and namespaced paths follow upstream scopes", () => {
    const core = parsed("api/v1");
    assert.ok(core.paths["/api/v1/nodes/{name}"]?.patch);
    assert.ok(core.paths["/api/v1/namespaces/{name}"]?.get);
    assert.ok(core.paths["/api/v1/persistentvolumes/{name}/status"]?.patch);
    assert.ok(core.paths["/api/v1/namespaces/{namespace}/pods/{name}/status"]?.get);
    assert.deepEqual(
      core.paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]?.post?.[
        "x-kubernetes-group-version-kind"
      ],
      { group: "policy", kind: "Eviction", version: "v1" },
    );
    assert.deepEqual(Object.keys(core.paths["/api/v1/namespaces/{namespace}/bindings"] ?? {}).sort(), [
      "parameters",
      "post",
    ]);
    const rbac = parsed("apis/rbac.authorization.k8s.io/v1");
    assert.ok(rbac.paths["/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}"]);
    assert.ok(rbac.paths["/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/roles/{name}"]);
    const authz = parsed("apis/authorization.k8s.io/v1");
    assert.deepEqual(Object.keys(authz.paths).sort(), [
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    ]);
    const metrics = parsed("apis/metrics.k8s.io/v1beta1");
    assert.equal(
      metrics.paths["/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}"]?.patch,
      undefined,
    );
    assert.ok(metrics.paths["/apis/metrics.k8s.io/v1beta1/nodes/{name}"]?.get);
  });
});
