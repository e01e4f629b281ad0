import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { kubectl, writeKubeconfig } from "../fixtures/kubectl.ts";
import { httpsRequest, type ServerProcess, startServerProcess } from "../fixtures/server-process.ts";

/**
 * What a learner sees with the real kubectl, against the service started as `npm start`: the quota
 * refusal as kube-apiserver words it, and the rate limit's 429s, which kubectl waits out by itself.
 */
describe("kubectl against a cluster's quota and rate limit", () => {
  let server: ServerProcess;
  let kubeconfig: string;
  const run = (args: string[]) => kubectl(kubeconfig, server.home, args);

  before(async () => {
    server = await startServerProcess({
      MAX_PODS_PER_CLUSTER: "2",
      RATE_LIMIT_RPS: "2",
      RATE_LIMIT_BURST: "4",
    });
    const { baseUrl, caPem: ca } = server;
    const signup = await httpsRequest(`${baseUrl}/v1/signup`, {
      method: "POST",
      body: { email: "kubectl-quota@example.com" },
      ca,
    });
    assert.equal(signup.status, 201, signup.text);
    const token = signup.json().token;
    const created = await httpsRequest(`${baseUrl}/v1/clusters`, {
      method: "POST",
      token,
      body: { name: "quota", nodes: { count: 1 }, speed: "instant" },
      ca,
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json().id;
    const deadline = Date.now() + 20_000;
    for (;;) {
      // Polling faster than the limit allows: a 429 here just means "ask again later".
      const got = await httpsRequest(`${baseUrl}/v1/clusters/${id}`, { token, ca });
      if (got.status === 200 && got.json().status.phase === "Ready") break;
      assert.ok(Date.now() < deadline, `cluster never became Ready: ${got.status} ${got.text}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    let kc = await httpsRequest(`${baseUrl}/v1/clusters/${id}/kubeconfig`, { token, ca });
    if (kc.status === 429) {
      await new Promise((r) => setTimeout(r, Number(kc.headers["retry-after"]) * 1000));
      kc = await httpsRequest(`${baseUrl}/v1/clusters/${id}/kubeconfig`, { token, ca });
    }
    assert.equal(kc.status, 200, kc.text);
    kubeconfig = await writeKubeconfig(server.home, kc.text);
  });
  after(() => server.cleanup());

  test("kubectl run beyond the pod cap fails with the quota's Forbidden; a delete frees the slot", async () => {
    for (const name of ["first", "second"]) {
      const res = await run(["run", name, "--image=nginx:1.27"]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout.trim(), `pod/${name} created`);
    }
    const refused = await run(["run", "third", "--image=nginx:1.27"]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.trim(),
      'Error from server (Forbidden): pods "third" is forbidden: exceeded quota: sandcastle-cluster-quota, requested: pods=1, used: pods=2, limited: pods=2',
    );
    const deleted = await run(["delete", "pod", "first"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const again = await run(["run", "third", "--image=nginx:1.27"]);
    assert.equal(again.code, 0, again.stderr);
  });

  test("kubectl waits out the rate limit's 429 (Retry-After) and succeeds", async () => {
    // Eight lists in one invocation, more than the bucket's 4: some are answered 429 first.
    const res = await run([
      "get",
      "pods,services,configmaps,secrets,serviceaccounts,endpoints,limitranges,resourcequotas",
      "-v=6",
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /GET \S+ 429 Too Many Requests/);
    assert.match(res.stderr, /Got a Retry-After 1s response/);
    assert.match(res.stdout, /pod\/second/);
  });
});
