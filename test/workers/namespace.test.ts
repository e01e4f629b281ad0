import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

describe("namespace controller", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: ["namespace", "namespace-defaults", "kubelet"],
    });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "nsc@example.com" } })).body.token;
    const id = (
      await call(t.app, "POST", "/v1/clusters", { token, body: { name: "nsc", nodes: { count: 1 } } })
    ).body.id;
    await waitForPhase(t.app, token, id, "Ready");
    api = `/k8s/${id}/api/v1`;
  });
  after(() => t.close());

  test("a deleted namespace is Terminating while its pods stop, then gone with everything in it", async () => {
    await call(t.app, "POST", `${api}/namespaces`, {
      token,
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } },
    });
    await call(t.app, "POST", `${api}/namespaces/team/configmaps`, {
      token,
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" } },
    });
    // busybox sleeping as PID 1 ignores SIGTERM: it takes its whole grace period (3 s here) to stop.
    // (Created once the namespace has its default ServiceAccount, which pod admission requires.)
    const saReady = Date.now() + 10_000;
    while (
      (await call(t.app, "GET", `${api}/namespaces/team/serviceaccounts/default`, { token })).status !== 200
    ) {
      assert.ok(Date.now() < saReady, "no default ServiceAccount");
      await new Promise((r) => setTimeout(r, 25));
    }
    await call(t.app, "POST", `${api}/namespaces/team/pods`, {
      token,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "sleeper" },
        spec: {
          nodeName: "nsc-control-plane",
          terminationGracePeriodSeconds: 3,
          containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"] }],
        },
      },
    });
    const running = Date.now() + 10_000;
    while (
      (await call(t.app, "GET", `${api}/namespaces/team/pods/sleeper`, { token })).body.status?.phase !==
      "Running"
    ) {
      assert.ok(Date.now() < running, "pod never ran");
      await new Promise((r) => setTimeout(r, 50));
    }
    const deleted = await call(t.app, "DELETE", `${api}/namespaces/team`, { token });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.status.phase, "Terminating");
    assert.ok(deleted.body.metadata.deletionTimestamp);

    // The pod terminates gracefully meanwhile; the ConfigMap is already gone.
    const terminating = Date.now() + 5_000;
    for (;;) {
      const pod = await call(t.app, "GET", `${api}/namespaces/team/pods/sleeper`, { token });
      if (pod.body?.metadata?.deletionTimestamp) break;
      assert.ok(Date.now() < terminating, "pod was never marked for deletion");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(
      (await call(t.app, "GET", `${api}/namespaces/team`, { token })).body.status.phase,
      "Terminating",
    );
    assert.equal((await call(t.app, "GET", `${api}/namespaces/team/configmaps/cfg`, { token })).status, 404);

    const gone = Date.now() + 15_000;
    while ((await call(t.app, "GET", `${api}/namespaces/team`, { token })).status !== 404) {
      assert.ok(Date.now() < gone, "namespace never went");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await call(t.app, "GET", `${api}/namespaces/team/pods/sleeper`, { token })).status, 404);
  });
});
