import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

/**
 * Updates of an object marked for deletion, as the generic store treats them: only the update that
 * removes the last finalizer of an object with no grace period left deletes it.
 */
describe("updates of objects being deleted", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;

  before(async () => {
    t = await createTestRuntime({ workers: true, controllers: [] });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "terminating@example.com" } })).body
      .token;
    const id = (
      await call(t.app, "POST", "/v1/clusters", { token, body: { name: "terminating", speed: "instant" } })
    ).body.id;
    await waitForPhase(t.app, token, id, "Ready");
    api = `/k8s/${id}/api/v1/namespaces/default`;
  });
  after(() => t.close());

  const request = async (method: string, path: string, body?: unknown, contentType?: string) => {
    const res = await call(t.app, method, `${api}${path}`, {
      token,
      ...(contentType
        ? { rawBody: JSON.stringify(body), headers: { "content-type": contentType } }
        : { body }),
    });
    return res;
  };
  /** The JSON patch a controller sends when it is done with an object. */
  const removeFinalizers = (path: string) =>
    request("PATCH", path, [{ op: "remove", path: "/metadata/finalizers" }], "application/json-patch+json");
  const runningPod = async (name: string, finalizers?: string[]) => {
    const created = await request("POST", "/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, ...(finalizers ? { finalizers } : {}) },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const nodes = (
      await call(t.app, "GET", `${api.replace(/\/api\/v1\/namespaces\/default$/, "")}/api/v1/nodes`, {
        token,
      })
    ).body;
    const bound = await request("POST", `/pods/${name}/binding`, {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name },
      target: { apiVersion: "v1", kind: "Node", name: nodes.items[0].metadata.name },
    });
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
  };
  const statusPatch = (name: string) =>
    request(
      "PATCH",
      `/pods/${name}/status`,
      { status: { phase: "Running" } },
      "application/merge-patch+json",
    );

  test("a status write during a pod's grace period keeps the pod (the kubelet reports it)", async () => {
    await runningPod("graceful");
    const deleted = await request("DELETE", "/pods/graceful");
    assert.equal(deleted.status, 200);
    assert.ok(deleted.body.metadata.deletionTimestamp);
    assert.equal((await statusPatch("graceful")).status, 200);
    const after = await request("GET", "/pods/graceful");
    assert.equal(after.status, 200, "still there, terminating");
    assert.equal(after.body.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await request("DELETE", "/pods/graceful", { gracePeriodSeconds: 0 })).status, 200);
    assert.equal((await request("GET", "/pods/graceful")).status, 404, "gone once deleted with grace 0");
  });

  test("removing the last finalizer deletes an object with no grace left, not one still in its grace period", async () => {
    const cm = await request("POST", "/configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "held", finalizers: ["example.com/hold"] },
    });
    assert.equal(cm.status, 201);
    assert.equal((await request("DELETE", "/configmaps/held")).status, 200);
    assert.equal((await request("GET", "/configmaps/held")).status, 200, "held by its finalizer");
    const released = await removeFinalizers("/configmaps/held");
    assert.equal(released.status, 200);
    assert.equal((await request("GET", "/configmaps/held")).status, 404);

    await runningPod("held-pod", ["example.com/hold"]);
    assert.equal((await request("DELETE", "/pods/held-pod")).status, 200);
    const unheld = await removeFinalizers("/pods/held-pod");
    assert.equal(unheld.status, 200);
    assert.equal(
      (await request("GET", "/pods/held-pod")).status,
      200,
      "in its grace period: the kubelet ends it",
    );
    assert.equal((await request("DELETE", "/pods/held-pod", { gracePeriodSeconds: 0 })).status, 200);
    assert.equal((await request("GET", "/pods/held-pod")).status, 404, "the kubelet's last delete");

    // A finalizer removed after that last delete lets the pod go.
    await runningPod("late", ["example.com/hold"]);
    assert.equal((await request("DELETE", "/pods/late")).status, 200);
    assert.equal((await request("DELETE", "/pods/late", { gracePeriodSeconds: 0 })).status, 200);
    const late = await request("GET", "/pods/late");
    assert.equal(late.body.metadata.deletionGracePeriodSeconds, 0, "held, with no grace left");
    const dropped = await removeFinalizers("/pods/late");
    assert.equal(dropped.status, 200);
    assert.equal((await request("GET", "/pods/late")).status, 404);
  });
});
