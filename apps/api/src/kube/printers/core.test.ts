/**
 * Core kinds other than pods. Expected cells follow pkg/printers/internalversion/printers.go
 * (release-1.32); cases marked "upstream" come from its printers_test.go.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { columnsFor, rowCells } from "./table.ts";

const NOW = new Date("2025-01-15T12:00:00Z");
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const cells = (resource: string, obj: object) => rowCells("", resource, obj as Record<string, unknown>, NOW);

describe("services", () => {
  const service = (name: string, spec: object, status: object = {}) => ({
    metadata: { name, creationTimestamp: ago(3 * DAY + 4 * HOUR) },
    spec,
    status,
  });

  test("ClusterIP: <none> external IP, ports as port/protocol, selector last", () => {
    const svc = service("web", {
      type: "ClusterIP",
      clusterIP: "10.96.0.10",
      clusterIPs: ["10.96.0.10"],
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
      selector: { app: "web" },
    });
    assert.deepEqual(cells("services", svc), [
      "web",
      "ClusterIP",
      "10.96.0.10",
      "<none>",
      "80/TCP,53/UDP",
      "3d4h",
      "app=web",
    ]);
  });

  test("NodePort shows port:nodePort; headless services show None; no ports is <none>", () => {
    const nodePort = service("np", {
      type: "NodePort",
      clusterIPs: ["10.96.1.1"],
      ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }],
    });
    assert.deepEqual(cells("services", nodePort).slice(1, 5), [
      "NodePort",
      "10.96.1.1",
      "<none>",
      "80:30080/TCP",
    ]);
    const headless = service("db", { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] });
    assert.deepEqual(cells("services", headless).slice(2, 5), ["None", "<none>", "<none>"]);
  });

  test("LoadBalancer: <pending>, then sorted ingress IPs, never clipped (upstream TestPrintServiceLoadBalancer, wide)", () => {
    const pending = service("lb", {
      type: "LoadBalancer",
      clusterIPs: ["1.3.4.5"],
      ports: [{ port: 80, protocol: "TCP" }],
    });
    assert.equal(cells("services", pending)[3], "<pending>");
    const ready = service(
      "service4",
      {
        type: "LoadBalancer",
        clusterIPs: ["1.5.6.7"],
        ports: [{ port: 80, protocol: "TCP" }],
        selector: { foo: "bar" },
      },
      {
        loadBalancer: {
          ingress: [{ ip: "3.4.5.6" }, { ip: "2.3.4.5" }, { ip: "5.6.7.8", hostname: "host5678" }],
        },
      },
    );
    assert.equal(cells("services", ready)[3], "2.3.4.5,3.4.5.6,5.6.7.8");
    const withExternal = service(
      "lb2",
      { type: "LoadBalancer", externalIPs: ["9.9.9.9"] },
      { loadBalancer: { ingress: [{ hostname: "lb.example.com" }] } },
    );
    assert.equal(cells("services", withExternal)[3], "lb.example.com,9.9.9.9");
  });

  test("ExternalName shows the external name and no cluster IP", () => {
    const ext = service("ext", { type: "ExternalName", externalName: "db.example.com" });
    assert.deepEqual(cells("services", ext).slice(1, 5), [
      "ExternalName",
      "<none>",
      "db.example.com",
      "<none>",
    ]);
  });
});

describe("nodes", () => {
  test("Ready,SchedulingDisabled with roles from node-role labels, sorted", () => {
    const node = {
      metadata: {
        name: "cp-1",
        creationTimestamp: ago(49 * HOUR),
        labels: {
          "node-role.kubernetes.io/control-plane": "",
          "node-role.kubernetes.io/etcd": "",
          "kubernetes.io/role": "master",
          "kubernetes.io/hostname": "cp-1",
        },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [
          { type: "MemoryPressure", status: "False" },
          { type: "Ready", status: "True" },
        ],
        addresses: [
          { type: "Hostname", address: "cp-1" },
          { type: "InternalIP", address: "172.18.0.2" },
        ],
        nodeInfo: {
          kubeletVersion: "v1.32.4",
          osImage: "Debian GNU/Linux 12 (bookworm)",
          kernelVersion: "6.8.0",
          containerRuntimeVersion: "containerd://1.7.24",
        },
      },
    };
    assert.deepEqual(cells("nodes", node), [
      "cp-1",
      "Ready,SchedulingDisabled",
      "control-plane,etcd,master",
      "2d1h",
      "v1.32.4",
      "172.18.0.2",
      "<none>",
      "Debian GNU/Linux 12 (bookworm)",
      "6.8.0",
      "containerd://1.7.24",
    ]);
  });

  test("no Ready condition is Unknown; wide placeholders (upstream TestPrintNodeInternalIP)", () => {
    const node = {
      metadata: { name: "foo2" },
      status: { addresses: [{ type: "ExternalIP", address: "1.1.1.1" }] },
    };
    assert.deepEqual(cells("nodes", node), [
      "foo2",
      "Unknown",
      "<none>",
      "<unknown>",
      "",
      "<none>",
      "1.1.1.1",
      "<unknown>",
      "<unknown>",
      "<unknown>",
    ]);
    const notReady = {
      metadata: { name: "n" },
      status: { conditions: [{ type: "Ready", status: "Unknown" }] },
    };
    assert.equal(cells("nodes", notReady)[1], "NotReady");
  });
});

describe("events", () => {
  const base = {
    metadata: { name: "web-1.17a8", namespace: "default" },
    involvedObject: { kind: "Pod", name: "web-1", fieldPath: "spec.containers{web}" },
    reason: "BackOff",
    type: "Warning",
    message: "Back-off restarting failed container\n",
    source: { component: "kubelet", host: "node-1" },
  };

  test("last seen, object as kind/name, wide subobject/source/first seen/count/name", () => {
    const event = { ...base, firstTimestamp: ago(10 * MINUTE), lastTimestamp: ago(30_000), count: 7 };
    assert.deepEqual(cells("events", event), [
      "30s",
      "Warning",
      "BackOff",
      "pod/web-1",
      "spec.containers{web}",
      "kubelet, node-1",
      "Back-off restarting failed container",
      "10m",
      7,
      "web-1.17a8",
    ]);
  });

  test("new-style events: eventTime as first seen, series for last seen and count, reporting controller", () => {
    const event = {
      ...base,
      source: {},
      reportingComponent: "default-scheduler",
      reportingInstance: "",
      eventTime: ago(20 * MINUTE),
      series: { count: 4, lastObservedTime: ago(2 * MINUTE) },
    };
    const row = cells("events", event);
    assert.deepEqual([row[0], row[5], row[7], row[8]], ["2m", "default-scheduler", "20m", 4]);
    const singleton = { ...base, eventTime: ago(90_000) };
    const single = cells("events", singleton);
    assert.deepEqual([single[0], single[7], single[8]], ["90s", "90s", 1]);
  });

  test("events.k8s.io/v1 events print through the same columns", () => {
    const event = {
      apiVersion: "events.k8s.io/v1",
      metadata: { name: "e1" },
      regarding: { kind: "Deployment", name: "web" },
      reason: "ScalingReplicaSet",
      type: "Normal",
      note: "Scaled up replica set web-5d4 to 3",
      reportingController: "deployment-controller",
      eventTime: ago(5 * MINUTE),
    };
    assert.deepEqual(rowCells("events.k8s.io", "events", event, NOW), [
      "5m",
      "Normal",
      "ScalingReplicaSet",
      "deployment/web",
      "",
      "deployment-controller",
      "Scaled up replica set web-5d4 to 3",
      "5m",
      1,
      "e1",
    ]);
    assert.deepEqual(columnsFor("events.k8s.io", "events"), columnsFor("", "events"));
  });
});

describe("volumes", () => {
  test("a bound PV with claim, class from the beta annotation first", () => {
    const pv = {
      metadata: {
        name: "pv-1",
        creationTimestamp: ago(HOUR),
        annotations: { "volume.beta.kubernetes.io/storage-class": "old" },
      },
      spec: {
        capacity: { storage: "10240Mi" },
        accessModes: ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Retain",
        claimRef: { namespace: "default", name: "data" },
        storageClassName: "standard",
        volumeMode: "Filesystem",
      },
      status: { phase: "Bound" },
    };
    assert.deepEqual(cells("persistentvolumes", pv), [
      "pv-1",
      "10Gi",
      "RWO,RWX",
      "Retain",
      "Bound",
      "default/data",
      "old",
      "<unset>",
      "",
      "60m",
      "Filesystem",
    ]);
  });

  test("PVC: capacity and modes only once bound; Terminating while deleting", () => {
    const pending = {
      metadata: { name: "data", creationTimestamp: ago(5 * MINUTE) },
      spec: {
        resources: { requests: { storage: "1Gi" } },
        storageClassName: "standard",
        accessModes: ["ReadWriteOnce"],
      },
      status: { phase: "Pending" },
    };
    assert.deepEqual(cells("persistentvolumeclaims", pending), [
      "data",
      "Pending",
      "",
      "",
      "",
      "standard",
      "<unset>",
      "5m",
      "<unset>",
    ]);
    const bound = {
      metadata: { name: "data", deletionTimestamp: ago(1000) },
      spec: { volumeName: "pv-1", volumeMode: "Filesystem" },
      status: { phase: "Bound", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] },
    };
    assert.deepEqual(cells("persistentvolumeclaims", bound).slice(1, 6), [
      "Terminating",
      "pv-1",
      "1Gi",
      "RWO",
      "",
    ]);
  });
});

describe("small core kinds", () => {
  const meta = { name: "x", creationTimestamp: ago(5 * MINUTE + 2000) };

  test("namespaces, configmaps, secrets, serviceaccounts", () => {
    assert.deepEqual(cells("namespaces", { metadata: meta, status: { phase: "Active" } }), [
      "x",
      "Active",
      "5m2s",
    ]);
    assert.deepEqual(
      cells("configmaps", { metadata: meta, data: { a: "1", b: "2" }, binaryData: { c: "AA==" } }),
      ["x", 3, "5m2s"],
    );
    assert.deepEqual(cells("secrets", { metadata: meta, type: "Opaque", data: { a: "MQ==" } }), [
      "x",
      "Opaque",
      1,
      "5m2s",
    ]);
    assert.deepEqual(cells("serviceaccounts", { metadata: meta }), ["x", 0, "5m2s"]);
  });

  test("endpoints: up to three ip:port, IPv6 bracketed, then + N more...", () => {
    const ep = {
      metadata: meta,
      subsets: [
        { addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] },
        { addresses: [{ ip: "fd00::1" }] },
      ],
    };
    assert.deepEqual(cells("endpoints", ep), [
      "x",
      "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...",
      "5m2s",
    ]);
    assert.equal(
      cells("endpoints", {
        metadata: meta,
        subsets: [{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 53 }] }],
      })[1],
      "[fd00::1]:53",
    );
    assert.equal(cells("endpoints", { metadata: meta })[1], "<none>");
  });

  test("resourcequotas: Age second (1.32 order), requests and limits.* split and sorted", () => {
    const quota = {
      metadata: meta,
      status: {
        hard: { "limits.memory": "2Gi", pods: "10", "requests.cpu": "1", "limits.cpu": "2" },
        used: { "requests.cpu": "500m", pods: "3", "limits.cpu": "1000m" },
      },
    };
    assert.deepEqual(cells("resourcequotas", quota), [
      "x",
      "5m2s",
      "pods: 3/10, requests.cpu: 500m/1",
      "limits.cpu: 1/2, limits.memory: 0/2Gi",
    ]);
    assert.deepEqual(
      columnsFor("", "resourcequotas").map((c) => c.name),
      ["Name", "Age", "Request", "Limit"],
    );
  });

  test("replicationcontrollers with wide containers, images and selector", () => {
    const rc = {
      metadata: meta,
      spec: {
        replicas: 3,
        selector: { app: "web" },
        template: {
          spec: {
            containers: [
              { name: "a", image: "nginx" },
              { name: "b", image: "redis" },
            ],
          },
        },
      },
      status: { replicas: 3, readyReplicas: 2 },
    };
    assert.deepEqual(cells("replicationcontrollers", rc), [
      "x",
      3,
      3,
      2,
      "5m2s",
      "a,b",
      "nginx,redis",
      "app=web",
    ]);
  });

  test("limitranges have no printer: Name and Created At", () => {
    const lr = { metadata: { name: "limits", creationTimestamp: "2024-05-01T10:00:00Z" } };
    assert.deepEqual(cells("limitranges", lr), ["limits", "2024-05-01T10:00:00Z"]);
    assert.deepEqual(
      columnsFor("", "limitranges").map((c) => [c.name, c.type, c.format]),
      [
        ["Name", "string", "name"],
        ["Created At", "date", ""],
      ],
    );
  });
});
