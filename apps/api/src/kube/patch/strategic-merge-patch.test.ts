// Patches are the bodies kubectl 1.32 sends (computed by CreateThreeWayMergePatch / CreateTwoWayMergePatch
// in k8s.io/apimachinery/pkg/util/strategicpatch); expectations follow patch.go's merge rules.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PatchError } from "./errors.ts";
import type { JsonObject } from "./json.ts";
import { schemaFor } from "./merge-keys.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

const deploymentSchema = schemaFor("apps/v1", "Deployment");

/** A Deployment as kube-apiserver stores it after defaulting. */
function liveDeployment() {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" }, finalizers: ["a", "b", "c"] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.25",
              env: [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
              ],
              ports: [
                { containerPort: 80, protocol: "TCP" },
                { containerPort: 8080, protocol: "TCP" },
              ],
              resources: {},
              terminationMessagePath: "/dev/termination-log",
            },
          ],
          volumes: [{ name: "data", emptyDir: {} }],
          restartPolicy: "Always",
        },
      },
    },
  };
}

type Deployment = ReturnType<typeof liveDeployment>;

const patchDeployment = (patch: unknown): Deployment =>
  applyStrategicMergePatch(liveDeployment(), patch, deploymentSchema) as unknown as Deployment;

const firstContainer = (d: Deployment) =>
  d.spec.template.spec.containers[0] as Deployment["spec"]["template"]["spec"]["containers"][0] & JsonObject;

describe("applyStrategicMergePatch on a Deployment", () => {
  test("kubectl apply update: new image, env var removed with $patch: delete, orders set", () => {
    const out = patchDeployment({
      metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}\n" } },
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "web" }],
            containers: [
              {
                "$setElementOrder/env": [{ name: "A" }],
                env: [{ $patch: "delete", name: "B" }],
                image: "nginx:1.26",
                name: "web",
              },
            ],
          },
        },
      },
    });
    const container = firstContainer(out);
    assert.equal(container.image, "nginx:1.26");
    assert.deepEqual(container.env, [{ name: "A", value: "1" }]);
    assert.deepEqual(container.ports, liveDeployment().spec.template.spec.containers[0]?.ports);
    assert.equal(container.terminationMessagePath, "/dev/termination-log");
    assert.deepEqual(out.metadata.labels, { app: "web" });
    assert.equal((out.metadata as JsonObject).annotations !== undefined, true);
    assert.equal(JSON.stringify(out).includes("$"), false, "no directive survives");
  });

  test("kubectl set image merges the container by name", () => {
    const out = patchDeployment({
      spec: { template: { spec: { containers: [{ image: "nginx:1.27", name: "web" }] } } },
    });
    assert.equal(firstContainer(out).image, "nginx:1.27");
    assert.equal(firstContainer(out).env?.length, 2);
    assert.equal(out.spec.template.spec.containers.length, 1);
  });

  test("kubectl rollout restart adds the restartedAt annotation to the template", () => {
    const out = patchDeployment({
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" } },
        },
      },
    });
    assert.deepEqual(out.spec.template.metadata, {
      labels: { app: "web" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" },
    });
  });

  test("kubectl apply removing a container port deletes it by containerPort", () => {
    const out = patchDeployment({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "web" }],
            containers: [
              {
                "$setElementOrder/ports": [{ containerPort: 80 }],
                name: "web",
                ports: [{ $patch: "delete", containerPort: 8080 }],
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(firstContainer(out).ports, [{ containerPort: 80, protocol: "TCP" }]);
  });

  test("kubectl edit: a two-way patch of labels and replicas", () => {
    const out = patchDeployment({ metadata: { labels: { tier: "web" } }, spec: { replicas: 3 } });
    assert.deepEqual(out.metadata.labels, { app: "web", tier: "web" });
    assert.equal(out.spec.replicas, 3);
  });

  test("$retainKeys on the strategy clears rollingUpdate when switching to Recreate", () => {
    const out = patchDeployment({ spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    assert.deepEqual(out.spec.strategy, { type: "Recreate" });
  });

  test("$retainKeys on a volume replaces its source (emptyDir → configMap)", () => {
    const out = patchDeployment({
      spec: {
        template: {
          spec: {
            "$setElementOrder/volumes": [{ name: "data" }],
            volumes: [
              {
                $retainKeys: ["configMap", "name"],
                configMap: { name: "cfg" },
                emptyDir: null,
                name: "data",
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(out.spec.template.spec.volumes, [{ name: "data", configMap: { name: "cfg" } }]);
  });

  test("finalizers: set-merge, $deleteFromPrimitiveList and $setElementOrder together", () => {
    const out = patchDeployment({
      metadata: {
        "$deleteFromPrimitiveList/finalizers": ["b"],
        "$setElementOrder/finalizers": ["c", "a", "d"],
        finalizers: ["d"],
      },
    });
    assert.deepEqual(out.metadata.finalizers, ["c", "a", "d"]);
  });

  test("$setElementOrder puts a new container first", () => {
    const out = patchDeployment({
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "sidecar" }, { name: "web" }],
            containers: [{ name: "sidecar", image: "busybox" }],
          },
        },
      },
    });
    assert.deepEqual(
      out.spec.template.spec.containers.map((c) => c.name),
      ["sidecar", "web"],
    );
  });

  test("without $setElementOrder, patch items keep patch order and live-only items keep their place", () => {
    // mergeSortedSlice: D is not in the live list, so it goes first; A precedes B in the live list.
    const live = liveDeployment();
    live.spec.template.spec.containers[0]?.env.push({ name: "C", value: "3" });
    const out = applyStrategicMergePatch(
      live,
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "web",
                  env: [
                    { name: "D", value: "4" },
                    { name: "B", value: "x" },
                  ],
                },
              ],
            },
          },
        },
      },
      deploymentSchema,
    ) as unknown as Deployment;
    assert.deepEqual(firstContainer(out).env, [
      { name: "D", value: "4" },
      { name: "A", value: "1" },
      { name: "B", value: "x" },
      { name: "C", value: "3" },
    ]);
  });

  test("$patch: replace on a list drops the live items", () => {
    const out = patchDeployment({
      spec: { template: { spec: { containers: [{ $patch: "replace" }, { name: "new", image: "redis" }] } } },
    });
    assert.deepEqual(out.spec.template.spec.containers, [{ name: "new", image: "redis" }]);
  });

  test("$patch: delete on a map empties it, null deletes a field", () => {
    const out = patchDeployment({ spec: { strategy: { $patch: "delete" }, selector: null } });
    assert.deepEqual(out.spec.strategy, {});
    assert.equal("selector" in out.spec, false);
  });

  test("lists without a merge key (tolerations) are replaced", () => {
    const live = liveDeployment() as Deployment & { spec: { template: { spec: JsonObject } } };
    live.spec.template.spec.tolerations = [{ key: "a", operator: "Exists" }];
    const out = applyStrategicMergePatch(
      live,
      { spec: { template: { spec: { tolerations: [{ key: "b", operator: "Exists" }] } } } },
      deploymentSchema,
    ) as unknown as { spec: { template: { spec: JsonObject } } };
    assert.deepEqual(out.spec.template.spec.tolerations, [{ key: "b", operator: "Exists" }]);
  });

  test("an item without its merge key is a 500 with upstream's message", () => {
    assert.throws(
      () => patchDeployment({ spec: { template: { spec: { containers: [{ image: "nginx" }] } } } }),
      (error) =>
        error instanceof PatchError &&
        error.code === 500 &&
        error.message === "map: map[image:nginx] does not contain declared merge key: name",
    );
  });

  test("a malformed $setElementOrder directive is a 400", () => {
    assert.throws(
      () => patchDeployment({ spec: { "$setElementOrder-containers": [] } }),
      (error) =>
        error instanceof PatchError &&
        error.code === 400 &&
        error.message === "invalid patch format of setElementOrder list",
    );
  });
});

describe("applyStrategicMergePatch on other kinds", () => {
  // Without $setElementOrder, mergeSortedSlice puts items the live list lacks before the live-only ones.
  test("ownerReferences merge by uid", () => {
    const live = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: "web-1",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "u1" }],
      },
    };
    const out = applyStrategicMergePatch(
      live,
      { metadata: { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "cfg", uid: "u2" }] } },
      schemaFor("apps/v1", "ReplicaSet"),
    );
    assert.deepEqual(
      (out.metadata as { ownerReferences: { uid: string }[] }).ownerReferences.map((o) => o.uid),
      ["u2", "u1"],
    );
  });

  test("Service ports merge by port", () => {
    const live = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: {
        ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }],
        selector: { app: "web" },
      },
    };
    const out = applyStrategicMergePatch(
      live,
      { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      schemaFor("v1", "Service"),
    );
    assert.deepEqual((out.spec as JsonObject).ports, [
      { name: "http", port: 80, protocol: "TCP", targetPort: 9090 },
    ]);
  });

  test("a Node's podCIDRs merge as a set", () => {
    const live = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1" },
      spec: { podCIDRs: ["10.0.0.0/24"] },
    };
    const out = applyStrategicMergePatch(
      live,
      { spec: { podCIDRs: ["fd00::/64"] } },
      schemaFor("v1", "Node"),
    );
    assert.deepEqual((out.spec as JsonObject).podCIDRs, ["fd00::/64", "10.0.0.0/24"]);
  });

  test("unknown kinds (custom resources) merge like a JSON merge patch", () => {
    const live = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w" },
      spec: { items: [1, 2], size: 1 },
    };
    const out = applyStrategicMergePatch(
      live,
      { spec: { items: [3], color: "red", size: null } },
      schemaFor("example.com/v1", "Widget"),
    );
    assert.deepEqual(out.spec, { items: [3], color: "red" });
  });
});
