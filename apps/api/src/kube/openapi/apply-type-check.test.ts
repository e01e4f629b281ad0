import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { schemaFor } from "../patch/index.ts";
import { appliedConfigurationError } from "./apply-type-check.ts";
import { goTypeForKind } from "./go-types.ts";

const deploymentType = goTypeForKind("apps", "v1", "Deployment")!;
const deploymentKeys = schemaFor("apps/v1", "Deployment");
const applied = (spec: Record<string, unknown>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec,
});

// Expected texts: structured-merge-diff v4.4.2 typed/validate.go validateScalar, helpers.go
// mapValue/listValue and ValidationErrors.Error(); paths as fieldpath.PathElement.String().
describe("appliedConfigurationError", () => {
  test("a well-typed configuration passes; integers and floats are both numeric", () => {
    assert.equal(
      appliedConfigurationError(deploymentType, applied({ replicas: 2 }), deploymentKeys),
      undefined,
    );
    assert.equal(
      appliedConfigurationError(deploymentType, applied({ replicas: 1.5 }), deploymentKeys),
      undefined,
    );
  });

  test("scalars of the wrong type, worded per scalar kind", () => {
    assert.equal(
      appliedConfigurationError(deploymentType, applied({ replicas: "3" }), deploymentKeys),
      ".spec.replicas: expected numeric (int or float), got string",
    );
    assert.equal(
      appliedConfigurationError(goTypeForKind("", "v1", "ConfigMap")!, { data: { a: 1 } }, undefined),
      ".data.a: expected string, got &value.valueUnstructured{Value:1}",
    );
    assert.equal(
      appliedConfigurationError(deploymentType, applied({ paused: "yes" }), deploymentKeys),
      ".spec.paused: expected boolean, got &{yes}",
    );
  });

  test("IntOrString is any scalar", () => {
    const strategy = (maxSurge: unknown) => applied({ strategy: { rollingUpdate: { maxSurge } } });
    assert.equal(appliedConfigurationError(deploymentType, strategy("25%"), deploymentKeys), undefined);
    assert.equal(
      appliedConfigurationError(deploymentType, strategy({ a: 1 }), deploymentKeys),
      ".spec.strategy.rollingUpdate.maxSurge: expected any scalar, got &{map[a:1]}",
    );
  });

  test("keyed list items are named by key; every error is listed", () => {
    const config = applied({
      replicas: "3",
      template: {
        spec: { containers: [{ name: "web", image: "nginx", env: [{ name: "PORT", value: 80 }] }] },
      },
    });
    assert.equal(
      appliedConfigurationError(deploymentType, config, deploymentKeys),
      [
        "errors:",
        "  .spec.replicas: expected numeric (int or float), got string",
        '  .spec.template.spec.containers[name="web"].env[name="PORT"].value: expected string, got &value.valueUnstructured{Value:80}',
      ].join("\n"),
    );
  });

  test("unknown fields are not declared in the schema", () => {
    assert.equal(
      appliedConfigurationError(deploymentType, applied({ replica: 3 }), deploymentKeys),
      ".spec.replica: field not declared in schema",
    );
  });

  test("maps and lists of the wrong shape", () => {
    assert.equal(
      appliedConfigurationError(deploymentType, applied({ template: "x" }), deploymentKeys),
      ".spec.template: expected map, got &{x}",
    );
    assert.equal(
      appliedConfigurationError(
        deploymentType,
        applied({ template: { spec: { containers: "x" } } }),
        deploymentKeys,
      ),
      ".spec.template.spec.containers: expected list, got &{x}",
    );
  });
});
