import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, type TestRuntime } from "../fixtures/runtime.ts";
import { startTestCluster } from "./fixtures/sim-cluster.ts";

/** The simulated kubelet alone: pods are created already bound (spec.nodeName), as a scheduler would. */
describe("simulated kubelet", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;
  let clusterId: string;

  before(async () => {
    ({ t, token, clusterId } = await startTestCluster("kubelet", ["kubelet"], 2, { LOG_LEVEL: "warn" }));
    api = `/k8s/${clusterId}/api/v1/namespaces/default`;
  });
  after(() => t.close());

  const createPod = async (name: string, spec: Record<string, unknown>) => {
    const res = await call(t.app, "POST", `${api}/pods`, {
      token,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name },
        spec: { nodeName: "kubelet-worker", ...spec },
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  // biome-ignore lint/suspicious/noExplicitAny: pods are read field by field.
  const eventually = async (name: string, ok: (pod: any) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await call(t.app, "GET", `${api}/pods/${name}`, { token });
      if (res.status === 200 && ok(res.body)) return res.body;
      assert.ok(Date.now() < deadline, `pod ${name} never got there: ${JSON.stringify(res.body?.status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const eventsOf = async (name: string) => {
    const res = await call(t.app, "GET", `${api}/events`, { token });
    return (
      res.body.items as { involvedObject: { name: string }; reason: string; message: string; count: number }[]
    ).filter((e) => e.involvedObject.name === name);
  };

  /** Events are recorded right after the status write they explain: poll for them too. */
  const eventFor = async (name: string, ok: (e: { reason: string; message: string }) => boolean) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = (await eventsOf(name)).find(ok);
      if (found) return found;
      assert.ok(Date.now() < deadline, `no such event for ${name}: ${JSON.stringify(await eventsOf(name))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  test("a pod runs: Running, Ready, addresses from its node, container statuses and events", async () => {
    await createPod("web", { containers: [{ name: "nginx", image: "nginx:1.27" }] });
    const pod = await eventually(
      "web",
      (p) => p.status.phase === "Running" && p.status.containerStatuses?.[0]?.ready,
    );
    const node = (await call(t.app, "GET", `/k8s/${clusterId}/api/v1/nodes/kubelet-worker`, { token })).body;
    assert.match(
      pod.status.podIP,
      new RegExp(`^${node.spec.podCIDR.replace(/\.0\/24$/, "").replaceAll(".", "\\.")}\\.\\d+$`),
    );
    assert.equal(
      pod.status.hostIP,
      node.status.addresses.find((a: { type: string }) => a.type === "InternalIP").address,
    );
    const cs = pod.status.containerStatuses[0];
    assert.equal(cs.image, "docker.io/library/nginx:1.27");
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.restartCount, 0);
    assert.ok(cs.state.running.startedAt);
    assert.ok(pod.status.startTime);
    const conditions = Object.fromEntries(
      pod.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]),
    );
    assert.deepEqual(conditions, {
      PodReadyToStartContainers: "True",
      Initialized: "True",
      Ready: "True",
      ContainersReady: "True",
      PodScheduled: "True",
    });
    const started = await eventFor("web", (e) => e.reason === "Started");
    assert.equal(started.message, "Started container nginx");
    const reasons = (await eventsOf("web")).map((e) => e.reason);
    assert.deepEqual(reasons, ["Pulling", "Pulled", "Created", "Started"]);
  });

  test("a shell one-shot completes with its output as logs", async () => {
    await createPod("once", {
      restartPolicy: "Never",
      containers: [{ name: "once", image: "busybox", command: ["sh", "-c", "echo one; echo two"] }],
    });
    const pod = await eventually("once", (p) => p.status.phase === "Succeeded");
    assert.equal(pod.status.containerStatuses[0].state.terminated.reason, "Completed");
    assert.equal(pod.status.containerStatuses[0].state.terminated.exitCode, 0);
    const logs = await t.app.request(`${api}/pods/once/log`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(logs.status, 200);
    assert.equal(await logs.text(), "one\ntwo\n");
    const ready = pod.status.conditions.find((c: { type: string }) => c.type === "Ready");
    assert.equal(ready.reason, "PodCompleted");
  });

  test("a missing Secret holds the container in CreateContainerConfigError until it exists", async () => {
    await createPod("needs-secret", {
      containers: [
        {
          name: "app",
          image: "nginx",
          env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db-secret", key: "password" } } }],
        },
      ],
    });
    const waiting = await eventually(
      "needs-secret",
      (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === "CreateContainerConfigError",
    );
    assert.equal(waiting.status.containerStatuses[0].state.waiting.message, 'secret "db-secret" not found');
    assert.equal(waiting.status.phase, "Pending");
    const failed = await eventFor("needs-secret", (e) => e.reason === "Failed");
    assert.equal(failed.message, 'Error: secret "db-secret" not found');
    const logs = await call(t.app, "GET", `${api}/pods/needs-secret/log`, { token });
    assert.equal(logs.status, 400);
    assert.equal(
      logs.body.message,
      'container "app" in pod "needs-secret" is waiting to start: CreateContainerConfigError',
    );

    await call(t.app, "POST", `${api}/secrets`, {
      token,
      body: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db-secret" },
        stringData: { password: "s3cret" },
      },
    });
    await eventually("needs-secret", (p) => p.status.phase === "Running");
  });

  test("a typo in an image name ends in ErrImagePull / ImagePullBackOff with the registry's message", async () => {
    await createPod("typo", { containers: [{ name: "web", image: "ngnix" }] });
    const pod = await eventually("typo", (p) =>
      ["ErrImagePull", "ImagePullBackOff"].includes(p.status.containerStatuses?.[0]?.state.waiting?.reason),
    );
    assert.equal(pod.status.phase, "Pending");
    const failed = (await eventsOf("typo")).find(
      (e) => e.reason === "Failed" && e.message.startsWith("Failed to pull"),
    );
    assert.match(failed?.message ?? "", /^Failed to pull image "ngnix": .*ngnix/);
  });

  test("a crashing container restarts with back-off, and --previous shows the last run", async () => {
    await createPod("crash", {
      containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "echo starting; exit 3"] }],
    });
    const pod = await eventually("crash", (p) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 2);
    const cs = pod.status.containerStatuses[0];
    assert.equal(cs.lastState.terminated.exitCode, 3);
    assert.equal(cs.lastState.terminated.reason, "Error");
    await eventually(
      "crash",
      (p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === "CrashLoopBackOff",
    );
    const previous = await t.app.request(`${api}/pods/crash/log?previous=true`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(await previous.text(), "starting\n");
    await eventFor("crash", (e) => e.reason === "BackOff");
  });

  test("deleting a running pod is graceful: Terminating, then gone once its containers stopped", async () => {
    await createPod("bye", { containers: [{ name: "nginx", image: "nginx" }] });
    await eventually("bye", (p) => p.status.phase === "Running");
    const deleted = await call(t.app, "DELETE", `${api}/pods/bye`, { token });
    assert.equal(deleted.status, 200);
    assert.ok(deleted.body.metadata.deletionTimestamp, "a running pod is marked, not removed");
    assert.equal(deleted.body.metadata.deletionGracePeriodSeconds, 30);
    const deadline = Date.now() + 10_000;
    while ((await call(t.app, "GET", `${api}/pods/bye`, { token })).status !== 404) {
      assert.ok(Date.now() < deadline, "pod was never removed");
      await new Promise((r) => setTimeout(r, 50));
    }
    await eventFor("bye", (e) => e.reason === "Killing" && e.message === "Stopping container nginx");
  });

  test("logs: tail, timestamps, unknown container, and a container that never started", async () => {
    await createPod("chatty", {
      restartPolicy: "Never",
      containers: [
        { name: "c", image: "busybox", command: ["sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done"] },
      ],
    });
    await eventually("chatty", (p) => p.status.phase === "Succeeded");
    const get = (q: string) =>
      t.app.request(`${api}/pods/chatty/log${q}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(await (await get("?tailLines=2")).text(), "line 4\nline 5\n");
    const stamped = (await (await get("?timestamps=true&tailLines=1")).text()).trim();
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 5$/);
    const wrong = await call(t.app, "GET", `${api}/pods/chatty/log?container=nope`, { token });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.message, "container nope is not valid for pod chatty");
  });
});
