// Expected managedFields are what kube-apiserver 1.32 shows for the same writes
// (`kubectl get -o json --show-managed-fields`); conflict messages follow managedfields/internal/conflict.go.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PatchError } from "./errors.ts";
import { deepClone, type JsonObject, jsonEqual } from "./json.ts";
import type { ManagedFieldsEntry } from "./managed-fields.ts";
import { applyPatch } from "./server-side-apply.ts";
import { updateManagedFields } from "./update-managed-fields.ts";

const t0 = new Date("2024-05-01T10:00:00.123Z");
const t1 = new Date("2024-05-01T11:30:00Z");
const apps = { apiVersion: "apps/v1", now: t1 };

/** The manifest a user applies. */
function manifest(replicas = 2, image = "nginx:1.25"): JsonObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** What kube-apiserver stores for a manifest: system metadata and defaults added. */
function defaulted(object: JsonObject): JsonObject {
  const out = deepClone(object) as JsonObject & { metadata: JsonObject; spec: JsonObject };
  Object.assign(out.metadata, {
    uid: "u-1",
    resourceVersion: "1",
    generation: 1,
    creationTimestamp: "2024-05-01T09:00:00Z",
  });
  Object.assign(out.spec, {
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  });
  const podSpec = (out.spec.template as { spec: JsonObject }).spec;
  Object.assign(podSpec, {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    securityContext: {},
    schedulerName: "default-scheduler",
  });
  for (const container of podSpec.containers as JsonObject[]) {
    Object.assign(container, {
      resources: {},
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      imagePullPolicy: "IfNotPresent",
    });
    for (const port of (container.ports as JsonObject[] | undefined) ?? []) port.protocol ??= "TCP";
  }
  out.status = {};
  return out;
}

/** A Deployment created by `kubectl apply` (client-side) at t0. */
function createdByClientSideApply(replicas = 2): JsonObject {
  return updateManagedFields(undefined, defaulted(manifest(replicas)), {
    manager: "kubectl-client-side-apply",
    apiVersion: "apps/v1",
    now: t0,
  }).object;
}

const entry = (fields: ManagedFieldsEntry[], manager: string, operation = "Update") =>
  fields.find((e) => e.manager === manager && e.operation === operation);

function conflict(run: () => unknown): PatchError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PatchError);
    return error;
  }
  assert.fail("no conflict");
}

describe("applyPatch", () => {
  test("creating by apply records the applier's fields in FieldsV1", () => {
    const { object, managedFields } = applyPatch(undefined, manifest(), {
      manager: "kubectl",
      ...apps,
      now: t0,
    });
    assert.equal(managedFields.length, 1);
    const [applied] = managedFields;
    assert.deepEqual(
      { ...applied, fieldsV1: undefined },
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2024-05-01T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: undefined,
      },
    );
    assert.equal(
      JSON.stringify(applied?.fieldsV1),
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}',
    );
    const { managedFields: stored, ...metadata } = object.metadata as JsonObject;
    assert.deepEqual({ ...object, metadata }, manifest());
    assert.deepEqual(stored, managedFields);
  });

  test("applying the same manifest again changes nothing, not even the time", () => {
    const first = applyPatch(undefined, manifest(), { manager: "kubectl", ...apps, now: t0 });
    const second = applyPatch(first.object, manifest(), { manager: "kubectl", ...apps });
    assert.deepEqual(second.managedFields, first.managedFields);
    assert.ok(jsonEqual(second.object, first.object));
  });

  test("a field another manager set to a different value conflicts", () => {
    const live = createdByClientSideApply();
    const error = conflict(() => applyPatch(live, manifest(3), { manager: "deployer", ...apps }));
    assert.equal(error.code, 409);
    assert.equal(error.reason, "Conflict");
    assert.equal(
      error.message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    assert.deepEqual(error.causes, [
      {
        type: "FieldManagerConflict",
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: ".spec.replicas",
      },
    ]);
  });

  test("force takes the field: ownership moves to the applier", () => {
    const live = createdByClientSideApply();
    const { object, managedFields } = applyPatch(live, manifest(3), {
      manager: "deployer",
      force: true,
      ...apps,
    });
    assert.equal((object.spec as JsonObject).replicas, 3);
    const csa = entry(managedFields, "kubectl-client-side-apply");
    assert.equal(JSON.stringify(csa?.fieldsV1).includes("f:replicas"), false);
    assert.equal(csa?.time, "2024-05-01T10:00:00Z", "the loser keeps its time");
    assert.equal(
      JSON.stringify(entry(managedFields, "deployer", "Apply")?.fieldsV1).includes("f:replicas"),
      true,
    );
    assert.deepEqual(
      managedFields.map((e) => `${e.operation}/${e.manager}`),
      ["Apply/deployer", "Update/kubectl-client-side-apply"],
    );
  });

  test("the same value is shared ownership, not a conflict", () => {
    const live = createdByClientSideApply();
    const { object, managedFields } = applyPatch(live, manifest(2), { manager: "deployer", ...apps });
    for (const manager of ["kubectl-client-side-apply", "deployer"]) {
      const spec = managedFields.find((e) => e.manager === manager)?.fieldsV1["f:spec"] as
        | JsonObject
        | undefined;
      assert.deepEqual(spec?.["f:replicas"], {}, manager);
    }
    const { metadata: _a, ...liveRest } = live;
    const { metadata: _b, ...outRest } = object;
    assert.ok(jsonEqual(liveRest, outRest), "the object itself is unchanged");
  });

  test("kubectl's upgrade from client-side apply: conflicts on last-applied fields are taken", () => {
    const live = createdByClientSideApply();
    const lastApplied = `${JSON.stringify(manifest(2))}\n`;
    (live.metadata as JsonObject).annotations = {
      "kubectl.kubernetes.io/last-applied-configuration": lastApplied,
    };
    const { object, managedFields } = applyPatch(live, manifest(3), { manager: "kubectl", ...apps });
    assert.equal((object.spec as JsonObject).replicas, 3);
    const annotation = ((object.metadata as JsonObject).annotations as JsonObject)[
      "kubectl.kubernetes.io/last-applied-configuration"
    ];
    assert.equal(typeof annotation, "string");
    assert.equal((annotation as string).endsWith("}\n"), true);
    assert.equal((JSON.parse(annotation as string) as { spec: { replicas: number } }).spec.replicas, 3);
    assert.equal(
      JSON.stringify(entry(managedFields, "kubectl-client-side-apply")?.fieldsV1).includes("f:replicas"),
      false,
    );
  });

  test("conflicts with several managers are grouped by manager", () => {
    let live = createdByClientSideApply();
    const edited = deepClone(live);
    (edited.spec as JsonObject).minReadySeconds = 10;
    live = updateManagedFields(live, edited, { manager: "kubectl-edit", ...apps }).object;
    const config = manifest(3, "nginx:1.26");
    (config.spec as JsonObject).minReadySeconds = 5;
    const error = conflict(() => applyPatch(live, config, { manager: "deployer", ...apps }));
    assert.equal(
      error.message,
      "Apply failed with 3 conflicts: " +
        'conflicts with "kubectl-client-side-apply" using apps/v1:\n' +
        "- .spec.replicas\n" +
        '- .spec.template.spec.containers[name="web"].image\n' +
        'conflicts with "kubectl-edit" using apps/v1:\n' +
        "- .spec.minReadySeconds",
    );
    assert.deepEqual(
      error.causes.map((c) => c.field),
      [".spec.replicas", '.spec.template.spec.containers[name="web"].image', ".spec.minReadySeconds"],
    );
  });

  test("a scale through the subresource is owned with subresource scale", () => {
    const created = applyPatch(undefined, manifest(2), { manager: "kubectl", ...apps, now: t0 }).object;
    const scaled = deepClone(created);
    (scaled.spec as JsonObject).replicas = 5;
    const live = updateManagedFields(created, scaled, {
      manager: "kubectl",
      subresource: "scale",
      ...apps,
    }).object;
    const error = conflict(() => applyPatch(live, manifest(2), { manager: "kubectl", ...apps }));
    assert.equal(
      error.message,
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  test("fields applied before and no longer applied are pruned unless someone else owns them", () => {
    const configMap = (data: JsonObject): JsonObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg" },
      data,
    });
    const v1 = { apiVersion: "v1", now: t1 };
    const first = applyPatch(undefined, configMap({ a: "1", b: "2", c: "3" }), {
      manager: "deployer",
      ...v1,
    }).object;
    // Someone else takes c by changing it; b stays the deployer's alone.
    const edited = deepClone(first);
    (edited.data as JsonObject).c = "30";
    const live = updateManagedFields(first, edited, { manager: "kubectl-edit", ...v1 }).object;
    const { object, managedFields } = applyPatch(live, configMap({ a: "1" }), { manager: "deployer", ...v1 });
    assert.deepEqual(object.data, { a: "1", c: "30" });
    assert.deepEqual(entry(managedFields, "deployer", "Apply")?.fieldsV1, { "f:data": { "f:a": {} } });
    assert.deepEqual(entry(managedFields, "kubectl-edit")?.fieldsV1, { "f:data": { "f:c": {} } });
  });

  test("a container dropped from the manifest is removed", () => {
    const two = manifest();
    const containers = ((two.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec
      .containers;
    containers.push({ name: "sidecar", image: "busybox" });
    const live = applyPatch(undefined, two, { manager: "kubectl", ...apps }).object;
    const { object } = applyPatch(live, manifest(), { manager: "kubectl", ...apps });
    const names = (
      (object.spec as JsonObject).template as { spec: { containers: JsonObject[] } }
    ).spec.containers.map((c) => c.name);
    assert.deepEqual(names, ["web"]);
  });

  test("a new list item lands after the applied item before it", () => {
    const live = defaulted(manifest());
    const config = manifest();
    const containers = ((config.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec
      .containers;
    containers.unshift({ name: "init-like", image: "busybox" });
    const { object } = applyPatch(live, config, { manager: "kubectl", ...apps });
    const names = (
      (object.spec as JsonObject).template as { spec: { containers: JsonObject[] } }
    ).spec.containers.map((c) => c.name);
    assert.deepEqual(names, ["init-like", "web"]);
  });

  test("rejects a wrong apiVersion, managedFields in the body, and duplicate list keys", () => {
    const wrongVersion = { ...manifest(), apiVersion: "apps/v1beta1" };
    const bad = conflict(() => applyPatch(undefined, wrongVersion, { manager: "kubectl", ...apps }));
    assert.equal(bad.code, 400);
    assert.equal(bad.message, "invalid object type: apps/v1beta1, Kind=Deployment");

    const withFields = manifest();
    (withFields.metadata as JsonObject).managedFields = [];
    assert.equal(
      conflict(() => applyPatch(undefined, withFields, { manager: "kubectl", ...apps })).message,
      "metadata.managedFields must be nil",
    );

    const duplicated = manifest();
    const containers = ((duplicated.spec as JsonObject).template as { spec: { containers: JsonObject[] } })
      .spec.containers;
    containers.push({ name: "web", image: "busybox" });
    const error = conflict(() => applyPatch(undefined, duplicated, { manager: "kubectl", ...apps }));
    assert.equal(error.code, 500);
    assert.equal(
      error.message,
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="web"]',
    );
  });
});

describe("updateManagedFields", () => {
  test("a create records every field set, with '.' only for what a zero object lacks", () => {
    const { managedFields } = updateManagedFields(undefined, defaulted(manifest()), {
      manager: "kubectl-create",
      apiVersion: "apps/v1",
      now: t0,
    });
    assert.equal(managedFields.length, 1);
    assert.equal(managedFields[0]?.time, "2024-05-01T10:00:00Z");
    assert.equal(
      JSON.stringify(managedFields[0]?.fieldsV1),
      JSON.stringify({
        "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
        "f:spec": {
          "f:progressDeadlineSeconds": {},
          "f:replicas": {},
          "f:revisionHistoryLimit": {},
          "f:selector": {},
          "f:strategy": {
            "f:rollingUpdate": { ".": {}, "f:maxSurge": {}, "f:maxUnavailable": {} },
            "f:type": {},
          },
          "f:template": {
            "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
            "f:spec": {
              "f:containers": {
                'k:{"name":"web"}': {
                  ".": {},
                  "f:image": {},
                  "f:imagePullPolicy": {},
                  "f:name": {},
                  // ports did not exist in the zero container, so the list itself is recorded too.
                  "f:ports": {
                    ".": {},
                    'k:{"containerPort":80,"protocol":"TCP"}': {
                      ".": {},
                      "f:containerPort": {},
                      "f:protocol": {},
                    },
                  },
                  "f:resources": {},
                  "f:terminationMessagePath": {},
                  "f:terminationMessagePolicy": {},
                },
              },
              "f:dnsPolicy": {},
              "f:restartPolicy": {},
              "f:schedulerName": {},
              "f:securityContext": {},
              "f:terminationGracePeriodSeconds": {},
            },
          },
        },
      }),
    );
  });

  test("a write that changes nothing leaves managedFields as they were", () => {
    const live = createdByClientSideApply();
    const same = deepClone(live);
    const { managedFields } = updateManagedFields(live, same, { manager: "kubectl-edit", ...apps });
    assert.deepEqual(managedFields, (live.metadata as JsonObject).managedFields);
  });

  test("an update takes the fields it changes and stamps its own entry only", () => {
    const live = createdByClientSideApply();
    const next = deepClone(live);
    ((next.metadata as JsonObject).labels as JsonObject).tier = "front";
    const { managedFields } = updateManagedFields(live, next, { manager: "kubectl-label", ...apps });
    assert.deepEqual(entry(managedFields, "kubectl-label"), {
      manager: "kubectl-label",
      operation: "Update",
      apiVersion: "apps/v1",
      time: "2024-05-01T11:30:00Z",
      fieldsType: "FieldsV1",
      fieldsV1: { "f:metadata": { "f:labels": { "f:tier": {} } } },
    });
    assert.equal(entry(managedFields, "kubectl-client-side-apply")?.time, "2024-05-01T10:00:00Z");
  });

  test("status changes on the main resource are not attributed", () => {
    const live = createdByClientSideApply();
    const next = deepClone(live);
    next.status = { replicas: 2 };
    const { managedFields } = updateManagedFields(live, next, {
      manager: "kube-controller-manager",
      ...apps,
    });
    assert.equal(entry(managedFields, "kube-controller-manager"), undefined);
  });

  test("a client may rewrite managedFields; an empty list resets them", () => {
    const live = createdByClientSideApply();
    const rewritten = deepClone(live);
    const custom: ManagedFieldsEntry[] = [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2024-05-01T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": { "f:replicas": {} } },
      },
    ];
    (rewritten.metadata as JsonObject).managedFields = custom;
    assert.deepEqual(
      updateManagedFields(live, rewritten, { manager: "kubectl", ...apps }).managedFields,
      custom,
    );

    const reset = deepClone(live);
    (reset.metadata as JsonObject).managedFields = [];
    const { object, managedFields } = updateManagedFields(live, reset, { manager: "kubectl", ...apps });
    assert.deepEqual(managedFields, []);
    assert.equal("managedFields" in (object.metadata as JsonObject), false);
  });
});
