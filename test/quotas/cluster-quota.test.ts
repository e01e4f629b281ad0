import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { countQuotaUsage } from "../../apps/api/src/quotas/recount.ts";
import { call, createTestRuntime, kubeCall, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";
import { type Json, pollUntil } from "../workers/fixtures/sim-cluster.ts";

const OBJECT_CAP = 40;
const POD_CAP = 3;

/** ResourceQuota admission's wording, with this service's quota name. */
const exceeded = (resource: string, name: string, requested: string, used: string, limited: string) =>
  `${resource} "${name}" is forbidden: exceeded quota: sandcastle-cluster-quota, requested: ${requested}, used: ${used}, limited: ${limited}`;

const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "app", image: "nginx:1.27" }], ...spec },
});

describe("per-cluster quotas", () => {
  let t: TestRuntime;
  let token: string;
  const clusters: string[] = [];

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: ["deployment", "replicaset"],
      env: {
        MAX_OBJECTS_PER_CLUSTER: String(OBJECT_CAP),
        MAX_PODS_PER_CLUSTER: String(POD_CAP),
        MAX_CPU_PER_CLUSTER: "1",
        MAX_MEMORY_PER_CLUSTER: "1Gi",
        // The tests poll; rate limits have their own test.
        RATE_LIMIT_RPS: "0",
      },
    });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "quota@example.com" } })).body.token;
  });
  after(async () => {
    // Whatever each test did, the running counters equal a count of the cluster's rows.
    for (const id of clusters) {
      const [row] = await t.runtime.db.sql<Json[]>`
        select objects, pods, cpu_millis, memory_bytes from cluster_quota_usage where cluster_id = ${id}`;
      const counted = await countQuotaUsage(t.runtime.db.sql, id);
      assert.deepEqual(
        { objects: row.objects, pods: row.pods, cpuMillis: row.cpu_millis, memoryBytes: row.memory_bytes },
        counted,
        `counters of cluster ${id}`,
      );
    }
    await t.close();
  });

  const newCluster = async (name: string) => {
    const created = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name, nodes: { count: 1 }, speed: "instant" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitForPhase(t.app, token, created.body.id, "Ready");
    clusters.push(created.body.id);
    return created.body.id as string;
  };
  const kube = (id: string, method: string, path: string, body?: unknown, contentType?: string) =>
    kubeCall(t.app, token, id, method, path, body, contentType);
  const createPod = (id: string, body: unknown) => kube(id, "POST", "/api/v1/namespaces/default/pods", body);
  const quota = async (id: string) => {
    const res = await call(t.app, "GET", `/v1/clusters/${id}/quota`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  test("the pod cap: the next pod is refused as ResourceQuota refuses it; a delete or a finished pod frees a slot", async () => {
    const id = await newCluster("pods");
    for (const name of ["p1", "p2", "p3"]) assert.equal((await createPod(id, pod(name))).status, 201);
    const refused = await createPod(id, pod("p4"));
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: exceeded("pods", "p4", "pods=1", "pods=3", "pods=3"),
      reason: "Forbidden",
      details: { name: "p4", kind: "pods" },
      code: 403,
    });
    assert.equal(
      (await kube(id, "GET", "/api/v1/namespaces/default/pods/p4")).status,
      404,
      "nothing written",
    );
    assert.equal((await quota(id)).pods.used, 3);

    assert.equal(
      (await kube(id, "DELETE", "/api/v1/namespaces/default/pods/p1?gracePeriodSeconds=0")).status,
      200,
    );
    assert.equal((await createPod(id, pod("p4"))).status, 201, "the deleted pod's slot is free");
    assert.equal((await createPod(id, pod("p5"))).status, 403);

    // A pod that finished holds no quota (ResourceQuota counts only pods not Succeeded/Failed).
    const finished = await kube(
      id,
      "PATCH",
      "/api/v1/namespaces/default/pods/p2/status",
      { status: { phase: "Succeeded" } },
      "application/merge-patch+json",
    );
    assert.equal(finished.status, 200, JSON.stringify(finished.body));
    assert.equal((await createPod(id, pod("p5"))).status, 201);
    const shown = await quota(id);
    assert.deepEqual(shown.pods, { used: 3, limit: POD_CAP });
    assert.equal(shown.name, "sandcastle-cluster-quota");
    // Deleting the finished pod gives nothing back it did not hold: still 3 of 3.
    await kube(id, "DELETE", "/api/v1/namespaces/default/pods/p2?gracePeriodSeconds=0");
    assert.equal((await quota(id)).pods.used, 3);
    assert.equal((await createPod(id, pod("p6"))).status, 403);
  });

  test("CPU and memory requests add up as ResourceQuota computes them", async () => {
    const id = await newCluster("requests");
    // The larger of the containers' sum (300m) and the largest init container (800m): 800m.
    const first = await createPod(
      id,
      pod("big", {
        initContainers: [{ name: "init", image: "busybox", resources: { requests: { cpu: "800m" } } }],
        containers: [
          { name: "a", image: "nginx:1.27", resources: { requests: { cpu: "100m" } } },
          // Limits alone set the requests (defaulting), so this asks for 200m and 512Mi.
          { name: "b", image: "nginx:1.27", resources: { limits: { cpu: "200m", memory: "512Mi" } } },
        ],
      }),
    );
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const shown = await quota(id);
    assert.deepEqual(shown.cpu, { used: "800m", limit: "1" });
    assert.deepEqual(shown.memory, { used: "512Mi", limit: "1Gi" });

    const cpu = await createPod(
      id,
      pod("more-cpu", {
        containers: [{ name: "a", image: "nginx", resources: { requests: { cpu: "300m" } } }],
      }),
    );
    assert.equal(cpu.status, 403);
    assert.equal(
      cpu.body.message,
      exceeded("pods", "more-cpu", "requests.cpu=300m", "requests.cpu=800m", "requests.cpu=1"),
    );
    const both = await createPod(
      id,
      pod("too-much", {
        containers: [{ name: "a", image: "nginx", resources: { requests: { cpu: "2", memory: "600Mi" } } }],
      }),
    );
    assert.equal(both.status, 403);
    assert.equal(
      both.body.message,
      exceeded(
        "pods",
        "too-much",
        "requests.cpu=2,requests.memory=600Mi",
        "requests.cpu=800m,requests.memory=512Mi",
        "requests.cpu=1,requests.memory=1Gi",
      ),
    );
    const fits = await createPod(
      id,
      pod("fits", {
        containers: [
          { name: "a", image: "nginx", resources: { requests: { cpu: "200m", memory: "512Mi" } } },
        ],
      }),
    );
    assert.equal(fits.status, 201, "exactly at the limit is allowed");
    assert.deepEqual((await quota(id)).memory, { used: "1Gi", limit: "1Gi" });
  });

  test("the object cap counts every object but Events; deletes are always allowed", async () => {
    const id = await newCluster("objects");
    const start = (await quota(id)).objects.used as number;
    assert.ok(start > 10 && start < OBJECT_CAP, `a new cluster's objects are counted: ${start}`);
    const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });
    for (let i = start; i < OBJECT_CAP; i++) {
      const res = await kube(id, "POST", "/api/v1/namespaces/default/configmaps", configMap(`cm-${i}`));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const refused = await kube(id, "POST", "/api/v1/namespaces/default/configmaps", configMap("one-more"));
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.message,
      exceeded("configmaps", "one-more", `objects=1`, `objects=${OBJECT_CAP}`, `objects=${OBJECT_CAP}`),
    );
    const namespaced = await kube(id, "POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "extra" },
    });
    assert.equal(namespaced.status, 403);
    assert.match(namespaced.body.message, /^namespaces "extra" is forbidden: exceeded quota/);

    // Updates that add nothing pass at the cap.
    const updated = await kube(
      id,
      "PATCH",
      `/api/v1/namespaces/default/configmaps/cm-${start}`,
      { data: { k: "v" } },
      "application/merge-patch+json",
    );
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    // Events are not counted.
    const event = await kube(id, "POST", "/api/v1/namespaces/default/events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "note" },
      involvedObject: { kind: "ConfigMap", name: `cm-${start}`, namespace: "default" },
      reason: "Noted",
      message: "an event at the cap",
      type: "Normal",
    });
    assert.equal(event.status, 201, JSON.stringify(event.body));

    const removed = await kube(id, "DELETE", `/api/v1/namespaces/default/configmaps/cm-${start}`);
    assert.equal(removed.status, 200);
    assert.equal((await quota(id)).objects.used, OBJECT_CAP - 1);
    const again = await kube(id, "POST", "/api/v1/namespaces/default/configmaps", configMap("one-more"));
    assert.equal(again.status, 201, "the deleted object's slot is free");
  });

  test("a Deployment scaled past the pod cap stops at the cap; its ReplicaSet records FailedCreate", async () => {
    const id = await newCluster("deploy");
    const created = await kube(id, "POST", "/apis/apps/v1/namespaces/default/deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
        },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const failed = await pollUntil("a FailedCreate event on the ReplicaSet", async () => {
      const events = (await kube(id, "GET", "/api/v1/namespaces/default/events")).body.items as Json[];
      return events.find((e) => e.reason === "FailedCreate" && e.involvedObject.kind === "ReplicaSet");
    });
    assert.equal(failed.type, "Warning");
    assert.match(
      failed.message,
      /^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: sandcastle-cluster-quota, requested: pods=1, used: pods=3, limited: pods=3$/,
    );
    const pods = (await kube(id, "GET", "/api/v1/namespaces/default/pods")).body.items as Json[];
    assert.equal(pods.length, POD_CAP, "the pods that fit were created");
    // The status counts the pods a sync found when it started; the retry after the back-off sees 3.
    const rs = await pollUntil("the ReplicaFailure condition with 3 replicas", async () => {
      const items = (await kube(id, "GET", "/apis/apps/v1/namespaces/default/replicasets")).body
        .items as Json[];
      const condition = items[0]?.status?.conditions?.find((c: Json) => c.type === "ReplicaFailure");
      return condition && items[0].status.replicas === POD_CAP ? items[0] : undefined;
    });
    const condition = rs.status.conditions.find((c: Json) => c.type === "ReplicaFailure");
    assert.equal(condition.reason, "FailedCreate");
    assert.match(condition.message, /exceeded quota: sandcastle-cluster-quota/);

    // Scaled back within the cap, the Deployment converges and the ReplicaSet's failure clears.
    const scaled = await kube(
      id,
      "PATCH",
      "/apis/apps/v1/namespaces/default/deployments/web",
      { spec: { replicas: 2 } },
      "application/merge-patch+json",
    );
    assert.equal(scaled.status, 200);
    await pollUntil("2 pods and no ReplicaFailure", async () => {
      const items = (await kube(id, "GET", "/apis/apps/v1/namespaces/default/replicasets")).body
        .items as Json[];
      const live = ((await kube(id, "GET", "/api/v1/namespaces/default/pods")).body.items as Json[]).filter(
        (p) => !p.metadata.deletionTimestamp,
      );
      const failing = items[0]?.status?.conditions?.some((c: Json) => c.type === "ReplicaFailure");
      return live.length === 2 && items[0]?.status?.replicas === 2 && !failing ? true : undefined;
    });
  });
});
