import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, type TestRuntime } from "../fixtures/runtime.ts";
import { startTestCluster } from "../workers/fixtures/sim-cluster.ts";

/** What a /status write of a Pod may carry: ValidatePodStatusUpdate's address checks, upstream's messages. */
describe("pod status writes", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;

  before(async () => {
    let base: string;
    ({ t, token, base } = await startTestCluster("pod-status", []));
    api = `${base}/api/v1/namespaces/default/pods`;
    const created = await call(t.app, "POST", api, {
      token,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web" },
        spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(() => t.close());

  const patchStatus = (status: Record<string, unknown>) =>
    call(t.app, "PATCH", `${api}/web/status`, {
      token,
      rawBody: JSON.stringify({ status }),
      headers: { "content-type": "application/merge-patch+json" },
    });

  /** A status patch the API refuses: the message of its 422. */
  const refusal = async (status: Record<string, unknown>): Promise<string> => {
    const res = await patchStatus(status);
    assert.equal(res.status, 422, JSON.stringify(res.body));
    return res.body.message;
  };

  test("addresses are checked: valid IPs, one per family, hostIPs led by hostIP", async () => {
    assert.equal(
      await refusal({ podIP: "10.244.0.500", podIPs: [{ ip: "10.244.0.500" }] }),
      'Pod "web" is invalid: status.podIPs[0]: Invalid value: "10.244.0.500": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
    assert.match(
      await refusal({ podIP: "10.244.0.5", podIPs: [{ ip: "10.244.0.5" }, { ip: "10.244.0.6" }] }),
      /status\.podIPs: Invalid value: .*: may specify no more than one IP for each IP family$/,
    );
    assert.equal(
      await refusal({ hostIP: "172.18.0.2", hostIPs: [{ ip: "172.18.0.3" }] }),
      'Pod "web" is invalid: status.hostIPs[0].ip: Invalid value: "172.18.0.3": must be equal to `hostIP`',
    );
    const dualStack = await patchStatus({
      podIP: "10.244.0.5",
      podIPs: [{ ip: "10.244.0.5" }, { ip: "fd00:10:244::5" }],
      hostIP: "172.18.0.2",
      hostIPs: [{ ip: "172.18.0.2" }],
    });
    assert.equal(dualStack.status, 200, JSON.stringify(dualStack.body));
    assert.deepEqual(dualStack.body.status.podIPs, [{ ip: "10.244.0.5" }, { ip: "fd00:10:244::5" }]);
  });
});
