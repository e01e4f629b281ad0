import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { decodeKubernetesProtobuf } from "./index.ts";

// Bodies captured from the real kubectl v1.32.4 (see testdata/README.md). Where kubectl can print
// the same object itself (`--dry-run=client -o json`), that print is the expected JSON: it is Go's
// encoding/json of the very struct kubectl then sent as protobuf, so it is exactly what
// kube-apiserver decodes.

const testdata = new URL("./testdata/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, testdata)));
const json = (name: string): unknown => JSON.parse(readFileSync(new URL(name, testdata), "utf8"));
const decode = (name: string) => decodeKubernetesProtobuf(fixture(`${name}.pb`)).object;

describe("bodies kubectl 1.32 sent, against kubectl's own JSON for the same object", () => {
  const withDryRunJson = [
    "create-configmap",
    "create-deployment",
    "create-deployment-replicas",
    "create-secret-generic",
    "create-secret-docker-registry",
    "create-service-clusterip",
    "create-service-nodeport",
    "create-job",
    "create-cronjob",
    "create-namespace",
    "create-serviceaccount",
    "create-role",
    "create-rolebinding",
    "create-clusterrole",
    "create-clusterrolebinding",
    "create-ingress",
    "create-poddisruptionbudget",
    "create-priorityclass",
    "create-quota",
    // A Job built from a CronJob whose template exercises most of PodSpec: probes, affinity,
    // tolerations, volumes, security contexts, quantities, managedFields.
    "create-job-from-cronjob",
  ];
  for (const name of withDryRunJson) {
    test(name, () => assert.deepEqual(decode(name), json(`${name}.json`)));
  }

  test("kubectl 1.33 sends the same ConfigMap bytes", () => {
    assert.deepEqual(decode("kubectl-1.33-create-configmap"), json("create-configmap.json"));
  });
});

describe("bodies kubectl 1.32 sent for commands without a dry run", () => {
  // Expected values follow the json tags in k8s.io/api release-1.32 types.go: fields without
  // omitempty print even when zero or nil.
  test("kubectl create token sa1 --duration=1h (TokenRequest)", () => {
    assert.deepEqual(decode("create-token"), {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { audiences: null, expirationSeconds: 3600, boundObjectRef: null },
      status: { token: "", expirationTimestamp: null },
    });
  });

  test("kubectl auth can-i create pods", () => {
    assert.deepEqual(decode("auth-can-i-create-pods"), {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } },
      status: { allowed: false },
    });
  });

  test("kubectl auth can-i list deployments.apps --subresource=scale -n kube-system", () => {
    assert.deepEqual(decode("auth-can-i-list-scale").spec, {
      resourceAttributes: {
        namespace: "kube-system",
        verb: "list",
        group: "apps",
        resource: "deployments",
        subresource: "scale",
      },
    });
  });

  test("kubectl auth can-i --list (SelfSubjectRulesReview)", () => {
    assert.deepEqual(decode("auth-can-i-list"), {
      kind: "SelfSubjectRulesReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { namespace: "default" },
      status: { resourceRules: null, nonResourceRules: null, incomplete: false },
    });
  });

  test("kubectl auth whoami (SelfSubjectReview)", () => {
    assert.deepEqual(decode("auth-whoami"), {
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: null },
      status: { userInfo: {} },
    });
  });

  test("kubectl drain without an eviction subresource deletes with protobuf DeleteOptions", () => {
    assert.deepEqual(decode("drain-delete-options"), {
      kind: "DeleteOptions",
      apiVersion: "v1",
      gracePeriodSeconds: 30,
    });
  });

  test("kubectl debug node/n1 --image=busybox --profile=sysadmin (Pod)", () => {
    assert.deepEqual(decode("debug-node"), {
      kind: "Pod",
      apiVersion: "v1",
      metadata: { name: "node-debugger-n1-62kv9", creationTimestamp: null },
      spec: {
        volumes: [{ name: "host-root", hostPath: { path: "/" } }],
        containers: [
          {
            name: "debugger",
            image: "busybox",
            resources: {},
            volumeMounts: [{ name: "host-root", mountPath: "/host" }],
            terminationMessagePolicy: "File",
            securityContext: { privileged: true },
          },
        ],
        restartPolicy: "Never",
        nodeName: "n1",
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        tolerations: [{ operator: "Exists" }],
      },
      status: {},
    });
  });
});
