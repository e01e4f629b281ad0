import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

describe("resync of active clusters", () => {
  let t: TestRuntime;
  let token: string;
  let clusterId: string;

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: ["resync", "namespace-defaults"],
      env: { RESYNC_SECONDS: "1" },
    });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "resync@example.com" } })).body.token;
    clusterId = (
      await call(t.app, "POST", "/v1/clusters", { token, body: { name: "r", nodes: { count: 1 } } })
    ).body.id;
    await waitForPhase(t.app, token, clusterId, "Ready");
  });
  after(() => t.close());

  const sa = (ns: string) =>
    call(t.app, "GET", `/k8s/${clusterId}/api/v1/namespaces/${ns}/serviceaccounts/default`, { token });

  test("a change whose wake-up was lost is repaired by the next resync", async () => {
    await call(t.app, "POST", `/k8s/${clusterId}/api/v1/namespaces`, {
      token,
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "lost" } },
    });
    const deadline = Date.now() + 10_000;
    while ((await sa("lost")).status !== 200) {
      assert.ok(Date.now() < deadline, "default ServiceAccount never created");
      await new Promise((r) => setTimeout(r, 25));
    }
    // A change nobody heard of: the row goes behind the store's back (as if the enqueue was lost).
    await t.database.db.sql`
      delete from objects where cluster_id = ${clusterId} and resource = 'serviceaccounts' and namespace = 'lost'`;
    assert.equal((await sa("lost")).status, 404);
    // Any later write arms the cluster's resync, which offers the namespace to its controller again.
    await call(t.app, "POST", `/k8s/${clusterId}/api/v1/namespaces/default/configmaps`, {
      token,
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "poke" } },
    });
    const repaired = Date.now() + 10_000;
    while ((await sa("lost")).status !== 200) {
      assert.ok(Date.now() < repaired, "the resync did not repair the lost wake-up");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test("once the cluster is quiet, nothing stays scheduled for it", async () => {
    await new Promise((r) => setTimeout(r, 2_500));
    const delayed = await t.runtime.reconcileQueue.timers.getDelayedCount();
    assert.equal(delayed, 0);
  });
});
