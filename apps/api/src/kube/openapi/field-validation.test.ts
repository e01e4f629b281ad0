import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  schemaForKind,
  strictDecodingMessage,
  unknownFieldMessages,
  unknownFields,
} from "./field-validation.ts";

function deployment(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec, ...extra };
}

const template = (containers: unknown[]) => ({
  metadata: { labels: { app: "web" } },
  spec: { containers },
});

describe("unknownFields", () => {
  test("a valid Deployment has none", () => {
    const obj = deployment({
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
      template: template([
        {
          name: "web",
          image: "nginx",
          ports: [{ containerPort: 80 }],
          resources: { limits: { cpu: "500m", memory: "128Mi" } },
          env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
        },
      ]),
    });
    obj["metadata"] = {
      name: "web",
      labels: { "app.kubernetes.io/name": "web" },
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
      creationTimestamp: "2024-01-01T00:00:00Z",
      managedFields: [{ manager: "kubectl", fieldsV1: { "f:spec": { "f:replicas": {} } } }],
    };
    obj["status"] = { replicas: 2, conditions: [{ type: "Available", status: "True" }] };
    assert.deepEqual(unknownFields("apps", "v1", "Deployment", obj), []);
  });

  test("reports paths as the strict decoder does: dots, [index], in document order", () => {
    // sigs.k8s.io/json kubernetes_patch.go: stack joined with "." and "[i]", error `unknown field "<path>"`.
    const obj = deployment({
      foo: 1,
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: template([
        { name: "a", image: "nginx" },
        { name: "b", imagee: "nginx", ports: [{ containerPort: 80, hostPortt: 1 }] },
      ]),
    });
    assert.deepEqual(unknownFields("apps", "v1", "Deployment", obj), [
      "spec.foo",
      "spec.template.spec.containers[1].imagee",
      "spec.template.spec.containers[1].ports[0].hostPortt",
    ]);
  });

  test("top-level and metadata fields", () => {
    const obj = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", nmespace: "x" },
      data: { any: "key" },
      foo: {},
    };
    assert.deepEqual(unknownFields("", "v1", "ConfigMap", obj), ["metadata.nmespace", "foo"]);
  });

  test("matching is case-sensitive, as kube-apiserver's decoder is", () => {
    assert.deepEqual(unknownFields("apps", "v1", "Deployment", deployment({ Replicas: 1 })), [
      "spec.Replicas",
    ]);
  });

  test("does not look inside unknown fields, maps of strings or opaque values", () => {
    const revision = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name: "r" },
      revision: 1,
      data: { spec: { anything: { goes: true } } }, // runtime.RawExtension
    };
    assert.deepEqual(unknownFields("apps", "v1", "ControllerRevision", revision), []);
    const obj = deployment({ bogus: { deeper: { fields: 1 } }, selector: { matchLabels: { "x/y": "z" } } });
    assert.deepEqual(unknownFields("apps", "v1", "Deployment", obj), ["spec.bogus"]);
  });

  test("ignores values of the wrong type (a decoding error, not an unknown field)", () => {
    assert.deepEqual(
      unknownFields("apps", "v1", "Deployment", deployment({ template: "nope", selector: [] })),
      [],
    );
  });

  test("works for core, cluster-scoped, group kinds and metrics", () => {
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: { ports: [{ port: 80, targetPort: "http", nodePorts: 1 }], selector: { app: "web" } },
    };
    assert.deepEqual(unknownFields("", "v1", "Service", svc), ["spec.ports[0].nodePorts"]);
    const role = { kind: "ClusterRole", rules: [{ verbs: ["get"], resources: ["pods"], apiGroup: [""] }] };
    assert.deepEqual(unknownFields("rbac.authorization.k8s.io", "v1", "ClusterRole", role), [
      "rules[0].apiGroup",
    ]);
    const hpa = {
      spec: {
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilisation: 50 } },
          },
        ],
      },
    };
    assert.deepEqual(unknownFields("autoscaling", "v2", "HorizontalPodAutoscaler", hpa), [
      "spec.metrics[0].resource.target.averageUtilisation",
    ]);
    assert.deepEqual(
      unknownFields("metrics.k8s.io", "v1beta1", "PodMetrics", { containers: [{ name: "a", cpu: 1 }] }),
      ["containers[0].cpu"],
    );
  });

  test("stops at 100 errors like sigs.k8s.io/json", () => {
    const spec: Record<string, number> = {};
    for (let i = 0; i < 150; i++) spec[`x${i}`] = i;
    const found = unknownFields("apps", "v1", "Deployment", deployment(spec));
    assert.equal(found.length, 100);
    assert.equal(found[99], "spec.x99");
  });

  test("a kind that is not served has no schema and no findings", () => {
    assert.equal(schemaForKind("apps", "v1", "Nope"), undefined);
    assert.deepEqual(unknownFields("extensions", "v1beta1", "Deployment", { foo: 1 }), []);
  });
});

describe("schemaForKind", () => {
  test("returns the resolved tree with descriptions", () => {
    const schema = schemaForKind("apps", "v1", "Deployment");
    assert.equal(schema?.type, "object");
    if (schema?.type !== "object") return;
    const spec = schema.properties.get("spec");
    assert.equal(spec?.type, "object");
    if (spec?.type !== "object") return;
    const replicas = spec.properties.get("replicas");
    assert.equal(replicas?.type, "opaque");
    assert.match(replicas?.description ?? "", /^Number of desired pods/);
    const podTemplate = spec.properties.get("template");
    const podSpec = podTemplate?.type === "object" ? podTemplate.properties.get("spec") : undefined;
    const containers = podSpec?.type === "object" ? podSpec.properties.get("containers") : undefined;
    assert.equal(containers?.type, "array");
    if (containers?.type !== "array" || containers.items.type !== "object") return assert.fail("containers");
    assert.ok(containers.items.properties.has("image"));
  });

  test("named definitions are shared, so the same type resolves to the same node", () => {
    const pod = schemaForKind("", "v1", "Pod");
    const deploymentSchema = schemaForKind("apps", "v1", "Deployment");
    assert.ok(pod?.type === "object" && deploymentSchema?.type === "object");
    assert.equal(pod.properties.get("metadata"), deploymentSchema.properties.get("metadata"));
  });
});

describe("messages", () => {
  test("match kube-apiserver's strict decoding BadRequest", () => {
    assert.deepEqual(unknownFieldMessages(["spec.foo"]), ['unknown field "spec.foo"']);
    assert.equal(
      strictDecodingMessage("Deployment", "v1", ["spec.foo", "spec.template.spec.containers[0].imagee"]),
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagee"',
    );
  });
});
