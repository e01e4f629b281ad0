import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { KubeObject } from "../../object/types.ts";
import { createThrough, updateThrough } from "../support/strategy-pipeline.ts";
import { clusterRoleBindingStrategy } from "./clusterrolebindings/strategy.ts";
import { clusterRoleStrategy } from "./clusterroles/strategy.ts";
import { roleBindingStrategy } from "./rolebindings/strategy.ts";
import { roleStrategy } from "./roles/strategy.ts";

function testdata(name: string): KubeObject {
  return JSON.parse(
    readFileSync(new URL(`../../protobuf/testdata/${name}`, import.meta.url), "utf8"),
  ) as KubeObject;
}

describe("RBAC strategies", () => {
  test("kubectl create role / rolebinding are valid; names are path segments", () => {
    assert.deepEqual(createThrough(roleStrategy, testdata("create-role.json")).errors, []);
    assert.deepEqual(createThrough(roleBindingStrategy, testdata("create-rolebinding.json")).errors, []);
    assert.equal(roleStrategy.nameValidation, "path-segment");
  });

  test("rules need verbs, groups and resources; Roles cannot name URLs", () => {
    const role: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "r" },
      rules: [{ resources: ["pods"] }, { verbs: ["get"], nonResourceURLs: ["/healthz"] }],
    };
    assert.deepEqual(createThrough(roleStrategy, role).errors, [
      "rules[0].verbs: Required value: verbs must contain at least one value",
      "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ]);
    const clusterRole = {
      ...role,
      kind: "ClusterRole",
      rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }],
    };
    assert.deepEqual(createThrough(clusterRoleStrategy, clusterRole).errors, []);
  });

  test("roleRef cannot change", () => {
    const stored = createThrough(roleBindingStrategy, testdata("create-rolebinding.json")).obj;
    const next = structuredClone(stored);
    next.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r2" };
    assert.deepEqual(updateThrough(roleBindingStrategy, stored, next).errors, [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"r2"}: cannot change roleRef',
    ]);
  });

  test("subjects and roleRef kinds; apiGroup defaults", () => {
    const binding: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "b" },
      roleRef: { kind: "Role", name: "r" },
      subjects: [
        { kind: "User", name: "alice" },
        { kind: "ServiceAccount", name: "sa" },
        { kind: "Robot", name: "x" },
      ],
    };
    const { obj, errors } = createThrough(clusterRoleBindingStrategy, binding);
    assert.deepEqual(obj.roleRef, { kind: "Role", name: "r", apiGroup: "rbac.authorization.k8s.io" });
    assert.deepEqual(errors, [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      "subjects[1].namespace: Required value",
      'subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });
});
