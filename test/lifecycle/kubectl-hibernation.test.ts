import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";
import { httpsRequest } from "../fixtures/server-process.ts";

/** The real kubectl, against the service started with `npm start`, meets a hibernated cluster. */
describe("kubectl against a hibernated cluster", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("kubectl-hibernation@example.com", { speed: "instant" });
  });
  after(() => k.close());

  const cluster = async () => {
    const res = await httpsRequest(`${k.server.baseUrl}/v1/clusters/${k.clusterId}`, {
      token: k.tenantToken,
      ca: k.server.caPem,
    });
    assert.equal(res.status, 200, res.text);
    return res.json();
  };

  test("kubectl get pods wakes it and shows the pods as they were", async () => {
    await k.ok(["run", "web", "--image=nginx:1.27"]);
    const deadline = Date.now() + 15_000;
    while ((await k.ok(["get", "pod", "web", "-o", "jsonpath={.status.phase}"])) !== "Running") {
      assert.ok(Date.now() < deadline, "web never ran");
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = JSON.parse(await k.ok(["get", "pod", "web", "-o", "json"]));

    const slept = await httpsRequest(`${k.server.baseUrl}/v1/clusters/${k.clusterId}/hibernate`, {
      method: "POST",
      token: k.tenantToken,
      ca: k.server.caPem,
    });
    assert.equal(slept.status, 202, slept.text);
    assert.equal((await cluster()).status.phase, "Hibernated");

    const res = await k.run(["get", "pods"]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, "");
    const rows = lines(res.stdout).map(cells);
    assert.deepEqual(rows[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    assert.deepEqual(rows[1]?.slice(0, 4), ["web", "1/1", "Running", "0"]);
    assert.equal((await cluster()).status.phase, "Ready");

    const after = JSON.parse(await k.ok(["get", "pod", "web", "-o", "json"]));
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.creationTimestamp, before.metadata.creationTimestamp);
    assert.equal(
      after.status.containerStatuses[0].state.running.startedAt,
      before.status.containerStatuses[0].state.running.startedAt,
    );
  });
});
