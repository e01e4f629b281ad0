import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startClusterLifecycleWorker } from "../../workers/src/runtime/cluster-lifecycle-worker.ts";
import { keyId } from "../../workers/src/runtime/reconcile-key.ts";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";
import { openWatch } from "../fixtures/watch-client.ts";
import {
  createCluster,
  delayedLifecycleJobs,
  delayedReconcileJobs,
  eventually,
  flushLifecycleQueue,
  platformEventsOf,
  signup,
} from "./helpers.ts";

const CONTROLLERS = ["namespace-defaults", "scheduler", "kubelet", "node-lifecycle", "cronjob", "resync"];

// biome-ignore lint/suspicious/noExplicitAny: pods are read field by field.
type Json = any;

describe("hibernation on request, and waking by a Kubernetes API request", () => {
  let t: TestRuntime;
  let token: string;
  let id: string;
  let pods: string;

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: CONTROLLERS,
      env: { IDLE_HIBERNATE_SECONDS: "0", LOG_LEVEL: "warn" },
    });
    token = await signup(t, "hibernate@example.com");
    id = (await createCluster(t, token, { name: "sleepy" })).id;
    await waitForPhase(t.app, token, id, "Ready");
    pods = `/k8s/${id}/api/v1/namespaces/default/pods`;
    const pod = await call(t.app, "POST", pods, {
      token,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web" },
        spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
      },
    });
    assert.equal(pod.status, 201, JSON.stringify(pod.body));
    const cron = await call(t.app, "POST", `/k8s/${id}/apis/batch/v1/namespaces/default/cronjobs`, {
      token,
      body: {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "nightly" },
        spec: {
          schedule: "0 3 * * *",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: "Never",
                  containers: [{ name: "c", image: "busybox", command: ["date"] }],
                },
              },
            },
          },
        },
      },
    });
    assert.equal(cron.status, 201, JSON.stringify(cron.body));
    await runningPod();
    await cronJobTimer();
  });
  after(() => t.close());

  const cluster = async () => (await call(t.app, "GET", `/v1/clusters/${id}`, { token })).body;
  const runningPod = () =>
    eventually(
      "web never ran",
      async () => (await call(t.app, "GET", `${pods}/web`, { token })).body,
      (p: Json) => p.status?.phase === "Running" && p.status.containerStatuses?.[0]?.ready === true,
    );
  /** The CronJob's wake-up for its next schedule: a delayed timer job. */
  const cronJobTimer = () =>
    eventually(
      "the CronJob has no timer",
      async () => {
        const key = keyId({ clusterId: id, controller: "cronjob", namespace: "default", name: "nightly" });
        const delayed = await t.runtime.reconcileQueue.timers.getDelayed();
        return delayed.filter((j) => keyId(j.data) === key).length;
      },
      (n) => n === 1,
    );

  test("hibernate: 202 and phase Hibernated, nothing left scheduled, an event and a watch update", async () => {
    assert.notDeepEqual(
      await delayedReconcileJobs(t, id, CONTROLLERS),
      [],
      "the test needs timers to remove",
    );
    const watch = await openWatch(t.app, token, "/v1/clusters?watch=1");
    await watch.waitFor(1);

    const res = await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status.phase, "Hibernated");
    assert.equal(res.body.status.conditions[0].type, "Ready");
    assert.equal(res.body.status.conditions[0].status, "False");
    assert.equal(res.body.status.conditions[0].reason, "Hibernated");
    assert.ok(res.body.hibernatedAt);
    assert.equal((await cluster()).status.phase, "Hibernated");

    // Nothing scheduled for its controllers: no timers, no back-offs; and a hibernated cluster has
    // no lifecycle job of its own (the install's one expiry job names no cluster).
    assert.deepEqual(await delayedReconcileJobs(t, id, CONTROLLERS), []);
    assert.deepEqual(await delayedLifecycleJobs(t, id), []);
    const armed = await t.runtime.redis.exists(`${t.runtime.config.redisPrefix}resync-armed:{${id}}`);
    assert.equal(armed, 0, "the resync stays disarmed");

    const again = await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token });
    assert.equal(again.status, 200);
    assert.equal(again.body.status.phase, "Hibernated");

    const events = (await platformEventsOf(t, id)).filter((e) => e.type === "cluster.hibernated");
    assert.equal(events.length, 1, "a repeat records nothing");
    assert.equal(events[0]!.data.clusterId, id);
    assert.equal(events[0]!.data.name, "sleepy");
    assert.equal(events[0]!.data.phase, "Hibernated");
    assert.equal(events[0]!.data.reason, "Requested");

    await eventually(
      "the watch did not show the hibernation",
      async () => watch.events,
      (events) =>
        events.some(
          (e) => e.type === "MODIFIED" && e.object.id === id && e.object.status.phase === "Hibernated",
        ),
    );
    await watch.close();
    // A while later still nothing: reconciles in flight could not arm anything.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await delayedReconcileJobs(t, id, CONTROLLERS), []);
  });

  test("a Kubernetes API request wakes it: 200, the pod as it was, timers re-armed", async () => {
    const before = (await call(t.app, "GET", `/k8s/${id}/api/v1/namespaces/default/pods`, { token })).body;
    assert.equal((await cluster()).status.phase, "Ready", "woken by that request");
    assert.equal(before.kind, "PodList");
    const [pod] = before.items;
    assert.equal(pod.metadata.name, "web");
    assert.equal(pod.status.phase, "Running");

    const woken = (await platformEventsOf(t, id)).filter((e) => e.type === "cluster.woken");
    assert.equal(woken.length, 1);
    assert.equal(woken[0]!.data.reason, "KubernetesApiRequest");
    assert.equal(woken[0]!.data.phase, "Ready");
    const view = await cluster();
    assert.equal(view.status.conditions[0].status, "True");
    assert.equal(view.status.conditions[0].reason, "Woken");
    assert.equal(view.hibernatedAt, null);

    // The resync offered every object to its controllers: the CronJob's timer is back.
    await cronJobTimer();
    // Nothing was recreated or restarted.
    const after = await runningPod();
    assert.equal(after.metadata.uid, pod.metadata.uid);
    assert.equal(after.metadata.creationTimestamp, pod.metadata.creationTimestamp);
    assert.equal(after.status.containerStatuses[0].restartCount, 0);
    assert.equal(
      after.status.containerStatuses[0].state.running.startedAt,
      pod.status.containerStatuses[0].state.running.startedAt,
    );
  });

  test("concurrent requests to a sleeping cluster all succeed and wake it once", async () => {
    assert.equal((await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token })).status, 202);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call(t.app, "GET", `${pods}/web`, { token })),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(8).fill(200),
    );
    assert.equal((await cluster()).status.phase, "Ready");
    const woken = (await platformEventsOf(t, id)).filter((e) => e.type === "cluster.woken");
    assert.equal(woken.length, 2);
  });

  test("POST wake: 202 when it slept, 200 when it is awake", async () => {
    assert.equal((await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token })).status, 202);
    const woken = await call(t.app, "POST", `/v1/clusters/${id}/wake`, { token });
    assert.equal(woken.status, 202);
    assert.equal(woken.body.status.phase, "Ready");
    const again = await call(t.app, "POST", `/v1/clusters/${id}/wake`, { token });
    assert.equal(again.status, 200);
    assert.equal(again.body.status.phase, "Ready");
    const last = (await platformEventsOf(t, id)).filter((e) => e.type === "cluster.woken").at(-1);
    assert.equal(last?.data.reason, "Requested");
    await cronJobTimer();
  });

  test("failing a node of a sleeping cluster wakes it first", async () => {
    assert.equal((await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token })).status, 202);
    const nodes = (await call(t.app, "GET", `/k8s/${id}/api/v1/nodes`, { token })).body.items;
    assert.equal((await cluster()).status.phase, "Ready");
    assert.equal((await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token })).status, 202);
    const failed = await call(t.app, "POST", `/v1/clusters/${id}/nodes/${nodes[0].metadata.name}/fail`, {
      token,
    });
    assert.equal(failed.status, 202, JSON.stringify(failed.body));
    assert.equal((await cluster()).status.phase, "Ready");
  });

  test("unknown and foreign clusters are 404", async () => {
    for (const verb of ["hibernate", "wake"]) {
      const missing = await call(t.app, "POST", `/v1/clusters/cnope/${verb}`, { token });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, "not_found");
      const other = await signup(t, `other-${verb}@example.com`);
      const foreign = await call(t.app, "POST", `/v1/clusters/${id}/${verb}`, { token: other });
      assert.equal(foreign.status, 404);
    }
  });

  test("hibernating ends the cluster's open watches: no subscription is left; a re-watch wakes it", async () => {
    assert.equal((await cluster()).status.phase, "Ready");
    const watch = await openWatch(t.app, token, `${pods}?watch=1`);
    await watch.waitFor(1);
    assert.ok(t.watchHub.activeClusters().includes(id));
    let ended = false;
    void watch.ended.then(() => {
      ended = true;
    });
    assert.equal((await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token })).status, 202);
    await eventually(
      "the watch stayed open",
      async () => ended,
      (e) => e,
    );
    await eventually(
      "the hub kept the hibernated cluster's feed",
      async () => t.watchHub.activeClusters(),
      (clusters) => !clusters.includes(id),
    );
    assert.equal((await cluster()).status.phase, "Hibernated");
    const again = await openWatch(t.app, token, `${pods}?watch=1`);
    try {
      await again.waitFor(1);
      assert.equal(again.events[0]!.object.metadata.name, "web");
      assert.equal((await cluster()).status.phase, "Ready");
    } finally {
      await again.close();
    }
  });
});

/** No workers: clusters stay Provisioning, and a deleted one stays Deleting. */
describe("hibernation of clusters that are not Ready", () => {
  let t: TestRuntime;
  let token: string;

  before(async () => {
    t = await createTestRuntime();
    token = await signup(t, "not-ready@example.com");
  });
  after(() => t.close());

  test("a provisioning cluster cannot hibernate (409); waking it changes nothing (200)", async () => {
    const { id } = await createCluster(t, token, { name: "early" });
    const res = await call(t.app, "POST", `/v1/clusters/${id}/hibernate`, { token });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "cluster_not_ready");
    assert.equal(
      res.body.message,
      `cluster "${id}" is still provisioning; it can hibernate once it is Ready`,
    );
    const wake = await call(t.app, "POST", `/v1/clusters/${id}/wake`, { token });
    assert.equal(wake.status, 200);
    assert.equal(wake.body.status.phase, "Provisioning");
  });

  test("a deleting cluster cannot hibernate or wake (409)", async () => {
    const { id } = await createCluster(t, token, { name: "leaving" });
    assert.equal((await call(t.app, "DELETE", `/v1/clusters/${id}`, { token })).status, 202);
    for (const verb of ["hibernate", "wake"]) {
      const res = await call(t.app, "POST", `/v1/clusters/${id}/${verb}`, { token });
      assert.equal(res.status, 409, verb);
      assert.equal(res.body.code, "cluster_deleting");
      assert.equal(res.body.message, `cluster "${id}" is being deleted`);
    }
  });
});

/** IDLE_HIBERNATE_SECONDS=2: clusters nobody calls hibernate by themselves. */
describe("idle hibernation", () => {
  let t: TestRuntime;
  let token: string;

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: ["resync", "namespace-defaults"],
      env: { IDLE_HIBERNATE_SECONDS: "2" },
    });
    token = await signup(t, "idle@example.com");
  });
  after(() => t.close());

  /** The phase as the list shows it: listing clusters is not a call to any one of them. */
  const phaseOf = async (id: string) => {
    const list = await call(t.app, "GET", "/v1/clusters", { token });
    return list.body.items.find((c: { id: string }) => c.id === id)?.status.phase as string | undefined;
  };
  const hibernated = (id: string) =>
    eventually(
      `cluster ${id} did not hibernate`,
      () => phaseOf(id),
      (p) => p === "Hibernated",
      10_000,
    );

  test("a cluster in use stays awake; once nobody calls it, it hibernates by itself", async () => {
    const { id } = await createCluster(t, token, { name: "busy" });
    await eventually(
      "not Ready",
      () => phaseOf(id),
      (p) => p === "Ready",
    );
    // Kubernetes API calls for twice the idle window keep it awake.
    const until = Date.now() + 4500;
    while (Date.now() < until) {
      const res = await call(t.app, "GET", `/k8s/${id}/api/v1/namespaces/default/configmaps`, { token });
      assert.equal(res.status, 200);
      assert.equal(await phaseOf(id), "Ready");
      await new Promise((r) => setTimeout(r, 300));
    }
    // So do calls to its /v1 resource.
    const until2 = Date.now() + 3000;
    let lastCall = 0;
    while (Date.now() < until2) {
      lastCall = Date.now();
      assert.equal((await call(t.app, "GET", `/v1/clusters/${id}`, { token })).body.status.phase, "Ready");
      await new Promise((r) => setTimeout(r, 300));
    }
    await hibernated(id);
    assert.ok(Date.now() - lastCall >= 2000, "hibernated before the idle window passed");
    // Forgotten right after the commit that made the phase visible: a moment later, not at once.
    await eventually(
      "the hibernated cluster's activity is still recorded",
      () => t.runtime.redis.exists(`${t.runtime.config.redisPrefix}:activity:{${id}}`),
      (n) => n === 0,
    );

    const view = (await call(t.app, "GET", `/v1/clusters/${id}`, { token })).body;
    assert.equal(view.status.conditions[0].reason, "Hibernated");
    assert.match(view.status.conditions[0].message, /no API call for 2 s/);
    const events = (await platformEventsOf(t, id)).filter((e) => e.type === "cluster.hibernated");
    assert.equal(events.length, 1);
    assert.equal(events[0]!.data.reason, "Idle");
    // The idle check is gone with the activity: a hibernated cluster has no job of its own.
    assert.deepEqual(await delayedLifecycleJobs(t, id), []);
  });

  test("a woken cluster's idle check starts again: it sleeps again after the idle window", async () => {
    const { id } = await createCluster(t, token, { name: "again" });
    await hibernated(id);
    const res = await call(t.app, "GET", `/k8s/${id}/api/v1/namespaces`, { token });
    assert.equal(res.status, 200);
    assert.equal(await phaseOf(id), "Ready");
    assert.deepEqual(
      (await delayedLifecycleJobs(t, id)).map((j) => j.name),
      ["idle-check"],
    );
    await hibernated(id);
    const types = (await platformEventsOf(t, id)).map((e) => e.type).filter((x) => x !== "cluster.expiring");
    assert.deepEqual(
      types.filter((x) => x === "cluster.hibernated" || x === "cluster.woken"),
      ["cluster.hibernated", "cluster.woken", "cluster.hibernated"],
    );
  });

  test("an open watch keeps its cluster awake past the idle window; closed, the cluster sleeps", async () => {
    const { id } = await createCluster(t, token, { name: "watched" });
    await eventually(
      "not Ready",
      () => phaseOf(id),
      (p) => p === "Ready",
    );
    const watch = await openWatch(t.app, token, `/k8s/${id}/api/v1/namespaces/default/configmaps?watch=1`);
    try {
      // Twice the idle window (and its slack) with no request but the open watch.
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal(await phaseOf(id), "Ready");
    } finally {
      await watch.close();
    }
    await hibernated(id);
  });

  test("idle checks lost with Redis are re-armed by a worker start", async () => {
    const { id } = await createCluster(t, token, { name: "flushed-idle" });
    await eventually(
      "not Ready",
      () => phaseOf(id),
      (p) => p === "Ready",
    );
    await flushLifecycleQueue(t);
    assert.deepEqual(await delayedLifecycleJobs(t, id), []);
    const worker = startClusterLifecycleWorker(t.runtime);
    try {
      await hibernated(id);
    } finally {
      await worker.close();
    }
  });
});
