import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { goTypeForKind } from "./go-types.ts";
import { jsonDecodeError } from "./json-decode-check.ts";

const deploymentType = goTypeForKind("apps", "v1", "Deployment")!;
const configMapType = goTypeForKind("", "v1", "ConfigMap")!;

function deployment(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec };
}

function podSpec(container: Record<string, unknown>): Record<string, unknown> {
  return deployment({ template: { spec: { containers: [{ name: "web", image: "nginx", ...container }] } } });
}

// Expected texts: encoding/json UnmarshalTypeError.Error() as vendored by sigs.k8s.io/json
// (internal/golang/encoding/json/decode.go), with the struct of the field and its path from the root.
describe("jsonDecodeError", () => {
  test("a well-typed Deployment decodes", () => {
    const obj = deployment({
      replicas: 2,
      paused: false,
      selector: { matchLabels: { app: "web" } },
      strategy: { rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: "web" }, creationTimestamp: "2025-04-22T16:02:27Z" },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx",
              args: ["--port", "80"],
              ports: [{ containerPort: 80 }],
              resources: { limits: { cpu: 1, memory: "128Mi" }, requests: { cpu: "0.5" } },
              securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true },
            },
          ],
        },
      },
    });
    assert.equal(jsonDecodeError(deploymentType, obj), undefined);
  });

  test("a number in a string map names the map field", () => {
    assert.equal(
      jsonDecodeError(configMapType, { data: { a: 1 } }),
      "json: cannot unmarshal number into Go struct field ConfigMap.data of type string",
    );
  });

  test("a string replicas is refused as int32, a fraction with its literal", () => {
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ replicas: "3" })),
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
    );
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ replicas: 1.5 })),
      "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
    );
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ replicas: 3_000_000_000 })),
      "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32",
    );
  });

  test("list indexes and map keys are not part of the path", () => {
    assert.equal(
      jsonDecodeError(deploymentType, podSpec({ env: [{ name: "PORT", value: 8080 }] })),
      "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
    );
    assert.equal(
      jsonDecodeError(deploymentType, podSpec({ args: ["--port", 8080] })),
      "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string",
    );
    assert.equal(
      jsonDecodeError(deploymentType, { metadata: { labels: { version: true } } }),
      "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
    );
  });

  test("objects and lists in the wrong place name the Go type they missed", () => {
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ template: "nginx" })),
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec",
    );
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ template: { spec: { containers: { name: "web" } } } })),
      "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container",
    );
    assert.equal(
      jsonDecodeError(deploymentType, podSpec({ command: "sleep 1" })),
      "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.command of type []string",
    );
    assert.equal(
      jsonDecodeError(deploymentType, { metadata: { labels: ["a"] } }),
      "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string",
    );
  });

  test("int64 and bool fields", () => {
    assert.equal(
      jsonDecodeError(deploymentType, podSpec({ securityContext: { runAsUser: "1000" } })),
      "json: cannot unmarshal string into Go struct field SecurityContext.spec.template.spec.containers.securityContext.runAsUser of type int64",
    );
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ paused: "true" })),
      "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool",
    );
  });

  test("the first mismatch in document order is reported", () => {
    assert.equal(
      jsonDecodeError(deploymentType, deployment({ paused: 1, replicas: "3" })),
      "json: cannot unmarshal number into Go struct field DeploymentSpec.spec.paused of type bool",
    );
  });

  test("IntOrString takes both, and answers other values with the standard decoder's words", () => {
    const strategy = (maxSurge: unknown) => deployment({ strategy: { rollingUpdate: { maxSurge } } });
    assert.equal(jsonDecodeError(deploymentType, strategy("25%")), undefined);
    assert.equal(jsonDecodeError(deploymentType, strategy(1)), undefined);
    // intstr.go UnmarshalJSON calls json.Unmarshal into int32: no struct context.
    assert.equal(
      jsonDecodeError(deploymentType, strategy(true)),
      "json: cannot unmarshal bool into Go value of type int32",
    );
    assert.equal(
      jsonDecodeError(deploymentType, strategy(2.5)),
      "json: cannot unmarshal number 2.5 into Go value of type int32",
    );
  });

  test("an error from a type's own decoder stops decoding and wins over an earlier mismatch", () => {
    assert.equal(
      jsonDecodeError(
        deploymentType,
        deployment({
          paused: 1,
          template: { spec: { containers: [{ resources: { limits: { cpu: "lots" } } }] } },
        }),
      ),
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  test("Time fields parse RFC 3339 (time.Parse's error)", () => {
    assert.equal(
      jsonDecodeError(deploymentType, { metadata: { creationTimestamp: "2024-01-01" } }),
      'parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
    );
    assert.equal(
      jsonDecodeError(deploymentType, { metadata: { creationTimestamp: 5 } }),
      "json: cannot unmarshal number into Go value of type string",
    );
  });

  test("[]byte fields are base64 strings", () => {
    const secretType = goTypeForKind("", "v1", "Secret")!;
    assert.equal(jsonDecodeError(secretType, { data: { a: "aGVsbG8=" } }), undefined);
    assert.equal(
      jsonDecodeError(secretType, { data: { a: "hello!" } }),
      "illegal base64 data at input byte 5",
    );
    assert.equal(
      jsonDecodeError(secretType, { data: { a: 1 } }),
      "json: cannot unmarshal number into Go struct field Secret.data of type []uint8",
    );
  });

  test("free-form values (RawExtension, FieldsV1) take anything", () => {
    assert.equal(
      jsonDecodeError(deploymentType, { metadata: { managedFields: [{ fieldsV1: { "f:spec": {} } }] } }),
      undefined,
    );
  });

  test("nulls decode to zero values: struct fields vanish, map values and list items become zero", () => {
    const obj = deployment({
      replicas: null,
      template: { metadata: { labels: { app: null } }, spec: { containers: [null], nodeSelector: null } },
    });
    assert.equal(jsonDecodeError(deploymentType, obj), undefined);
    assert.deepEqual(obj["spec"], {
      template: { metadata: { labels: { app: "" } }, spec: { containers: [{}] } },
    });
  });
});
