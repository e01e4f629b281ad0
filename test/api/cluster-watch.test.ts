import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";
import { openWatch } from "../fixtures/watch-client.ts";

describe("GET /v1/clusters?watch=1", () => {
  let t: TestRuntime;
  let token: string;

  before(async () => {
    t = await createTestRuntime({ workers: true });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "dash@example.com" } })).body.token;
  });
  after(() => t.close());

  test("streams the tenant's clusters: ADDED, Ready, DELETED", async () => {
    const existing = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "before", nodes: { count: 1 } },
    });
    const w = await openWatch(t.app, token, "/v1/clusters?watch=1");
    const [first] = await w.waitFor(1);
    assert.equal(first?.type, "ADDED");
    assert.equal(first?.object.id, existing.body.id);
    const created = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "watched", nodes: { count: 1 } },
    });
    const id = created.body.id as string;
    const deadline = Date.now() + 10_000;
    while (!w.events.some((e) => e.object.id === id && e.object.status.phase === "Ready")) {
      assert.ok(Date.now() < deadline, JSON.stringify(w.events));
      await new Promise((r) => setTimeout(r, 20));
    }
    await call(t.app, "DELETE", `/v1/clusters/${id}`, { token });
    while (!w.events.some((e) => e.object.id === id && e.type === "DELETED")) {
      assert.ok(Date.now() < deadline, JSON.stringify(w.events));
      await new Promise((r) => setTimeout(r, 20));
    }
    const mine = w.events.filter((e) => e.object.id === id);
    assert.equal(mine[0]?.type, "ADDED");
    assert.equal(mine.at(-1)?.type, "DELETED");
    // Ready arrives as MODIFIED, or already in the ADDED when provisioning beat the stream's re-read.
    assert.ok(mine.some((e) => e.object.status.phase === "Ready"));
    // Never two identical events in a row for one cluster.
    for (let i = 1; i < mine.length; i++) assert.notDeepEqual(mine[i], mine[i - 1]);
    await w.close();
  });

  test("another tenant's clusters never appear", async () => {
    const other = (await call(t.app, "POST", "/v1/signup", { body: { email: "other-dash@example.com" } }))
      .body.token;
    const w = await openWatch(t.app, other, "/v1/clusters?watch=true&timeoutSeconds=1");
    await call(t.app, "POST", "/v1/clusters", { token, body: { name: "not-yours", nodes: { count: 1 } } });
    await w.ended;
    assert.deepEqual(w.events, []);
  });
});
