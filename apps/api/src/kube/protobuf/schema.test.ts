import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeKubernetesProtobuf } from "./decode-kubernetes-protobuf.ts";
import { messageSchema } from "./schema.ts";
import { KIND_MESSAGES, MESSAGE_FIELDS, SPECIAL_MESSAGES } from "./schema-data.ts";
import { envelope } from "./test-wire-encoder.ts";

const SCALARS = new Set(["string", "bytes", "bool", "int32", "int64", "uint32", "uint64"]);

test("every type the table mentions is a scalar, a special message or a message in the table", () => {
  for (const id of Object.keys(MESSAGE_FIELDS)) {
    for (const field of messageSchema(id).fields) {
      const known = SCALARS.has(field.type) || field.type in SPECIAL_MESSAGES || field.type in MESSAGE_FIELDS;
      assert.ok(known, `${id}.${field.jsonName}: ${field.type}`);
      if (field.mapKey) assert.equal(field.mapKey, "string");
      if (field.inline) assert.ok(field.type in MESSAGE_FIELDS, `${id}: inline ${field.type}`);
    }
  }
  for (const id of Object.values(KIND_MESSAGES)) assert.ok(id in MESSAGE_FIELDS, id);
});

test("the kinds kubectl's typed clients send are all in the table", () => {
  const required = [
    "v1/Namespace",
    "v1/ConfigMap",
    "v1/Secret",
    "v1/Service",
    "v1/ServiceAccount",
    "v1/Pod",
    "v1/Binding",
    "v1/ResourceQuota",
    "v1/LimitRange",
    "v1/DeleteOptions",
    "apps/v1/Deployment",
    "apps/v1/ReplicaSet",
    "apps/v1/StatefulSet",
    "apps/v1/DaemonSet",
    "batch/v1/Job",
    "batch/v1/CronJob",
    "autoscaling/v1/Scale",
    "policy/v1/Eviction",
    "policy/v1/PodDisruptionBudget",
    "rbac.authorization.k8s.io/v1/Role",
    "rbac.authorization.k8s.io/v1/RoleBinding",
    "rbac.authorization.k8s.io/v1/ClusterRole",
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
    "networking.k8s.io/v1/Ingress",
    "scheduling.k8s.io/v1/PriorityClass",
    "authorization.k8s.io/v1/SelfSubjectAccessReview",
    "authorization.k8s.io/v1/SelfSubjectRulesReview",
    "authorization.k8s.io/v1/SubjectAccessReview",
    "authentication.k8s.io/v1/TokenReview",
    "authentication.k8s.io/v1/TokenRequest",
    "authentication.k8s.io/v1/SelfSubjectReview",
  ];
  for (const key of required) assert.ok(key in KIND_MESSAGES, key);
});

test("an empty body decodes for every kind: Go's zero value of the type", () => {
  for (const key of Object.keys(KIND_MESSAGES)) {
    const slash = key.lastIndexOf("/");
    const decoded = decodeKubernetesProtobuf(
      envelope(key.slice(0, slash), key.slice(slash + 1), new Uint8Array(0)),
    );
    assert.equal(decoded.object.kind, key.slice(slash + 1));
  }
  const scale = decodeKubernetesProtobuf(envelope("autoscaling/v1", "Scale", new Uint8Array(0))).object;
  assert.deepEqual(scale, {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { creationTimestamp: null },
    spec: {},
    status: { replicas: 0 },
  });
});
