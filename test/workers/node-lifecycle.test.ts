import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { lastBeat } from "../../apps/api/src/kube/simulation/node-heartbeat.ts";
import { evictionDeadline } from "../../workers/src/controllers/node-lifecycle/taint-eviction.ts";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
}
interface Taint {
  key: string;
  effect: string;
  timeAdded?: string;
}

const UNREACHABLE = "node.kubernetes.io/unreachable";
const FOREVER = [{ key: UNREACHABLE, operator: "Exists", effect: "NoExecute" }];

describe("node lifecycle rules", () => {
  const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
  const pod = (tolerations: unknown[], scheduledAt = at(0)) => ({
    metadata: { name: "p", creationTimestamp: scheduledAt },
    spec: { tolerations },
    status: { conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: scheduledAt }] },
  });
  const unreachable = { key: UNREACHABLE, effect: "NoExecute", timeAdded: at(100) };
  const dedicated = { key: "dedicated", value: "db", effect: "NoExecute", timeAdded: at(10) };
  const tolerateDedicated = { key: "dedicated", operator: "Equal", value: "db", effect: "NoExecute" };
  const for300 = { key: UNREACHABLE, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };

  test("eviction deadlines follow tolerations, counted from the taint a pod tolerates only for a while", () => {
    assert.equal(evictionDeadline(pod([]), [unreachable], "realistic"), Number.NEGATIVE_INFINITY);
    assert.equal(evictionDeadline(pod(FOREVER), [unreachable], "realistic"), undefined);
    assert.equal(evictionDeadline(pod([for300]), [unreachable], "realistic"), Date.parse(at(400)));
    assert.equal(evictionDeadline(pod([for300]), [unreachable], "instant"), Date.parse(at(100)));
    // A taint tolerated forever (added earlier) does not start the clock of the one tolerated 300 s.
    const both = pod([tolerateDedicated, for300]);
    assert.equal(evictionDeadline(both, [dedicated, unreachable], "realistic"), Date.parse(at(400)));
    // A pod that arrives after the taint gets its full toleration from its arrival.
    assert.equal(evictionDeadline(pod([for300], at(200)), [unreachable], "realistic"), Date.parse(at(500)));
    // A value that does not match is not tolerated.
    const wrongValue = pod([{ ...tolerateDedicated, value: "web" }]);
    assert.equal(evictionDeadline(wrongValue, [dedicated], "realistic"), Number.NEGATIVE_INFINITY);
  });

  test("heartbeats tick from their last written time, never past the moment they stop", () => {
    const anchor = new Date(at(3));
    assert.equal(lastBeat(anchor, new Date(at(2)), 10_000).toISOString(), at(3));
    assert.equal(lastBeat(anchor, new Date(at(12)), 10_000).toISOString(), at(3));
    assert.equal(lastBeat(anchor, new Date(at(13)), 10_000).toISOString(), at(13));
    assert.equal(lastBeat(anchor, new Date(at(59)), 10_000).toISOString(), at(53));
  });
});

describe("node lifecycle controller", () => {
  let t: TestRuntime;
  let token: string;

  before(async () => {
    t = await createTestRuntime({ workers: true, controllers: ["node-lifecycle"] });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "nl@example.com" } })).body.token;
  });
  after(() => t.close());

  /** A 2-node cluster (control plane + worker): a cluster with every node down evicts nothing. */
  async function createCluster(name: string, speed: "instant" | "realistic") {
    const id = (
      await call(t.app, "POST", "/v1/clusters", { token, body: { name, nodes: { count: 2 }, speed } })
    ).body.id as string;
    await waitForPhase(t.app, token, id, "Ready");
    const api = `/k8s/${id}/api/v1`;
    /** GET under the core group; lease paths go through `leases`. */
    const get = async (path: string) => call(t.app, "GET", `${api}${path}`, { token });
    const leases = (name = "") =>
      call(t.app, "GET", `/k8s/${id}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`, {
        token,
      }).then((r) => r.body);
    const eventually = async <T>(path: string, ok: (body: T, status: number) => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const res = path.startsWith("/apis/")
          ? await call(t.app, "GET", `/k8s/${id}${path}`, { token })
          : await get(path);
        if (ok(res.body, res.status)) return res.body as T;
        assert.ok(Date.now() < deadline, `${what}: ${JSON.stringify(res.body).slice(0, 1500)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const node = (n: string) => get(`/nodes/${n}`).then((r) => r.body);
    const patchNode = async (n: string, patch: unknown) => {
      const res = await call(t.app, "PATCH", `${api}/nodes/${n}`, {
        token,
        rawBody: JSON.stringify(patch),
        headers: { "content-type": "application/merge-patch+json" },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    const nodeAction = async (n: string, verb: "fail" | "recover") => {
      const res = await call(t.app, "POST", `/v1/clusters/${id}/nodes/${n}/${verb}`, { token });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body;
    };
    /** A pod bound to `nodeName` that we run ourselves (the kubelet is not running here): Ready. */
    const runningPod = async (name: string, nodeName: string, tolerations?: unknown[]) => {
      const created = await call(t.app, "POST", `${api}/namespaces/default/pods`, {
        token,
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: {
            nodeName,
            containers: [{ name: "app", image: "nginx" }],
            ...(tolerations ? { tolerations } : {}),
          },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const at = new Date().toISOString().slice(0, 19) + "Z";
      const status = {
        phase: "Running",
        conditions: ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map((type) => ({
          type,
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: at,
        })),
      };
      const res = await call(t.app, "PUT", `${api}/namespaces/default/pods/${name}/status`, {
        token,
        body: { ...created.body, status },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    const events = async () =>
      (await get("/namespaces/default/events")).body.items as {
        reason: string;
        message: string;
        type: string;
        source: { component: string; host?: string };
        involvedObject: { kind: string; name: string };
        count: number;
      }[];
    return { id, api, get, leases, eventually, node, patchNode, nodeAction, runningPod, events };
  }

  const conditions = (node: { status: { conditions: Condition[] } }) => node.status.conditions;
  const ready = (node: { status: { conditions: Condition[] } }) =>
    conditions(node).find((c) => c.type === "Ready");
  const taints = (node: { spec: { taints?: Taint[] } }) => node.spec.taints ?? [];
  const hasTaint = (node: { spec: { taints?: Taint[] } }, key: string, effect: string) =>
    taints(node).some((x) => x.key === key && x.effect === effect);
  /** Evicted: gone, or (once deletion is graceful) terminating on a node whose kubelet is down. */
  const evicted = (body: { metadata?: { deletionTimestamp?: string } }, status: number) =>
    status === 404 || body.metadata?.deletionTimestamp !== undefined;

  /** Runs `work` with the API's and controllers' clock `shiftMs` ahead. */
  async function withClockAhead<T>(shiftMs: number, work: () => Promise<T>): Promise<T> {
    const real = t.runtime.clock;
    t.runtime.clock = { now: () => new Date(Date.now() + shiftMs) };
    try {
      return await work();
    } finally {
      t.runtime.clock = real;
    }
  }

  describe("at instant speed", () => {
    let c: Awaited<ReturnType<typeof createCluster>>;
    const worker = "nl-worker";
    const controlPlane = "nl-control-plane";
    before(async () => {
      c = await createCluster("nl", "instant");
    });

    test("a failed node goes Unknown, is tainted unreachable, its pods NotReady and evicted unless tolerated", async () => {
      await c.runningPod("plain", worker);
      await c.runningPod("forever", worker, FOREVER);
      await c.runningPod("elsewhere", controlPlane);
      const failed = await c.nodeAction(worker, "fail");

      const node = await c.eventually<never>(
        `/nodes/${worker}`,
        (n) => hasTaint(n, UNREACHABLE, "NoExecute") && hasTaint(n, UNREACHABLE, "NoSchedule"),
        "the unreachable taints",
      );
      for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
        const condition = conditions(node).find((x) => x.type === type);
        assert.equal(condition?.status, "Unknown", type);
        assert.equal(condition?.reason, "NodeStatusUnknown");
        assert.equal(condition?.message, "Kubelet stopped posting node status.");
      }
      for (const taint of taints(node))
        assert.ok(!Number.isNaN(Date.parse(taint.timeAdded ?? "")), taint.key);

      // The default 300 s tolerations (DefaultTolerationSeconds) run out at once at instant speed.
      await c.eventually("/namespaces/default/pods/plain", evicted, "plain pod evicted");
      const forever = (await c.get("/namespaces/default/pods/forever")).body;
      assert.equal(forever.metadata.deletionTimestamp, undefined);
      assert.equal(forever.status.conditions.find((x: Condition) => x.type === "Ready").status, "False");
      const elsewhere = (await c.get("/namespaces/default/pods/elsewhere")).body;
      assert.equal(elsewhere.status.conditions.find((x: Condition) => x.type === "Ready").status, "True");

      const events = await c.events();
      const notReady = events.find((e) => e.reason === "NodeNotReady" && e.involvedObject.kind === "Node");
      assert.equal(notReady?.message, `Node ${worker} status is now: NodeNotReady`);
      assert.equal(notReady?.source.component, "node-controller");
      const eviction = events.find((e) => e.reason === "TaintManagerEviction");
      assert.equal(eviction?.message, "Marking for deletion Pod default/plain");
      assert.equal(eviction?.involvedObject.name, "plain");
      const podNotReady = events.find(
        (e) => e.reason === "NodeNotReady" && e.involvedObject.name === "forever",
      );
      assert.equal(podNotReady?.type, "Warning");
      assert.equal(podNotReady?.message, "Node is not ready");

      // The Lease stopped at the last renewal before the failure.
      const lease = await c.leases(worker);
      assert.ok(Date.parse(lease.spec.renewTime) <= Date.parse(failed.failedAt) + 999, lease.spec.renewTime);
    });

    test("heartbeats are computed when read: they advance without writes, and stop on a failed node", async () => {
      const before = {
        lease: await c.leases(controlPlane),
        failedLease: await c.leases(worker),
        node: await c.node(controlPlane),
      };
      const shift = 6 * 60_000;
      const after = await withClockAhead(shift, async () => ({
        lease: await c.leases(controlPlane),
        listed: (await c.leases()).items.find(
          (l: { metadata: { name: string } }) => l.metadata.name === controlPlane,
        ),
        failedLease: await c.leases(worker),
        node: await c.node(controlPlane),
        now: Date.now() + shift,
      }));

      assert.equal(after.lease.metadata.resourceVersion, before.lease.metadata.resourceVersion);
      const renewed = Date.parse(after.lease.spec.renewTime) - Date.parse(before.lease.spec.renewTime);
      assert.ok(renewed >= shift - 10_000 && renewed % 10_000 === 0, `renewed ${renewed} ms later`);
      assert.ok(after.now - Date.parse(after.lease.spec.renewTime) < 10_000 + 1000);
      assert.equal(after.listed.spec.renewTime, after.lease.spec.renewTime);
      assert.equal(after.failedLease.spec.renewTime, before.failedLease.spec.renewTime);

      assert.equal(after.node.metadata.resourceVersion, before.node.metadata.resourceVersion);
      const beat =
        Date.parse(ready(after.node)?.lastHeartbeatTime ?? "") -
        Date.parse(ready(before.node)?.lastHeartbeatTime ?? "");
      // With Leases, the kubelet re-posts an unchanged status every 5 minutes.
      assert.ok(beat >= 5 * 60_000 && beat % (5 * 60_000) === 0, `heartbeat ${beat} ms later`);
    });

    test("a recovered node is Ready again, untainted, with the kubelet's NodeReady event", async () => {
      await c.nodeAction(worker, "recover");
      const node = await c.eventually<never>(
        `/nodes/${worker}`,
        (n) => ready(n)?.status === "True" && !taints(n).some((x) => x.key === UNREACHABLE),
        "Ready and untainted",
      );
      assert.equal(ready(node)?.reason, "KubeletReady");
      assert.equal(ready(node)?.message, "kubelet is posting ready status");
      for (const type of ["MemoryPressure", "DiskPressure", "PIDPressure"])
        assert.equal(conditions(node).find((x) => x.type === type)?.status, "False", type);
      // The NodeReady of the node's start, counted again (upstream aggregates the kubelet's events).
      const nodeReady = (await c.events()).find(
        (e) => e.reason === "NodeReady" && e.involvedObject?.name === worker,
      );
      assert.ok((nodeReady?.count ?? 0) >= 2, JSON.stringify(nodeReady));
      assert.equal(nodeReady?.message, `Node ${worker} status is now: NodeReady`);
      assert.deepEqual(nodeReady?.source, { component: "kubelet", host: worker });
      const lease = await c.leases(worker);
      assert.equal(lease.metadata.annotations?.["sandcastle.dev/simulated-failure"], undefined);
      assert.ok(Date.now() - Date.parse(lease.spec.renewTime) < 15_000, lease.spec.renewTime);
    });

    test("cordon adds the unschedulable NoSchedule taint, uncordon removes it", async () => {
      await c.patchNode(controlPlane, { spec: { unschedulable: true } });
      const cordoned = await c.eventually<never>(
        `/nodes/${controlPlane}`,
        (n) => hasTaint(n, "node.kubernetes.io/unschedulable", "NoSchedule"),
        "the unschedulable taint",
      );
      assert.ok(!Number.isNaN(Date.parse(taints(cordoned)[0]?.timeAdded ?? "")));
      await c.patchNode(controlPlane, { spec: { unschedulable: null } });
      await c.eventually<never>(`/nodes/${controlPlane}`, (n) => taints(n).length === 0, "no taints");
    });

    test("with every node down nothing is evicted (full disruption); one back, and the rest are tainted again", async () => {
      await c.nodeAction(worker, "fail");
      await c.nodeAction(controlPlane, "fail");
      const down = (n: never) => ready(n)?.status === "Unknown" && hasTaint(n, UNREACHABLE, "NoSchedule");
      const lifted = (n: never) => down(n) && !hasTaint(n, UNREACHABLE, "NoExecute");
      await c.eventually(`/nodes/${worker}`, lifted, "worker down without NoExecute");
      await c.eventually(`/nodes/${controlPlane}`, lifted, "control plane down without NoExecute");

      await c.nodeAction(controlPlane, "recover");
      await c.eventually<never>(
        `/nodes/${worker}`,
        (n) => hasTaint(n, UNREACHABLE, "NoExecute"),
        "worker evicting again",
      );
      await c.nodeAction(worker, "recover");
      await c.eventually<never>(`/nodes/${worker}`, (n) => taints(n).length === 0, "worker untainted");
    });
  });

  test("at realistic speed: NotReady after the 50 s grace period, evictions after the 300 s tolerations", async () => {
    const c = await createCluster("nlr", "realistic");
    const worker = "nlr-worker";
    await c.runningPod("patient", worker);
    await c.nodeAction(worker, "fail");
    // The controller has seen the failure once the Lease carries it; the node is still Ready then.
    await c.eventually<{ metadata: { annotations?: Record<string, string> } }>(
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${worker}`,
      (l) => l.metadata.annotations?.["sandcastle.dev/simulated-failure"] !== undefined,
      "the lease frozen",
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ready(await c.node(worker))?.status, "True");

    // 55 s later (a node change wakes the controller without waiting for its requeue).
    await withClockAhead(55_000, async () => {
      await c.patchNode(worker, { metadata: { labels: { touched: "1" } } });
      await c.eventually<never>(
        `/nodes/${worker}`,
        (n) => hasTaint(n, UNREACHABLE, "NoExecute"),
        "NotReady, tainted",
      );
      await new Promise((r) => setTimeout(r, 300));
      const patient = await c.get("/namespaces/default/pods/patient");
      assert.equal(patient.status, 200);
      assert.equal(patient.body.metadata.deletionTimestamp, undefined);
    });
    // 300 s after the taint, the default toleration runs out.
    await withClockAhead(55_000 + 301_000, async () => {
      await c.patchNode(worker, { metadata: { labels: { touched: "2" } } });
      await c.eventually("/namespaces/default/pods/patient", evicted, "patient evicted");
    });
  });
});
