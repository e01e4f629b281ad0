import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JsonObject } from "./field-labels.ts";
import { matchesFields, parseFieldSelector } from "./field-selector.ts";
import { SelectorError } from "./selector-error.ts";

/*
 * Per-resource field labels: accepted names from the field label conversion funcs
 * (pkg/apis/{core,batch,events,certificates}/v1/conversion.go), values from GetAttrs in
 * pkg/registry/.../strategy.go, at release-1.32.
 */

function refused(s: string, group: string, resource: string): string {
  try {
    parseFieldSelector(s, group, resource);
  } catch (e) {
    assert.ok(e instanceof SelectorError);
    return e.message;
  }
  assert.fail(`expected ${s} to be refused for ${group}/${resource}`);
}

const match = (s: string, group: string, resource: string, obj: JsonObject) =>
  matchesFields(parseFieldSelector(s, group, resource), obj);

describe("accepted labels and refusal messages", () => {
  const accepted: [string, string, string[]][] = [
    [
      "",
      "pods",
      [
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
      ],
    ],
    [
      "",
      "events",
      [
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
        "metadata.namespace",
        "metadata.name",
      ],
    ],
    ["", "nodes", ["metadata.name", "spec.unschedulable"]],
    ["", "namespaces", ["metadata.name", "status.phase"]],
    ["", "secrets", ["metadata.name", "metadata.namespace", "type"]],
    ["", "services", ["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"]],
    ["", "replicationcontrollers", ["metadata.name", "metadata.namespace", "status.replicas"]],
    ["batch", "jobs", ["metadata.name", "metadata.namespace", "status.successful"]],
    ["certificates.k8s.io", "certificatesigningrequests", ["metadata.name", "spec.signerName"]],
    ["apps", "deployments", ["metadata.name", "metadata.namespace"]],
    ["", "configmaps", ["metadata.name", "metadata.namespace"]],
  ];
  for (const [group, resource, labels] of accepted) {
    test(`${group || "core"}/${resource} accepts ${labels.length} labels`, () => {
      for (const label of labels)
        assert.doesNotThrow(() => parseFieldSelector(`${label}=x`, group, resource), label);
    });
  }

  test("core kinds with a conversion func: 'field label not supported: <label>'", () => {
    assert.equal(refused("spec.foo=1", "", "pods"), "field label not supported: spec.foo");
    assert.equal(refused("status.phase=Ready", "", "nodes"), "field label not supported: status.phase");
    // Cluster-scoped kinds do not list metadata.namespace.
    assert.equal(
      refused("metadata.namespace=x", "", "nodes"),
      "field label not supported: metadata.namespace",
    );
    assert.equal(
      refused("metadata.namespace=x", "", "namespaces"),
      "field label not supported: metadata.namespace",
    );
    assert.equal(refused("data=x", "", "secrets"), "field label not supported: data");
    assert.equal(refused("spec.ports=x", "", "services"), "field label not supported: spec.ports");
    assert.equal(refused("message=x", "", "events"), "field label not supported: message");
  });

  test("batch/v1 Job has its own wording", () => {
    assert.equal(
      refused("status.failed=1", "batch", "jobs"),
      'field label "status.failed" not supported for batchv1.Job',
    );
  });

  test("kinds without a conversion func fall back to the metadata-only message", () => {
    const only = 'is not a known field selector: only "metadata.name", "metadata.namespace"';
    assert.equal(refused("spec.replicas=1", "apps", "deployments"), `"spec.replicas" ${only}`);
    // apps/v1 registers no conversion for ReplicaSet, so kube-apiserver refuses status.replicas there.
    assert.equal(refused("status.replicas=0", "apps", "replicasets"), `"status.replicas" ${only}`);
    assert.equal(refused("data.key=v", "", "configmaps"), `"data.key" ${only}`);
    assert.equal(refused("spec.x=1", "example.com", "widgets"), `"spec.x" ${only}`);
  });

  test("events.k8s.io uses its own names and refuses the core ones", () => {
    for (const label of [
      "regarding.kind",
      "regarding.namespace",
      "regarding.name",
      "regarding.uid",
      "regarding.apiVersion",
      "regarding.resourceVersion",
      "regarding.fieldPath",
      "reportingController",
      "reason",
      "type",
      "source",
      "metadata.name",
      "metadata.namespace",
    ]) {
      assert.doesNotThrow(() => parseFieldSelector(`${label}=x`, "events.k8s.io", "events"), label);
    }
    assert.equal(
      refused("involvedObject.name=x", "events.k8s.io", "events"),
      "field label not supported: involvedObject.name",
    );
    assert.equal(
      refused("reportingComponent=x", "events.k8s.io", "events"),
      "field label not supported: reportingComponent",
    );
  });

  test("labels are renamed to the internal field they select", () => {
    assert.deepEqual(
      parseFieldSelector("spec.host=n1", "", "pods").requirements.map((r) => r.field),
      ["spec.nodeName"],
    );
    assert.deepEqual(
      parseFieldSelector(
        "regarding.name=a,reportingController=b",
        "events.k8s.io",
        "events",
      ).requirements.map((r) => r.field),
      ["involvedObject.name", "reportingComponent"],
    );
  });
});

describe("values as GetAttrs formats them", () => {
  test("pods: strings, hostNetwork as true/false, podIP from podIPs[0]", () => {
    const pod = {
      metadata: { name: "p", namespace: "ns" },
      spec: {
        nodeName: "n1",
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        serviceAccountName: "sa",
        hostNetwork: true,
      },
      status: {
        phase: "Running",
        podIP: "10.0.0.5",
        podIPs: [{ ip: "10.0.0.5" }, { ip: "fd00::5" }],
        nominatedNodeName: "n2",
      },
    };
    for (const s of [
      "spec.restartPolicy=Always",
      "spec.schedulerName=default-scheduler",
      "spec.serviceAccountName=sa",
      "spec.hostNetwork=true",
      "status.phase=Running",
      "status.podIP=10.0.0.5",
      "status.nominatedNodeName=n2",
      "spec.host=n1",
    ]) {
      assert.ok(match(s, "", "pods", pod), s);
    }
    assert.ok(!match("status.podIP=fd00::5", "", "pods", pod));
    assert.ok(match("spec.hostNetwork=false", "", "pods", { metadata: { name: "q" }, spec: {} }));
    assert.ok(match("status.podIP=10.1.1.1", "", "pods", { metadata: {}, status: { podIP: "10.1.1.1" } }));
    // Deprecated spec.serviceAccount stands in when serviceAccountName is empty.
    assert.ok(
      match("spec.serviceAccountName=old", "", "pods", { metadata: {}, spec: { serviceAccount: "old" } }),
    );
  });

  test("pods: status.podIPs is accepted but never in the field set, so it reads as empty", () => {
    const pod = { metadata: {}, status: { podIPs: [{ ip: "10.0.0.5" }] } };
    assert.ok(!match("status.podIPs=10.0.0.5", "", "pods", pod));
    assert.ok(match("status.podIPs=", "", "pods", pod));
  });

  test("integers as decimal, 0 when unset", () => {
    assert.ok(
      match("status.replicas=3", "", "replicationcontrollers", { metadata: {}, status: { replicas: 3 } }),
    );
    assert.ok(
      match("status.replicas=0", "", "replicationcontrollers", { metadata: {}, spec: { replicas: 2 } }),
    );
    // Job's label is status.successful, its value status.succeeded.
    assert.ok(match("status.successful=1", "batch", "jobs", { metadata: {}, status: { succeeded: 1 } }));
    assert.ok(match("status.successful=0", "batch", "jobs", { metadata: {}, status: {} }));
  });

  test("nodes, namespaces, secrets, services, certificate signing requests", () => {
    assert.ok(
      match("spec.unschedulable=true", "", "nodes", {
        metadata: { name: "n" },
        spec: { unschedulable: true },
      }),
    );
    assert.ok(match("spec.unschedulable=false", "", "nodes", { metadata: { name: "n" }, spec: {} }));
    assert.ok(
      match("status.phase=Terminating", "", "namespaces", {
        metadata: { name: "x" },
        status: { phase: "Terminating" },
      }),
    );
    assert.ok(match("type=kubernetes.io/tls", "", "secrets", { metadata: {}, type: "kubernetes.io/tls" }));
    const svc = { metadata: {}, spec: { type: "NodePort", clusterIP: "10.96.0.10" } };
    assert.ok(match("spec.type=NodePort,spec.clusterIP=10.96.0.10", "", "services", svc));
    assert.ok(match("spec.clusterIP!=None", "", "services", svc));
    const csr = { metadata: { name: "c" }, spec: { signerName: "kubernetes.io/kube-apiserver-client" } };
    assert.ok(
      match(
        "spec.signerName=kubernetes.io/kube-apiserver-client",
        "certificates.k8s.io",
        "certificatesigningrequests",
        csr,
      ),
    );
  });

  test("core events: the selector `kubectl describe pod` sends", () => {
    const event = {
      metadata: { name: "web.17a", namespace: "default" },
      involvedObject: {
        kind: "Pod",
        namespace: "default",
        name: "web",
        uid: "u-1",
        apiVersion: "v1",
        resourceVersion: "42",
        fieldPath: "spec.containers{web}",
      },
      reason: "Pulled",
      type: "Normal",
      source: { component: "kubelet" },
      reportingComponent: "kubelet",
    };
    assert.ok(
      match(
        "involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=u-1",
        "",
        "events",
        event,
      ),
    );
    assert.ok(
      match(
        "involvedObject.kind=Pod,involvedObject.apiVersion=v1,involvedObject.resourceVersion=42",
        "",
        "events",
        event,
      ),
    );
    assert.ok(
      match("involvedObject.fieldPath=spec.containers{web},reason=Pulled,type=Normal", "", "events", event),
    );
    assert.ok(match("source=kubelet,reportingComponent=kubelet", "", "events", event));
    assert.ok(!match("involvedObject.uid=u-2", "", "events", event));
  });

  test("events: source falls back to the reporting controller", () => {
    const event = { metadata: {}, reportingComponent: "default-scheduler" };
    assert.ok(match("source=default-scheduler", "", "events", event));
  });

  test("events.k8s.io selectors match events stored in either shape", () => {
    const sel = "regarding.name=web,regarding.kind=Pod,reportingController=kubelet";
    const v1Shape = { metadata: {}, regarding: { kind: "Pod", name: "web" }, reportingController: "kubelet" };
    const coreShape = {
      metadata: {},
      involvedObject: { kind: "Pod", name: "web" },
      reportingComponent: "kubelet",
    };
    assert.ok(match(sel, "events.k8s.io", "events", v1Shape));
    assert.ok(match(sel, "events.k8s.io", "events", coreShape));
    assert.ok(match("involvedObject.name=web", "", "events", v1Shape));
    assert.ok(
      match("source=kubelet", "events.k8s.io", "events", {
        metadata: {},
        deprecatedSource: { component: "kubelet" },
      }),
    );
  });
});
