import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, type TestRuntime } from "../fixtures/runtime.ts";
import { reportPodRunning, startTestCluster, type TestCluster } from "./fixtures/sim-cluster.ts";

/**
 * The disruption controller alone, and the Eviction API spending what it allows. Workloads are
 * created without their controllers running: the pods are written by the test, owned by them, and
 * the test plays the kubelet through pods/status.
 */
describe("disruption controller and the Eviction API", () => {
  let t: TestRuntime;
  let cluster: TestCluster;
  let token: string;
  let api: string;
  let appsApi: string;
  let policyApi: string;
  let node: string;

  before(async () => {
    cluster = await startTestCluster("pdb", ["disruption"]);
    ({ t, token } = cluster);
    const id = cluster.clusterId;
    api = `/k8s/${id}/api/v1/namespaces/default`;
    appsApi = `/k8s/${id}/apis/apps/v1/namespaces/default`;
    policyApi = `/k8s/${id}/apis/policy/v1/namespaces/default/poddisruptionbudgets`;
    node = (await call(t.app, "GET", `/k8s/${id}/api/v1/nodes`, { token })).body.items[0].metadata.name;
  });
  after(() => t.close());

  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await call(t.app, "POST", path, { token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  // biome-ignore lint/suspicious/noExplicitAny: objects are read field by field.
  type Obj = any;
  const template = (labels: Record<string, string>) => ({
    metadata: { labels },
    spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
  });

  /** A pod bound to the node, owned by `owner` when given, Running and Ready (or not). */
  const runningPod = async (name: string, labels: Record<string, string>, ready: boolean, owner?: Obj) => {
    const pod = await post(`${api}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        labels,
        ...(owner
          ? {
              ownerReferences: [
                {
                  apiVersion: owner.apiVersion,
                  kind: owner.kind,
                  name: owner.metadata.name,
                  uid: owner.metadata.uid,
                  controller: true,
                },
              ],
            }
          : {}),
      },
      spec: { nodeName: node, ...template(labels).spec },
    });
    await reportPodRunning(
      cluster,
      `${api}/pods/${name}`,
      ready,
      `10.244.0.${Math.floor(Math.random() * 200) + 2}`,
    );
    return pod;
  };

  const budget = (name: string, spec: Record<string, unknown>) =>
    post(policyApi, { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name }, spec });

  const statusOf = async (name: string, ok: (status: Obj) => boolean): Promise<Obj> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await call(t.app, "GET", `${policyApi}/${name}`, { token });
      if (
        res.status === 200 &&
        res.body.status?.observedGeneration === res.body.metadata.generation &&
        ok(res.body.status)
      )
        return res.body.status;
      assert.ok(Date.now() < deadline, `budget ${name} never got there: ${JSON.stringify(res.body.status)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const evict = (pod: string) =>
    call(t.app, "POST", `${api}/pods/${pod}/eviction`, {
      token,
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: "default" } },
    });

  const condition = (status: Obj) => {
    const c = status.conditions.find((x: Obj) => x.type === "DisruptionAllowed");
    return { status: c.status, reason: c.reason };
  };

  test("minAvailable as a number: healthy pods beyond it may be disrupted", async () => {
    for (const name of ["web-0", "web-1", "web-2"]) await runningPod(name, { app: "web" }, true);
    await budget("web", { minAvailable: 2, selector: { matchLabels: { app: "web" } } });
    const status = await statusOf("web", (s) => s.currentHealthy === 3);
    assert.equal(status.expectedPods, 3);
    assert.equal(status.desiredHealthy, 2);
    assert.equal(status.disruptionsAllowed, 1);
    assert.deepEqual(condition(status), { status: "True", reason: "SufficientPods" });
  });

  test("maxUnavailable counts the pods the Deployment wants, not the pods there are", async () => {
    const deployment = await post(`${appsApi}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "api" },
      spec: { replicas: 4, selector: { matchLabels: { app: "api" } }, template: template({ app: "api" }) },
    });
    const rs = await post(`${appsApi}/replicasets`, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: "api-5d4f8",
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "api",
            uid: deployment.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: { replicas: 4, selector: { matchLabels: { app: "api" } }, template: template({ app: "api" }) },
    });
    await runningPod("api-0", { app: "api" }, true, rs);
    await runningPod("api-1", { app: "api" }, true, rs);
    await runningPod("api-2", { app: "api" }, false, rs);
    await budget("api", { maxUnavailable: 1, selector: { matchLabels: { app: "api" } } });
    const status = await statusOf("api", (s) => s.currentHealthy === 2 && s.expectedPods === 4);
    assert.equal(status.desiredHealthy, 3);
    assert.equal(status.disruptionsAllowed, 0);
    assert.deepEqual(condition(status), { status: "False", reason: "InsufficientPods" });
  });

  test("minAvailable as a percentage of a StatefulSet's replicas, rounded up", async () => {
    const sts = await post(`${appsApi}/statefulsets`, {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db" },
      spec: {
        replicas: 3,
        serviceName: "db",
        selector: { matchLabels: { app: "db" } },
        template: template({ app: "db" }),
      },
    });
    for (const name of ["db-0", "db-1", "db-2"]) await runningPod(name, { app: "db" }, true, sts);
    await budget("db", { minAvailable: "50%", selector: { matchLabels: { app: "db" } } });
    const status = await statusOf("db", (s) => s.currentHealthy === 3);
    assert.equal(status.expectedPods, 3);
    assert.equal(status.desiredHealthy, 2);
    assert.equal(status.disruptionsAllowed, 1);
  });

  test("an eviction the budget cannot afford is refused with 429", async () => {
    const res = await evict("api-0");
    assert.equal(res.status, 429, JSON.stringify(res.body));
    assert.equal(res.body.reason, "TooManyRequests");
    assert.equal(res.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(res.body.details, {
      causes: [
        {
          reason: "DisruptionBudget",
          message: "The disruption budget api needs 3 healthy pods and has 2 currently",
        },
      ],
    });
    const pod = await call(t.app, "GET", `${api}/pods/api-0`, { token });
    assert.equal(pod.body.metadata.deletionTimestamp, undefined);
  });

  test("an eviction within budget spends it: the pod goes, the next eviction waits", async () => {
    const res = await evict("web-0");
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, "Success");
    const pod = (await call(t.app, "GET", `${api}/pods/web-0`, { token })).body;
    assert.ok(pod.metadata.deletionTimestamp, "the evicted pod terminates");
    const target = pod.status.conditions.find((c: Obj) => c.type === "DisruptionTarget");
    assert.equal(target.reason, "EvictionByEvictionAPI");
    assert.equal(target.message, "Eviction API: evicting");

    // The controller sees the pod terminating (and forgets the eviction's entry): two healthy pods
    // left, none to spare.
    const status = await statusOf("web", (s) => s.currentHealthy === 2 && s.disruptedPods === undefined);
    assert.equal(status.disruptionsAllowed, 0);
    assert.deepEqual(condition(status), { status: "False", reason: "InsufficientPods" });

    const refused = await evict("web-1");
    assert.equal(refused.status, 429);
    assert.match(refused.body.details.causes[0].message, /needs 2 healthy pods and has 2 currently/);
  });

  test("a pod that is not running is evicted whatever the budget", async () => {
    await post(`${api}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web-pending", labels: { app: "web" } },
      spec: template({ app: "web" }).spec,
    });
    const res = await evict("web-pending");
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await call(t.app, "GET", `${api}/pods/web-pending`, { token })).status, 404);
  });

  test("an unready pod goes without spending the budget when its policy is AlwaysAllow", async () => {
    await runningPod("batch-0", { app: "batch" }, true);
    await runningPod("batch-1", { app: "batch" }, false);
    await budget("batch", {
      minAvailable: 1,
      selector: { matchLabels: { app: "batch" } },
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
    await statusOf("batch", (s) => s.currentHealthy === 1 && s.disruptionsAllowed === 0);
    const res = await evict("batch-1");
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await evict("batch-0")).status, 429);
  });
});
