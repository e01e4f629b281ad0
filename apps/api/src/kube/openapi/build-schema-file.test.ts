import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { buildSchemaFile, serializeSchemaFile } from "./build-schema-file.ts";
import { parseClassName } from "./upstream-names.ts";

describe("schemas.json", () => {
  test("is what generate.ts produces from the installed client-node (rerun it after an upgrade)", async () => {
    // Compared as data: generate.ts leaves the layout to biome.
    const committed: unknown = JSON.parse(readFileSync(new URL("./schemas.json", import.meta.url), "utf8"));
    const fresh: unknown = JSON.parse(serializeSchemaFile(await buildSchemaFile()));
    assert.ok(isDeepStrictEqual(committed, fresh), "schemas.json is stale: run generate.ts");
  });

  test("files types under their upstream Go packages (checked against k8s.io/api v0.34 types.go)", () => {
    const names = Object.keys(
      (
        JSON.parse(readFileSync(new URL("./schemas.json", import.meta.url), "utf8")) as {
          schemas: Record<string, unknown>;
        }
      ).schemas,
    );
    for (const name of [
      "io.k8s.api.core.v1.TopologySelectorTerm", // only used by storage.k8s.io StorageClass
      "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement", // only used by authorization.k8s.io
      "io.k8s.api.core.v1.PodTemplateSpec",
      "io.k8s.api.core.v1.ResourceClaim",
      "io.k8s.api.core.v1.EndpointPort",
      "io.k8s.api.discovery.v1.EndpointPort",
      "io.k8s.api.core.v1.EventSeries",
      "io.k8s.api.events.v1.EventSeries",
      "io.k8s.api.rbac.v1.Subject",
      "io.k8s.api.autoscaling.v1.CrossVersionObjectReference",
      "io.k8s.api.autoscaling.v2.CrossVersionObjectReference",
      "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
      "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.ok(!names.some((name) => name.startsWith("io.k8s.api.storage.v1.TopologySelector")));
  });

  test("stays small", () => {
    const size = readFileSync(new URL("./schemas.json", import.meta.url)).length;
    assert.ok(size < 2_000_000, `${size} bytes`);
  });
});

describe("parseClassName", () => {
  test("splits client-node class names", () => {
    assert.deepEqual(parseClassName("V1DeploymentSpec"), { version: "v1", name: "DeploymentSpec" });
    assert.deepEqual(parseClassName("CoreV1EventSeries"), {
      groupPrefix: "Core",
      version: "v1",
      name: "EventSeries",
    });
    assert.deepEqual(parseClassName("V2MetricTarget"), { version: "v2", name: "MetricTarget" });
    assert.deepEqual(parseClassName("V1beta1Foo"), { version: "v1beta1", name: "Foo" });
    assert.equal(parseClassName("ObjectSerializer"), undefined);
  });
});
