import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

describe("namespace defaults controller", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;

  before(async () => {
    t = await createTestRuntime({ workers: true });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "ns@example.com" } })).body.token;
    const id = (
      await call(t.app, "POST", "/v1/clusters", { token, body: { name: "ns", nodes: { count: 1 } } })
    ).body.id;
    await waitForPhase(t.app, token, id, "Ready");
    api = `/k8s/${id}/api/v1`;
  });
  after(() => t.close());

  const eventually = async (path: string, status = 200) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await call(t.app, "GET", `${api}${path}`, { token });
      if (res.status === status) return res.body;
      assert.ok(Date.now() < deadline, `${path} answered ${res.status}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  test("a new namespace gets the default ServiceAccount and the kube-root-ca.crt ConfigMap", async () => {
    const created = await call(t.app, "POST", `${api}/namespaces`, {
      token,
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } },
    });
    assert.equal(created.status, 201);
    const sa = await eventually("/namespaces/team-a/serviceaccounts/default");
    assert.equal(sa.metadata.namespace, "team-a");
    const cm = await eventually("/namespaces/team-a/configmaps/kube-root-ca.crt");
    assert.match(cm.data["ca.crt"], /BEGIN CERTIFICATE/);
  });

  test("a deleted default ServiceAccount comes back, as on a real cluster", async () => {
    const before = await eventually("/namespaces/team-a/serviceaccounts/default");
    assert.equal(
      (await call(t.app, "DELETE", `${api}/namespaces/team-a/serviceaccounts/default`, { token })).status,
      200,
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await call(t.app, "GET", `${api}/namespaces/team-a/serviceaccounts/default`, { token });
      if (res.status === 200 && res.body.metadata.uid !== before.metadata.uid) break;
      assert.ok(Date.now() < deadline, "default ServiceAccount was not recreated");
      await new Promise((r) => setTimeout(r, 25));
    }
  });
});
