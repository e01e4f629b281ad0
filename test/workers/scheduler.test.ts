import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Json, type SimCluster, startSimCluster } from "./fixtures/sim-cluster.ts";

const TOO_BIG =
  "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";

describe("scheduler", () => {
  let sim: SimCluster;

  before(async () => {
    sim = await startSimCluster("sched", ["scheduler"], 3);
  });
  after(() => sim.close());

  const podBody = (name: string, spec: Record<string, unknown> = {}, cpu?: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      containers: [{ name: "app", image: "nginx", ...(cpu ? { resources: { requests: { cpu } } } : {}) }],
      ...spec,
    },
  });
  const createPod = (ns: string, name: string, spec?: Record<string, unknown>, cpu?: string) =>
    sim.create(`/api/v1/namespaces/${ns}/pods`, podBody(name, spec, cpu));
  const boundPod = (ns: string, name: string) =>
    sim.eventually(
      `/api/v1/namespaces/${ns}/pods/${name}`,
      (r) => Boolean(r.body?.spec?.nodeName),
      `${name} bound`,
    );
  const scheduledCondition = (pod: Json) =>
    (pod.status?.conditions ?? []).find((c: Json) => c.type === "PodScheduled");
  const events = async (ns: string, name: string): Promise<Json[]> =>
    ((await sim.get(`/api/v1/namespaces/${ns}/events`)).body.items as Json[]).filter(
      (e) => e.involvedObject.name === name,
    );
  const eventually = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const podsOf = async (ns: string): Promise<Json[]> =>
    (await sim.get(`/api/v1/namespaces/${ns}/pods`)).body.items;

  test("pods are bound, spread over the nodes, marked PodScheduled and announced by a Scheduled event", async () => {
    for (let i = 0; i < 6; i++) await createPod("default", `spread-${i}`);
    const placed = [];
    for (let i = 0; i < 6; i++) placed.push(await boundPod("default", `spread-${i}`));
    assert.deepEqual(new Set(placed.map((p) => p.spec.nodeName)), new Set(sim.nodes));

    const pod = placed[0];
    const condition = scheduledCondition(pod);
    assert.equal(condition.status, "True");
    assert.equal(condition.lastProbeTime, null);
    assert.match(condition.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(condition.reason, undefined);

    const scheduled = await eventually("Scheduled event", async () =>
      (await events("default", "spread-0")).find((e) => e.reason === "Scheduled"),
    );
    assert.equal(scheduled.type, "Normal");
    assert.equal(scheduled.message, `Successfully assigned default/spread-0 to ${pod.spec.nodeName}`);
    assert.equal(scheduled.source.component, "default-scheduler");
  });

  test("a node selector and a taint: the exact reasons, then scheduled once the pod tolerates the taint", async () => {
    const target = sim.nodes[1];
    const tainted = await sim.request(
      "PATCH",
      `/api/v1/nodes/${target}`,
      { spec: { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } },
      "application/merge-patch+json",
    );
    assert.equal(tainted.status, 200, JSON.stringify(tainted.body));
    await createPod("default", "picky", { nodeSelector: { "kubernetes.io/hostname": target } });
    const message =
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const pending = await sim.eventually(
      "/api/v1/namespaces/default/pods/picky",
      (r) => scheduledCondition(r.body)?.reason === "Unschedulable",
    );
    assert.equal(scheduledCondition(pending).message, message);

    // Tolerations may be added to a pod; the scheduler's retry picks the change up.
    const patched = await sim.request(
      "PATCH",
      "/api/v1/namespaces/default/pods/picky",
      [
        {
          op: "add",
          path: "/spec/tolerations/-",
          value: { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" },
        },
      ],
      "application/json-patch+json",
    );
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const bound = await boundPod("default", "picky");
    assert.equal(bound.spec.nodeName, target);
    assert.equal(scheduledCondition(bound).status, "True");
    await sim.request(
      "PATCH",
      `/api/v1/nodes/${target}`,
      { spec: { taints: null } },
      "application/merge-patch+json",
    );
  });

  test("a pod asking 100 CPUs stays Pending with upstream's message, until a node big enough joins", async () => {
    await createPod("default", "huge", {}, "100");
    const pending = await sim.eventually(
      "/api/v1/namespaces/default/pods/huge",
      (r) => scheduledCondition(r.body)?.reason === "Unschedulable",
    );
    assert.equal(pending.status.phase, "Pending");
    assert.equal(pending.spec.nodeName, undefined);
    const condition = scheduledCondition(pending);
    assert.equal(condition.status, "False");
    assert.equal(condition.message, TOO_BIG);
    assert.equal(condition.lastProbeTime, null);
    const failed = await eventually("FailedScheduling event", async () =>
      (await events("default", "huge")).find((e) => e.reason === "FailedScheduling"),
    );
    assert.equal(failed.type, "Warning");
    assert.equal(failed.message, TOO_BIG);
    assert.equal(failed.source.component, "default-scheduler");

    // Retries record the event again (counted) but leave the unchanged condition alone.
    await eventually("a retry", async () => {
      const again = (await events("default", "huge")).find((e) => e.reason === "FailedScheduling");
      return again?.count >= 2 ? again : undefined;
    });
    const afterRetry = (await sim.get("/api/v1/namespaces/default/pods/huge")).body;
    assert.equal(afterRetry.metadata.resourceVersion, pending.metadata.resourceVersion);

    const capacity = { cpu: "128", memory: "512Gi", pods: "110" };
    await sim.create("/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "big-node", labels: { "kubernetes.io/hostname": "big-node" } },
      status: { capacity, allocatable: capacity },
    });
    const bound = await boundPod("default", "huge");
    assert.equal(bound.spec.nodeName, "big-node");
    assert.equal(scheduledCondition(bound).status, "True");
    assert.equal((await sim.request("DELETE", "/api/v1/nodes/big-node")).status, 200);
  });

  test("a pod waits for its claim to exist; a WaitForFirstConsumer claim lets it be scheduled", async () => {
    await createPod("default", "db", {
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
    });
    const pending = await sim.eventually(
      "/api/v1/namespaces/default/pods/db",
      (r) => scheduledCondition(r.body)?.reason === "Unschedulable",
    );
    assert.equal(
      scheduledCondition(pending).message,
      '0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    // The claim gets the default class, "standard", which binds WaitForFirstConsumer.
    await sim.create("/api/v1/namespaces/default/persistentvolumeclaims", {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    });
    assert.ok((await boundPod("default", "db")).spec.nodeName);
  });

  test("300 pods at once: all bound, no node past its allocatable; past 110 pods a node takes no more", async () => {
    await sim.create("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "bulk" },
    });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        sim.create("/api/v1/namespaces/bulk/pods", podBody(`p-${String(i).padStart(3, "0")}`, {}, "10m")),
      ),
    );
    const pods = await eventually(
      "300 pods bound",
      async () => {
        const all = await podsOf("bulk");
        return all.length === 300 && all.every((p) => p.spec.nodeName) ? all : undefined;
      },
      40_000,
    );
    const everything = async () => [...(await podsOf("default")), ...(await podsOf("bulk"))];
    const assertWithinAllocatable = async () => {
      const perNode = new Map<string, { pods: number; milliCpu: number }>();
      for (const p of await everything()) {
        if (!sim.nodes.includes(p.spec.nodeName)) continue;
        const use = perNode.get(p.spec.nodeName) ?? { pods: 0, milliCpu: 0 };
        const cpu = p.spec.containers[0].resources?.requests?.cpu ?? "0";
        use.pods++;
        use.milliCpu += cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
        perNode.set(p.spec.nodeName, use);
      }
      for (const [name, use] of perNode) {
        assert.ok(use.pods <= 110, `${name} runs ${use.pods} pods`);
        assert.ok(use.milliCpu <= 4000, `${name} has ${use.milliCpu}m requested`);
      }
      return perNode;
    };
    const perNode = await assertWithinAllocatable();
    assert.equal(perNode.size, 3, "every node took some of the pods");
    assert.ok(pods.length === 300);

    // Fill the cluster past 3 × 110 pods: the rest wait with "Too many pods".
    const onNodes = [...perNode.values()].reduce((sum, u) => sum + u.pods, 0);
    const extra = 330 - onNodes + 4;
    await Promise.all(
      Array.from({ length: extra }, (_, i) =>
        sim.create("/api/v1/namespaces/bulk/pods", podBody(`x-${i}`, {}, "10m")),
      ),
    );
    const waiting = await eventually("4 pods left waiting", async () => {
      const left = (await podsOf("bulk")).filter((p) => !p.spec.nodeName);
      const marked = left.filter((p) => scheduledCondition(p)?.reason === "Unschedulable");
      return left.length === 4 && marked.length === 4 ? marked : undefined;
    });
    assert.equal(
      scheduledCondition(waiting[0]).message,
      "0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    await assertWithinAllocatable();

    // Room freed on a node lets a waiting pod in.
    const victim = (await podsOf("bulk")).find((p) => p.spec.nodeName && sim.nodes.includes(p.spec.nodeName));
    const deleted = await sim.request("DELETE", `/api/v1/namespaces/bulk/pods/${victim.metadata.name}`, {
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
    });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    await eventually("3 pods left waiting", async () => {
      const left = (await podsOf("bulk")).filter((p) => !p.spec.nodeName);
      return left.length === 3 ? left : undefined;
    });
    await assertWithinAllocatable();
  });

  test("a higher-priority pod preempts a lower-priority one on a full node, then takes its place", async () => {
    // A built-in class: PriorityClass objects are not served here.
    const vip = await createPod(
      "kube-system",
      "vip",
      { priorityClassName: "system-cluster-critical" },
      "10m",
    );
    const nominated = await sim.eventually(
      "/api/v1/namespaces/kube-system/pods/vip",
      (r) => Boolean(r.body?.status?.nominatedNodeName),
      "vip nominated",
    );
    // Preemption found room: the message has no "preemption:" part.
    // (A retry while the victim terminates says why the pod does not preempt again.)
    assert.match(
      scheduledCondition(nominated).message,
      /^0\/3 nodes are available: 3 Too many pods\.( preemption: not eligible due to a terminating pod on the nominated node\.)?$/,
    );
    const node = nominated.status.nominatedNodeName;
    const victims = (await podsOf("bulk")).filter((p) => p.metadata.deletionTimestamp);
    assert.equal(victims.length, 1);
    const victim = victims[0];
    assert.equal(victim.spec.nodeName, node);
    const disruption = victim.status.conditions.find((c: Json) => c.type === "DisruptionTarget");
    assert.equal(disruption.reason, "PreemptionByScheduler");
    assert.equal(disruption.message, "default-scheduler: preempting to accommodate a higher priority pod");
    const preempted = await eventually("Preempted event", async () =>
      (await events("bulk", victim.metadata.name)).find((e) => e.reason === "Preempted"),
    );
    assert.equal(preempted.message, `Preempted by pod ${vip.metadata.uid} on node ${node}`);

    // The kubelet's part: the victim goes; the preemptor (first in line by priority) gets the room.
    await sim.finishPodDeletion("bulk", victim.metadata.name);
    const bound = await boundPod("kube-system", "vip");
    assert.equal(bound.spec.nodeName, node);
  });
});
