import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { PLATFORM_EVENT_TYPES } from "../../apps/api/src/webhooks/platform-events.ts";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";
import { type Received, Receiver, signedWith } from "./receiver.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read API answers field by field and assert each one.
type Json = any;

describe("webhook delivery", () => {
  let t: TestRuntime;
  let token: string;
  const receiver = new Receiver();

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: ["deployment", "replicaset", "scheduler", "kubelet", "job"],
      // The receiver listens on 127.0.0.1; retries come quickly.
      env: { WEBHOOK_ALLOW_PRIVATE: "1", WEBHOOK_RETRY_SCHEDULE: "0.2,0.2,0.5" },
    });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "receiver@example.com" } })).body.token;
    await receiver.start();
  });
  afterEach(() => {
    receiver.respond = () => ({ status: 204 });
  });
  after(async () => {
    await receiver.stop();
    await t.close();
  });

  const createWebhook = async (
    path: string,
    events: readonly string[] = PLATFORM_EVENT_TYPES,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; secret: string }> => {
    const res = await call(t.app, "POST", "/v1/webhooks", {
      token,
      body: { url: receiver.url(path), events, ...extra },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const createCluster = async (name: string): Promise<string> => {
    const res = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name, nodes: { count: 1 }, speed: "instant" },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await waitForPhase(t.app, token, res.body.id, "Ready", 20_000);
    return res.body.id;
  };
  const kube = async (method: string, path: string, body?: unknown, contentType?: string): Promise<Json> => {
    const res = await call(t.app, method, path, {
      token,
      ...(contentType
        ? { rawBody: JSON.stringify(body), headers: { "content-type": contentType } }
        : { body }),
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const ping = async (webhookId: string): Promise<string> => {
    const res = await call(t.app, "POST", `/v1/webhooks/${webhookId}/test`, { token });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.match(res.body.eventId, /^msg_/);
    return res.body.eventId;
  };
  const deliveries = async (webhookId: string): Promise<Json[]> => {
    const res = await call(t.app, "GET", `/v1/webhooks/${webhookId}/deliveries`, { token });
    assert.equal(res.status, 200);
    return res.body.items;
  };
  /** The webhook's deliveries once `ok` holds for them: a receiver has its request before the worker records the outcome. */
  const deliveriesWhen = async (webhookId: string, ok: (items: Json[]) => boolean): Promise<Json[]> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const items = await deliveries(webhookId);
      if (ok(items)) return items;
      assert.ok(Date.now() < deadline, `deliveries never got there: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const settled = (items: Json[]) => items.length > 0 && items.every((d) => d.status !== "pending");
  const at = (path: string) => (r: Received) => r.path === path;
  const ofCluster = (clusterId: string) => (r: Received) => r.event.data?.clusterId === clusterId;

  test("a cluster's life arrives as signed events, each transition once", async () => {
    const all = await createWebhook("/all");
    const clusterId = await createCluster("life");
    const scoped = await createWebhook(
      "/scoped",
      ["deployment.available", "job.succeeded", "cluster.deleted"],
      {
        clusterId,
      },
    );
    const k8s = `/k8s/${clusterId}`;
    const deployment = await kube("POST", `${k8s}/apis/apps/v1/namespaces/default/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
        },
      },
    });
    const available = await receiver.waitFor(
      "deployment.available",
      () => receiver.delivered((r) => r.path === "/all" && r.event.type === "deployment.available")[0],
    );
    assert.deepEqual(available.event.data.object, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "default",
      name: "web",
      uid: deployment.metadata.uid,
    });
    assert.equal(available.event.data.clusterId, clusterId);
    assert.equal(available.event.data.condition.type, "Available");
    assert.equal(available.event.data.condition.status, "True");
    assert.equal(available.event.data.condition.reason, "MinimumReplicasAvailable");

    await kube("POST", `${k8s}/apis/batch/v1/namespaces/default/jobs`, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "once" },
      spec: {
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "true"] }],
          },
        },
      },
    });
    const succeeded = await receiver.waitFor(
      "job.succeeded",
      () => receiver.delivered((r) => r.path === "/all" && r.event.type === "job.succeeded")[0],
    );
    assert.equal(succeeded.event.data.object.kind, "Job");
    assert.equal(succeeded.event.data.object.name, "once");
    assert.equal(succeeded.event.data.condition.type, "Complete");

    // More writes to the deployment while it stays Available (each one also written back by its
    // controller): no further event.
    for (let i = 0; i < 3; i++) {
      await kube(
        "PATCH",
        `${k8s}/apis/apps/v1/namespaces/default/deployments/web`,
        { metadata: { annotations: { touched: String(i) } } },
        "application/merge-patch+json",
      );
    }

    assert.equal((await call(t.app, "DELETE", `/v1/clusters/${clusterId}`, { token })).status, 202);
    await receiver.waitFor("cluster.deleted on both webhooks", () =>
      ["/all", "/scoped"].every(
        (path) => receiver.delivered((r) => r.path === path && r.event.type === "cluster.deleted").length > 0,
      ),
    );

    const received = receiver.delivered((r) => at("/all")(r) && ofCluster(clusterId)(r));
    const types = received.map((r) => r.event.type);
    for (const type of [
      "cluster.provisioning",
      "cluster.ready",
      "deployment.available",
      "job.succeeded",
      "cluster.deleted",
    ]) {
      assert.equal(types.filter((x) => x === type).length, 1, `${type} once in ${types.join(", ")}`);
    }
    // One subject, one order: the cluster's own events arrive as they happened.
    const clusterEvents = types.filter((type) => type.startsWith("cluster."));
    assert.deepEqual(clusterEvents, ["cluster.provisioning", "cluster.ready", "cluster.deleted"]);
    const deleted = received.find((r) => r.event.type === "cluster.deleted")!;
    assert.deepEqual(deleted.event.data.object, {
      apiVersion: "sandcastle.io/v1",
      kind: "Cluster",
      name: "life",
      uid: clusterId,
    });
    assert.equal(deleted.event.data.reason, "Deleted");

    for (const r of received) {
      assert.equal(r.contentType, "application/json");
      assert.match(r.id, /^msg_/);
      assert.deepEqual(signedWith(r, [all.secret]), [all.secret], `signature of ${r.event.type}`);
      assert.ok(Math.abs(r.timestamp * 1000 - r.at) < 60_000, "webhook-timestamp is the attempt's time");
      assert.equal(Number.isNaN(Date.parse(r.event.timestamp)), false);
      assert.deepEqual(Object.keys(r.event).sort(), ["data", "timestamp", "type"]);
    }
    assert.equal(new Set(received.map((r) => r.id)).size, received.length);

    // The cluster-scoped webhook gets only what it subscribed to, of its cluster.
    const scopedTypes = receiver.delivered(at("/scoped")).map((r) => r.event.type);
    assert.deepEqual(scopedTypes.sort(), ["cluster.deleted", "deployment.available", "job.succeeded"]);
    assert.ok(receiver.delivered(at("/scoped")).every((r) => signedWith(r, [scoped.secret]).length === 1));
  });

  test("pods report unschedulable, crash looping and failed", async () => {
    const hook = await createWebhook("/pods", ["pod.unschedulable", "pod.crash_looping", "pod.failed"]);
    const clusterId = await createCluster("pods");
    const pods = `/k8s/${clusterId}/api/v1/namespaces/default/pods`;
    const pod = (name: string, spec: Record<string, unknown>) =>
      kube("POST", pods, { apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
    await pod("huge", {
      containers: [{ name: "app", image: "nginx:1.27", resources: { requests: { cpu: "32" } } }],
    });
    await pod("crash", {
      restartPolicy: "Always",
      containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "echo bye; exit 1"] }],
    });
    await pod("fail", {
      restartPolicy: "Never",
      containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "exit 3"] }],
    });
    const received = () => receiver.delivered((r) => at("/pods")(r) && ofCluster(clusterId)(r));
    const of = (name: string, type: string) =>
      received().filter((r) => r.event.data.object.name === name && r.event.type === type);
    await receiver.waitFor("the three pod events", () =>
      ["huge:pod.unschedulable", "crash:pod.crash_looping", "fail:pod.failed"].every(
        (k) => of(k.split(":")[0]!, k.split(":")[1]!).length > 0,
      ),
    );
    const [unschedulable] = of("huge", "pod.unschedulable");
    assert.equal(unschedulable!.event.data.condition.type, "PodScheduled");
    assert.equal(unschedulable!.event.data.condition.reason, "Unschedulable");
    assert.match(unschedulable!.event.data.condition.message, /Insufficient cpu/);
    assert.equal(unschedulable!.event.data.object.kind, "Pod");
    const [looping] = of("crash", "pod.crash_looping");
    assert.equal(looping!.event.data.container.name, "app");
    assert.equal(looping!.event.data.container.reason, "CrashLoopBackOff");
    const [failed] = of("fail", "pod.failed");
    assert.equal(failed!.event.data.phase, "Failed");
    // Kept Pending by the scheduler's retries, each rewriting the condition: still one event.
    assert.equal(of("huge", "pod.unschedulable").length, 1);
    assert.equal(of("fail", "pod.failed").length, 1);
    assert.ok(received().every((r) => signedWith(r, [hook.secret]).length === 1));
  });

  test("a receiver that was down gets every event once it is back, in order", async () => {
    const hook = await createWebhook("/down", ["cluster.provisioning", "cluster.ready"]);
    await receiver.stop();
    const clusterId = await createCluster("outage");
    // cluster.provisioning is retried; cluster.ready, of the same subject, waits behind it.
    const pending = await deliveriesWhen(hook.id, ([ready, provisioning]) =>
      Boolean(
        provisioning?.type === "cluster.provisioning" &&
          provisioning.attempts.length >= 2 &&
          ready?.attempts.length === 0,
      ),
    );
    assert.ok(pending.every((d) => d.status === "pending" && Date.parse(d.nextAttemptAt) > 0));
    for (const attempt of pending[1].attempts) {
      assert.equal(attempt.statusCode, null);
      assert.match(attempt.error, /ECONNREFUSED/);
      assert.equal(typeof attempt.durationMs, "number");
      assert.equal(Number.isNaN(Date.parse(attempt.at)), false);
    }

    await receiver.start();
    const got = await receiver.waitFor("the events held back", () => {
      const types = receiver
        .delivered((r) => at("/down")(r) && ofCluster(clusterId)(r))
        .map((r) => r.event.type);
      return types.length === 2 && types;
    });
    assert.deepEqual(got, ["cluster.provisioning", "cluster.ready"]);
    const done = await deliveriesWhen(hook.id, settled);
    assert.deepEqual(
      done.map((d) => [d.type, d.status]),
      [
        ["cluster.ready", "succeeded"],
        ["cluster.provisioning", "succeeded"],
      ],
    );
    for (const d of done) {
      assert.equal(d.attempts.at(-1).statusCode, 204);
      assert.equal(d.attempts.at(-1).error, null);
      assert.equal(d.nextAttemptAt, null);
    }
  });

  test("a failed attempt is retried with the same webhook-id and body", async () => {
    const hook = await createWebhook("/flaky", ["cluster.ready"]);
    receiver.respond = (_r, previous) =>
      previous.filter(at("/flaky")).length < 2 ? { status: 503 } : { status: 204 };
    const eventId = await ping(hook.id);
    await receiver.waitFor("the test event", () => receiver.delivered(at("/flaky")).length === 1);
    const requests = receiver.requests.filter(at("/flaky"));
    assert.deepEqual(
      requests.map((r) => [r.id, r.status]),
      [
        [eventId, 503],
        [eventId, 503],
        [eventId, 204],
      ],
    );
    assert.equal(new Set(requests.map((r) => r.body)).size, 1);
    assert.ok(requests.every((r) => signedWith(r, [hook.secret]).length === 1));
    assert.equal(requests[0]?.event.type, "webhook.test");
    assert.equal(requests[0]?.event.data.webhookId, hook.id);

    const [delivery] = await deliveriesWhen(hook.id, settled);
    assert.equal(delivery.eventId, eventId);
    assert.equal(delivery.type, "webhook.test");
    assert.equal(delivery.status, "succeeded");
    assert.deepEqual(
      delivery.attempts.map((a: Json) => [a.statusCode, a.error]),
      [
        [503, "HTTP 503 Service Unavailable"],
        [503, "HTTP 503 Service Unavailable"],
        [204, null],
      ],
    );
  });

  test("Retry-After from the receiver sets the next attempt", async () => {
    const hook = await createWebhook("/later", ["cluster.ready"]);
    receiver.respond = (_r, previous) =>
      previous.some(at("/later")) ? { status: 204 } : { status: 429, headers: { "retry-after": "2" } };
    await ping(hook.id);
    await receiver.waitFor("the retried test event", () => receiver.delivered(at("/later")).length === 1);
    const [first, second] = receiver.requests.filter(at("/later"));
    // The schedule alone would have retried after about 0.2 s.
    assert.ok(second!.at - first!.at >= 1900, `retried after ${second!.at - first!.at} ms`);
    assert.equal(first!.status, 429);
  });

  test("deliveries to one webhook keep the order of their subject", async () => {
    const hook = await createWebhook("/ordered", ["cluster.ready"]);
    receiver.respond = (_r, previous) => (previous.some(at("/ordered")) ? { status: 204 } : { status: 503 });
    const first = await ping(hook.id);
    const second = await ping(hook.id);
    const third = await ping(hook.id);
    await receiver.waitFor("three test events", () => receiver.delivered(at("/ordered")).length === 3);
    // The second and third waited while the first was retried.
    assert.deepEqual(
      receiver.requests.filter(at("/ordered")).map((r) => [r.id, r.status]),
      [
        [first, 503],
        [first, 204],
        [second, 204],
        [third, 204],
      ],
    );
  });

  test("after a rotation each delivery is signed with both secrets for 24 h", async () => {
    const hook = await createWebhook("/rotate", ["cluster.ready"]);
    const rotated = await call(t.app, "POST", `/v1/webhooks/${hook.id}/rotate-secret`, { token });
    assert.equal(rotated.status, 200);
    const fresh = rotated.body.secret as string;
    await ping(hook.id);
    const [signed] = await receiver.waitFor("the test event", () => {
      const got = receiver.delivered(at("/rotate"));
      return got.length === 1 && got;
    });
    assert.equal(signed!.signatures.length, 2);
    assert.deepEqual(signedWith(signed!, [hook.secret, fresh]), [hook.secret, fresh]);
    // The current secret's signature comes first.
    assert.deepEqual(signedWith({ ...signed!, signatures: [signed!.signatures[0]!] }, [fresh, hook.secret]), [
      fresh,
    ]);

    // Once the overlap is over (moved into the past here rather than waited for), only the new one.
    await t.runtime.db.sql`
      update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = ${hook.id}`;
    await ping(hook.id);
    const [, later] = await receiver.waitFor("the second test event", () => {
      const got = receiver.delivered(at("/rotate"));
      return got.length === 2 && got;
    });
    assert.equal(later!.signatures.length, 1);
    assert.deepEqual(signedWith(later!, [hook.secret, fresh]), [fresh]);
  });

  test("a delivery can be sent again by hand; a pending one cannot", async () => {
    const hook = await createWebhook("/again", ["cluster.ready"]);
    const eventId = await ping(hook.id);
    await receiver.waitFor("the test event", () => receiver.delivered(at("/again")).length === 1);
    const [delivery] = await deliveriesWhen(hook.id, settled);
    assert.equal(delivery.status, "succeeded");
    const retried = await call(t.app, "POST", `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`, {
      token,
    });
    assert.equal(retried.status, 202);
    assert.deepEqual(retried.body, { id: delivery.id, status: "pending" });
    await receiver.waitFor("the redelivery", () => receiver.delivered(at("/again")).length === 2);
    assert.deepEqual(
      receiver.delivered(at("/again")).map((r) => r.id),
      [eventId, eventId],
    );
    const [after] = await deliveriesWhen(
      hook.id,
      (items) => settled(items) && items[0].attempts.length === 2,
    );
    assert.equal(after.status, "succeeded");
    assert.equal(after.attempts.length, 2);

    // Held back by the receiver for a minute: still pending, so a manual retry is refused.
    receiver.respond = () => ({ status: 503, headers: { "retry-after": "60" } });
    const held = await ping(hook.id);
    await receiver.waitFor("the refused attempt", () => receiver.requests.some((r) => r.id === held));
    const pending = (await deliveries(hook.id)).find((d) => d.eventId === held);
    const refused = await call(t.app, "POST", `/v1/webhooks/${hook.id}/deliveries/${pending.id}/retry`, {
      token,
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "delivery_pending");
    assert.match(refused.body.message, /is still pending; its next attempt is due at/);
  });
});
