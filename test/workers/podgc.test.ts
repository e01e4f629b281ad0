import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

describe("pod garbage collector", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;

  before(async () => {
    t = await createTestRuntime({ workers: true, controllers: ["podgc", "kubelet"] });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "podgc@example.com" } })).body.token;
    const id = (
      await call(t.app, "POST", "/v1/clusters", {
        token,
        body: { name: "gc", nodes: { count: 2 }, speed: "instant" },
      })
    ).body.id;
    await waitForPhase(t.app, token, id, "Ready");
    api = `/k8s/${id}/api/v1`;
  });
  after(() => t.close());

  test("deleting a node deletes the pods bound to it, and only those", async () => {
    const pod = (name: string, nodeName: string) =>
      call(t.app, "POST", `${api}/namespaces/default/pods`, {
        token,
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: { nodeName, containers: [{ name: "c", image: "nginx" }] },
        },
      });
    assert.equal((await pod("on-worker", "gc-worker")).status, 201);
    assert.equal((await pod("on-control-plane", "gc-control-plane")).status, 201);
    assert.equal((await call(t.app, "DELETE", `${api}/nodes/gc-worker`, { token })).status, 200);
    const deadline = Date.now() + 10_000;
    while ((await call(t.app, "GET", `${api}/namespaces/default/pods/on-worker`, { token })).status !== 404) {
      assert.ok(Date.now() < deadline, "the orphaned pod was never collected");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(
      (await call(t.app, "GET", `${api}/namespaces/default/pods/on-control-plane`, { token })).status,
      200,
    );
  });
});
