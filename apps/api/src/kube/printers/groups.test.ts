/**
 * autoscaling, networking, discovery, policy, storage, coordination and rbac rows, per
 * pkg/printers/internalversion/printers.go (release-1.32); "upstream" cases are from its printers_test.go.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rowCells } from "./table.ts";

const NOW = new Date("2025-01-15T12:00:00Z");
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const meta = { name: "x", creationTimestamp: ago(10 * 365 * 24 * 3_600_000) };
const cells = (group: string, resource: string, obj: object) =>
  rowCells(group, resource, obj as Record<string, unknown>, NOW);

describe("horizontalpodautoscalers", () => {
  const hpa = (spec: object, status: object = {}) => ({
    apiVersion: "autoscaling/v2",
    metadata: meta,
    spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 10, ...spec },
    status: { currentReplicas: 4, ...status },
  });
  const cpu = (target: object) => ({ type: "Resource", resource: { name: "cpu", target } });

  test("resource utilization: current%/target%, then the row", () => {
    const row = cells(
      "autoscaling",
      "horizontalpodautoscalers",
      hpa(
        { metrics: [cpu({ type: "Utilization", averageUtilization: 50 })] },
        {
          currentMetrics: [
            { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 23 } } },
          ],
        },
      ),
    );
    assert.deepEqual(row, ["x", "Deployment/web", "cpu: 23%/50%", "2", 10, 4, "10y"]);
  });

  test("external average value without status (upstream TestPrintHPA)", () => {
    const metrics = [
      {
        type: "External",
        external: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "100m" } },
      },
    ];
    assert.equal(
      cells("autoscaling", "horizontalpodautoscalers", hpa({ metrics }))[2],
      "<unknown>/100m (avg)",
    );
  });

  test("more than two metrics: the first two then + N more...; no minReplicas is <unset>", () => {
    const metrics = [
      cpu({ type: "Utilization", averageUtilization: 80 }),
      {
        type: "Resource",
        resource: { name: "memory", target: { type: "AverageValue", averageValue: "512Mi" } },
      },
      {
        type: "Pods",
        pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "1k" } },
      },
    ];
    const currentMetrics = [
      { type: "Resource", resource: { name: "cpu", current: {} } },
      // Printed as Quantity.String(): a plain byte count stays decimal.
      { type: "Resource", resource: { name: "memory", current: { averageValue: "209715200" } } },
    ];
    const row = cells(
      "autoscaling",
      "horizontalpodautoscalers",
      hpa({ metrics, minReplicas: undefined }, { currentMetrics }),
    );
    assert.equal(row[2], "cpu: <unknown>/80%, memory: 209715200/512Mi + 1 more...");
    assert.equal(row[3], "<unset>");
    assert.equal(cells("autoscaling", "horizontalpodautoscalers", hpa({ metrics: [] }))[2], "<none>");
  });

  test("autoscaling/v1 converts targetCPUUtilizationPercentage, defaulting to 80%", () => {
    const v1 = {
      apiVersion: "autoscaling/v1",
      metadata: meta,
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web" },
        minReplicas: 1,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 70,
      },
      status: { currentReplicas: 2, currentCPUUtilizationPercentage: 30 },
    };
    assert.deepEqual(cells("autoscaling", "horizontalpodautoscalers", v1), [
      "x",
      "Deployment/web",
      "cpu: 30%/70%",
      "1",
      5,
      2,
      "10y",
    ]);
    const noTarget = { ...v1, spec: { ...v1.spec, targetCPUUtilizationPercentage: undefined }, status: {} };
    assert.equal(cells("autoscaling", "horizontalpodautoscalers", noTarget)[2], "cpu: <unknown>/80%");
  });
});

describe("networking.k8s.io", () => {
  test("ingress (upstream TestPrintIngress): class, * hosts, address, ports", () => {
    const ingress = {
      metadata: { ...meta, name: "test1" },
      spec: {
        ingressClassName: "foo",
        defaultBackend: { service: { name: "default-backend", port: { number: 80 } } },
      },
      status: { loadBalancer: { ingress: [{ ip: "2.3.4.5", hostname: "localhost.localdomain" }] } },
    };
    assert.deepEqual(cells("networking.k8s.io", "ingresses", ingress), [
      "test1",
      "foo",
      "*",
      "2.3.4.5",
      "80",
      "10y",
    ]);
  });

  test("ingress hosts beyond three, TLS ports, no class", () => {
    const ingress = {
      metadata: meta,
      spec: {
        rules: [
          { host: "a.example.com" },
          {},
          { host: "b.example.com" },
          { host: "c.example.com" },
          { host: "d.example.com" },
        ],
        tls: [{ hosts: ["a.example.com"] }],
      },
    };
    assert.deepEqual(cells("networking.k8s.io", "ingresses", ingress).slice(1, 5), [
      "<none>",
      "a.example.com,b.example.com,c.example.com + 2 more...",
      "",
      "80, 443",
    ]);
  });

  test("ingressclasses (upstream TestPrintIngressClass)", () => {
    const withGroup = {
      metadata: { ...meta, name: "test1" },
      spec: {
        controller: "example.com/controller",
        parameters: { apiGroup: "example.com", kind: "customgroup", name: "example" },
      },
    };
    assert.deepEqual(cells("networking.k8s.io", "ingressclasses", withGroup), [
      "test1",
      "example.com/controller",
      "customgroup.example.com/example",
      "10y",
    ]);
    const bare = { metadata: meta, spec: { controller: "example.com/controller2" } };
    assert.equal(cells("networking.k8s.io", "ingressclasses", bare)[2], "<none>");
  });

  test("networkpolicies: pod selector, <none> for all pods", () => {
    const np = { metadata: meta, spec: { podSelector: { matchLabels: { role: "db" } } } };
    assert.deepEqual(cells("networking.k8s.io", "networkpolicies", np), ["x", "role=db", "10y"]);
    assert.equal(
      cells("networking.k8s.io", "networkpolicies", { metadata: meta, spec: { podSelector: {} } })[1],
      "<none>",
    );
  });
});

describe("other groups", () => {
  test("endpointslices: address type, ports (number, name or *), endpoints with + N more...", () => {
    const slice = {
      metadata: meta,
      addressType: "IPv4",
      ports: [{ port: 80, name: "http" }, { name: "metrics" }, {}],
      endpoints: [
        { addresses: ["10.0.0.1"] },
        { addresses: ["10.0.0.2", "10.0.0.3"] },
        { addresses: ["10.0.0.4"] },
      ],
    };
    assert.deepEqual(cells("discovery.k8s.io", "endpointslices", slice), [
      "x",
      "IPv4",
      "80,metrics,*",
      "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...",
      "10y",
    ]);
    assert.deepEqual(
      cells("discovery.k8s.io", "endpointslices", { metadata: meta, addressType: "IPv4" }).slice(2, 4),
      ["<unset>", "<unset>"],
    );
  });

  test("poddisruptionbudgets: int or percent, N/A when unset", () => {
    const pdb = { metadata: meta, spec: { minAvailable: "50%" }, status: { disruptionsAllowed: 1 } };
    assert.deepEqual(cells("policy", "poddisruptionbudgets", pdb), ["x", "50%", "N/A", 1, "10y"]);
    const max = { metadata: meta, spec: { maxUnavailable: 1 }, status: {} };
    assert.deepEqual(cells("policy", "poddisruptionbudgets", max).slice(1, 4), ["N/A", "1", 0]);
  });

  test("storageclasses: (default) suffix and API defaults for unset policies", () => {
    const sc = {
      metadata: {
        ...meta,
        name: "standard",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "rancher.io/local-path",
      volumeBindingMode: "WaitForFirstConsumer",
    };
    assert.deepEqual(cells("storage.k8s.io", "storageclasses", sc), [
      "standard (default)",
      "rancher.io/local-path",
      "Delete",
      "WaitForFirstConsumer",
      false,
      "10y",
    ]);
  });

  test("leases: holder identity", () => {
    const lease = { metadata: meta, spec: { holderIdentity: "node-1" } };
    assert.deepEqual(cells("coordination.k8s.io", "leases", lease), ["x", "node-1", "10y"]);
  });

  test("rolebindings: Kind/name and wide subjects; roles fall back to the default table", () => {
    const binding = {
      metadata: meta,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [
        { kind: "User", name: "alice" },
        { kind: "User", name: "bob" },
        { kind: "Group", name: "devs" },
        { kind: "ServiceAccount", namespace: "ci", name: "builder" },
      ],
    };
    assert.deepEqual(cells("rbac.authorization.k8s.io", "rolebindings", binding), [
      "x",
      "ClusterRole/view",
      "10y",
      "alice, bob",
      "devs",
      "ci/builder",
    ]);
    assert.deepEqual(
      cells("rbac.authorization.k8s.io", "clusterrolebindings", {
        metadata: meta,
        roleRef: { kind: "ClusterRole", name: "admin" },
      }),
      ["x", "ClusterRole/admin", "10y", "", "", ""],
    );
    const role = { metadata: { name: "reader", creationTimestamp: "2024-12-01T08:30:00Z" }, rules: [] };
    assert.deepEqual(cells("rbac.authorization.k8s.io", "roles", role), ["reader", "2024-12-01T08:30:00Z"]);
  });
});
