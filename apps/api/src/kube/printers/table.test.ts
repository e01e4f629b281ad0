/**
 * Table envelopes as kube-apiserver serialises them (apiserver endpoints/handlers/response.go `asTable`,
 * pkg/printers/tablegenerator.go, pkg/registry/rest/table.go).
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject } from "./json.ts";
import { findPrinter } from "./registry.ts";
import { buildTable, buildTableJson, columnsFor } from "./table.ts";

const NOW = new Date("2025-01-15T12:00:00Z");
const configMap = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "settings",
    namespace: "default",
    uid: "0b9d5c1e-0000-4000-8000-000000000001",
    resourceVersion: "41",
    creationTimestamp: "2025-01-15T11:58:00Z",
    labels: { app: "web" },
    managedFields: [{ manager: "kubectl-create", operation: "Update", apiVersion: "v1" }],
  },
  data: { mode: "fast" },
};

describe("buildTable", () => {
  test("a list: Table envelope, columns, rows with PartialObjectMetadata by default", () => {
    const table = buildTable("", "configmaps", [configMap], {
      now: NOW,
      resourceVersion: "42",
      continue: "tok",
    });
    assert.equal(table.kind, "Table");
    assert.equal(table.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(table.metadata, { resourceVersion: "42", continue: "tok" });
    assert.deepEqual(
      table.columnDefinitions?.map((c) => c.name),
      ["Name", "Data", "Age"],
    );
    assert.deepEqual(table.rows, [
      {
        cells: ["settings", 1, "2m"],
        object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: configMap.metadata },
      },
    ]);
  });

  test("includeObject=Object embeds the object; None serialises object as null", () => {
    const full = buildTable("", "configmaps", [configMap], {
      now: NOW,
      resourceVersion: "42",
      includeObject: "Object",
    });
    assert.equal(full.rows?.[0]?.object, configMap);
    const none = buildTable("", "configmaps", [configMap], {
      now: NOW,
      resourceVersion: "42",
      includeObject: "None",
    });
    assert.equal(JSON.stringify(none.rows?.[0]), '{"cells":["settings",1,"2m"],"object":null}');
  });

  test("omitColumns (watch events after the first) leaves columnDefinitions null; empty RV is omitted", () => {
    const table = buildTable("", "configmaps", [configMap], {
      now: NOW,
      resourceVersion: "",
      omitColumns: true,
    });
    assert.equal(table.columnDefinitions, null);
    assert.deepEqual(table.metadata, {});
  });

  test("empty lists: [] rows for printed kinds, null for the default convertor", () => {
    assert.deepEqual(buildTable("", "pods", [], { now: NOW, resourceVersion: "5" }).rows, []);
    assert.equal(
      buildTable("rbac.authorization.k8s.io", "roles", [], { now: NOW, resourceVersion: "5" }).rows,
      null,
    );
  });

  test("key order matches upstream JSON: cells, conditions, object", () => {
    const pod = {
      metadata: { name: "done" },
      spec: { containers: [{ name: "c" }] },
      status: { phase: "Succeeded" },
    };
    const row = buildTable("", "pods", [pod], { now: NOW, resourceVersion: "1" }).rows?.[0];
    assert.deepEqual(Object.keys(row ?? {}), ["cells", "conditions", "object"]);
  });
});

describe("columns", () => {
  test("pods: names and wide priorities as in podColumnDefinitions", () => {
    assert.deepEqual(
      columnsFor("", "pods").map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ["Name", "string", "name", 0],
        ["Ready", "string", "", 0],
        ["Status", "string", "", 0],
        ["Restarts", "string", "", 0],
        ["Age", "string", "", 0],
        ["IP", "string", "", 1],
        ["Node", "string", "", 1],
        ["Nominated Node", "string", "", 1],
        ["Readiness Gates", "string", "", 1],
      ],
    );
  });

  test("descriptions are the k8s.io/api SwaggerDoc texts", () => {
    const [name, , , , age] = columnsFor("", "pods");
    assert.match(name?.description ?? "", /^Name must be unique within a namespace\./);
    assert.match(age?.description ?? "", /^CreationTimestamp is a timestamp representing the server time/);
    const ip = columnsFor("", "pods").find((c) => c.name === "IP");
    assert.equal(
      ip?.description,
      "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    );
  });

  test("events: Last Seen first, wide Subobject/Source/First Seen/Count/Name", () => {
    assert.deepEqual(
      columnsFor("", "events").map((c) => `${c.name}:${c.priority}`),
      [
        "Last Seen:0",
        "Type:0",
        "Reason:0",
        "Object:0",
        "Subobject:1",
        "Source:1",
        "Message:0",
        "First Seen:1",
        "Count:1",
        "Name:1",
      ],
    );
  });

  test("columnsFor hands out copies", () => {
    const first = columnsFor("apps", "deployments");
    if (first[0]) first[0].name = "changed";
    assert.equal(columnsFor("apps", "deployments")[0]?.name, "Name");
  });

  test("every served kind with an upstream printer has one here; the rest use the default table", () => {
    const printed: [string, string][] = [
      ["", "namespaces"],
      ["", "pods"],
      ["", "services"],
      ["", "endpoints"],
      ["", "configmaps"],
      ["", "secrets"],
      ["", "serviceaccounts"],
      ["", "events"],
      ["", "nodes"],
      ["", "persistentvolumeclaims"],
      ["", "persistentvolumes"],
      ["", "resourcequotas"],
      ["", "replicationcontrollers"],
      ["apps", "deployments"],
      ["apps", "replicasets"],
      ["apps", "statefulsets"],
      ["apps", "daemonsets"],
      ["apps", "controllerrevisions"],
      ["batch", "jobs"],
      ["batch", "cronjobs"],
      ["autoscaling", "horizontalpodautoscalers"],
      ["networking.k8s.io", "ingresses"],
      ["networking.k8s.io", "ingressclasses"],
      ["networking.k8s.io", "networkpolicies"],
      ["discovery.k8s.io", "endpointslices"],
      ["events.k8s.io", "events"],
      ["policy", "poddisruptionbudgets"],
      ["storage.k8s.io", "storageclasses"],
      ["coordination.k8s.io", "leases"],
      ["rbac.authorization.k8s.io", "rolebindings"],
      ["rbac.authorization.k8s.io", "clusterrolebindings"],
    ];
    for (const [group, resource] of printed) {
      assert.ok(findPrinter(group, resource), `${group}/${resource}`);
    }
    for (const [group, resource] of [
      ["", "limitranges"],
      ["rbac.authorization.k8s.io", "roles"],
      ["rbac.authorization.k8s.io", "clusterroles"],
      ["", "toString"],
    ] as const) {
      assert.equal(findPrinter(group, resource), undefined, `${group}/${resource}`);
      assert.deepEqual(
        columnsFor(group, resource).map((c) => c.name),
        ["Name", "Created At"],
      );
    }
    assert.ok(findPrinter("core", "pods"));
  });

  test("buildTableJson writes exactly what buildTable serialises, from each object's bytes", () => {
    const finished = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { ...configMap.metadata, name: "done" },
      spec: { containers: [{ name: "c", image: "busybox" }] },
      status: { phase: "Succeeded" },
    };
    const cases: [string, string, JsonObject[]][] = [
      ["", "configmaps", [configMap, { ...configMap, metadata: { ...configMap.metadata, name: "b" } }]],
      ["", "pods", [finished]],
      ["rbac.authorization.k8s.io", "roles", [configMap]],
      ["", "configmaps", []],
      ["rbac.authorization.k8s.io", "roles", []],
    ];
    for (const [group, resource, objects] of cases) {
      for (const includeObject of ["", "None", "Metadata", "Object"] as const) {
        const opts = { now: NOW, resourceVersion: "7", includeObject, continue: "next" };
        const serialized = objects.map((object) => ({
          object,
          json: () => Buffer.from(JSON.stringify(object)),
          metadataJson: () => Buffer.from(JSON.stringify((object as typeof configMap).metadata)),
        }));
        assert.equal(
          buildTableJson(group, resource, serialized, opts).toString(),
          JSON.stringify(buildTable(group, resource, objects, opts)),
          `${group}/${resource} × ${objects.length}, includeObject=${includeObject}`,
        );
      }
    }
  });
});
