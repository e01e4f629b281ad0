import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

const ANNOTATION = "sandcastle.dev/simulated-failure";

describe("POST /v1/clusters/{id}/nodes/{name}/fail|recover", () => {
  let t: TestRuntime;
  let token: string;
  let id: string;
  const node = "fr-worker";
  const path = (verb: string, name = node, cluster = id) => `/v1/clusters/${cluster}/nodes/${name}/${verb}`;
  const readNode = async () => (await call(t.app, "GET", `/k8s/${id}/api/v1/nodes/${node}`, { token })).body;

  before(async () => {
    // No controllers: this is about the tenant API and the state it records on the Node.
    t = await createTestRuntime({ workers: true, controllers: [] });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "fr@example.com" } })).body.token;
    id = (
      await call(t.app, "POST", "/v1/clusters", {
        token,
        body: { name: "fr", nodes: { count: 2 }, speed: "instant" },
      })
    ).body.id;
    await waitForPhase(t.app, token, id, "Ready");
  });
  after(() => t.close());

  test("fail answers 202 with the node's state and records it on the Node; a repeat is a 200 no-op", async () => {
    const failed = await call(t.app, "POST", path("fail"), { token });
    assert.equal(failed.status, 202);
    assert.equal(failed.body.clusterId, id);
    assert.equal(failed.body.name, node);
    assert.equal(failed.body.state, "Failed");
    assert.ok(!Number.isNaN(Date.parse(failed.body.failedAt)), failed.body.failedAt);
    assert.equal((await readNode()).metadata.annotations[ANNOTATION], failed.body.failedAt);
    const rv = (await readNode()).metadata.resourceVersion;

    const again = await call(t.app, "POST", path("fail"), { token });
    assert.equal(again.status, 200);
    // A retried request does not restart the failure.
    assert.deepEqual(again.body, failed.body);
    assert.equal((await readNode()).metadata.resourceVersion, rv);
  });

  test("recover answers 202 and clears the state; a repeat is a 200 no-op", async () => {
    const recovered = await call(t.app, "POST", path("recover"), { token });
    assert.equal(recovered.status, 202);
    assert.deepEqual(recovered.body, { clusterId: id, name: node, state: "Healthy", failedAt: null });
    assert.equal((await readNode()).metadata.annotations?.[ANNOTATION], undefined);
    const again = await call(t.app, "POST", path("recover"), { token });
    assert.equal(again.status, 200);
    assert.equal(again.body.state, "Healthy");
  });

  test("an unknown cluster or node is a 404 in the /v1 error shape", async () => {
    for (const [p, message] of [
      [path("fail", node, "cnosuchcluster0000"), 'cluster "cnosuchcluster0000" not found'],
      [path("fail", "no-such-node"), `node "no-such-node" not found in cluster "${id}"`],
      [path("recover", "no-such-node"), `node "no-such-node" not found in cluster "${id}"`],
    ] as const) {
      const res = await call(t.app, "POST", p, { token });
      assert.equal(res.status, 404, p);
      assert.equal(res.body.code, "not_found");
      assert.equal(res.body.message, message);
      assert.ok(res.body.requestId);
    }
  });

  test("another tenant's cluster is a 404, the same as a missing one, and changes nothing", async () => {
    const other = (await call(t.app, "POST", "/v1/signup", { body: { email: "fr-other@example.com" } })).body;
    const res = await call(t.app, "POST", path("fail"), { token: other.token });
    assert.equal(res.status, 404);
    assert.equal(res.body.message, `cluster "${id}" not found`);
    assert.equal((await readNode()).metadata.annotations?.[ANNOTATION], undefined);
  });

  test("no token is a 401; a kubeconfig token (one cluster's Kubernetes API only) is a 403", async () => {
    const anonymous = await call(t.app, "POST", path("fail"));
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, "unauthorized");
    const kc = parse((await call(t.app, "GET", `/v1/clusters/${id}/kubeconfig`, { token })).body as string);
    const clusterToken = kc.users[0].user.token as string;
    const scoped = await call(t.app, "POST", path("fail"), { token: clusterToken });
    assert.equal(scoped.status, 403);
    assert.equal((await readNode()).metadata.annotations?.[ANNOTATION], undefined);
  });
});
