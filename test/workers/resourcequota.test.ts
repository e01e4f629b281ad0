import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  eventsAbout,
  type Json,
  pollUntil,
  type SimCluster,
  startSimCluster,
} from "./fixtures/sim-cluster.ts";

/**
 * ResourceQuota end to end on a simulated cluster: the admission refuses what a namespace's quotas
 * do not allow (with kube-apiserver's messages), the resourcequota controller keeps status.hard
 * and status.used, and a ReplicaSet refused a pod says so in a FailedCreate event.
 */
describe("resourcequota", () => {
  let sim: SimCluster;

  before(async () => {
    sim = await startSimCluster("quota", [
      "resourcequota",
      "replicaset",
      "deployment",
      "scheduler",
      "kubelet",
    ]);
  });
  after(() => sim.close());

  const namespace = async (name: string) => {
    await sim.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    return name;
  };
  const quota = (ns: string, name: string, hard: Record<string, string>) =>
    sim.create(`/api/v1/namespaces/${ns}/resourcequotas`, {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name },
      spec: { hard },
    });
  const podBody = (name: string, resources?: Json) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "nginx", image: "nginx:1.27", ...(resources ? { resources } : {}) }] },
  });
  const postPod = (ns: string, name: string, resources?: Json) =>
    sim.request("POST", `/api/v1/namespaces/${ns}/pods`, podBody(name, resources));
  const deletePod = async (ns: string, name: string) => {
    const res = await sim.request("DELETE", `/api/v1/namespaces/${ns}/pods/${name}`, {
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  /** Waits until the controller has written exactly this status. */
  const quotaStatus = (ns: string, name: string, status: { hard: Json; used: Json }) =>
    sim.eventually(
      `/api/v1/namespaces/${ns}/resourcequotas/${name}`,
      (res) => res.status === 200 && JSON.stringify(res.body.status) === JSON.stringify(status),
      `status of quota ${name} to be ${JSON.stringify(status)}`,
    );

  test("pods: the third pod is refused with upstream's message; a deletion frees the slot", async () => {
    const ns = await namespace("count");
    await quota(ns, "pod-count", { pods: "2", configmaps: "5" });
    await quotaStatus(ns, "pod-count", {
      hard: { configmaps: "5", pods: "2" },
      used: { configmaps: "0", pods: "0" },
    });
    assert.equal((await postPod(ns, "a")).status, 201);
    assert.equal((await postPod(ns, "b")).status, 201);
    const refused = await postPod(ns, "c");
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.kind, "Status");
    assert.equal(refused.body.reason, "Forbidden");
    assert.equal(
      refused.body.message,
      'pods "c" is forbidden: exceeded quota: pod-count, requested: pods=1, used: pods=2, limited: pods=2',
    );
    await quotaStatus(ns, "pod-count", {
      hard: { configmaps: "5", pods: "2" },
      used: { configmaps: "0", pods: "2" },
    });

    await deletePod(ns, "a");
    assert.equal((await postPod(ns, "c")).status, 201);
    await deletePod(ns, "b");
    await quotaStatus(ns, "pod-count", {
      hard: { configmaps: "5", pods: "2" },
      used: { configmaps: "0", pods: "1" },
    });
  });

  test("compute: a pod must state what the quota constrains, and stays within it", async () => {
    const ns = await namespace("compute");
    await quota(ns, "compute-resources", {
      "requests.cpu": "1",
      "requests.memory": "1Gi",
      "limits.cpu": "2",
      "limits.memory": "2Gi",
    });

    const bare = await postPod(ns, "bare");
    assert.equal(bare.status, 403, JSON.stringify(bare.body));
    assert.equal(
      bare.body.message,
      'pods "bare" is forbidden: failed quota: compute-resources: must specify limits.cpu for: nginx; limits.memory for: nginx; requests.cpu for: nginx; requests.memory for: nginx',
    );

    const sized = { requests: { cpu: "600m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };
    assert.equal((await postPod(ns, "first", sized)).status, 201);
    const second = await postPod(ns, "second", sized);
    assert.equal(second.status, 403, JSON.stringify(second.body));
    assert.equal(
      second.body.message,
      'pods "second" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
    const small = { requests: { cpu: "400m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };
    assert.equal((await postPod(ns, "second", small)).status, 201);
    await quotaStatus(ns, "compute-resources", {
      hard: { "limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi" },
      used: { "limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi" },
    });

    await deletePod(ns, "first");
    await quotaStatus(ns, "compute-resources", {
      hard: { "limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi" },
      used: { "limits.cpu": "1", "limits.memory": "1Gi", "requests.cpu": "400m", "requests.memory": "512Mi" },
    });
  });

  test("object counts: count/<resource>.<group> and services.nodeports", async () => {
    const ns = await namespace("objects");
    await quota(ns, "objects", { "count/deployments.apps": "0", "services.nodeports": "1" });
    const deployment = await sim.request("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    assert.equal(deployment.status, 403, JSON.stringify(deployment.body));
    assert.equal(
      deployment.body.message,
      'deployments.apps "web" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=0, limited: count/deployments.apps=0',
    );
    const service = await sim.request("POST", `/api/v1/namespaces/${ns}/services`, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: {
        type: "NodePort",
        selector: { app: "web" },
        ports: [
          { name: "http", port: 80 },
          { name: "https", port: 443 },
        ],
      },
    });
    assert.equal(service.status, 403, JSON.stringify(service.body));
    assert.match(service.body.message, /requested: services\.nodeports=2, used: services\.nodeports=0/);
  });

  test("a Deployment of 3 under pods: 2 gets 2 pods and a FailedCreate event on its ReplicaSet", async () => {
    const ns = await namespace("workload");
    await quota(ns, "two-pods", { pods: "2" });
    await sim.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
        },
      },
    });
    const rs = await pollUntil("the Deployment's ReplicaSet", async () => {
      const res = await sim.get(`/apis/apps/v1/namespaces/${ns}/replicasets`);
      return res.body.items?.[0] as Json;
    });
    const rsName: string = rs.metadata.name;
    const failed = await pollUntil("a FailedCreate event", async () => {
      const events = await eventsAbout(sim, ns, rsName);
      return events.find((e) => e.startsWith("FailedCreate: "));
    });
    assert.match(
      failed,
      new RegExp(
        `^FailedCreate: Error creating: pods "${rsName}-[a-z0-9]{5}" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2$`,
      ),
    );
    const pods = (await sim.get(`/api/v1/namespaces/${ns}/pods`)).body.items as Json[];
    assert.equal(pods.length, 2);
    await quotaStatus(ns, "two-pods", { hard: { pods: "2" }, used: { pods: "2" } });
  });
});
