import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventsAbout, type Json, type SimCluster, startSimCluster } from "./fixtures/sim-cluster.ts";

/**
 * The DaemonSet controller alone, on a three-node cluster. The test plays the scheduler (binding
 * each pod to the node its affinity names) and the kubelet (status, finishing graceful deletions).
 */
describe("daemonset controller", () => {
  let sim: SimCluster;
  const ns = "default";
  const dsPath = `/apis/apps/v1/namespaces/${ns}/daemonsets`;
  const pods = `/api/v1/namespaces/${ns}/pods`;

  before(async () => {
    sim = await startSimCluster("ds", ["daemonset"], 3);
  });
  after(() => sim.close());

  const daemonSet = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "agent", image: "fluentd:v1" }] },
      },
      ...spec,
    },
  });

  const pinnedNode = (pod: Json): string =>
    pod.spec.nodeName ??
    pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
      .matchFields[0].values[0];
  const live = async (app: string): Promise<Json[]> =>
    ((await sim.get(`${pods}?labelSelector=app%3D${app}`)).body.items as Json[]).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const waitPods = async (app: string, ok: (pods: Json[]) => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = await live(app);
      if (ok(found)) return found;
      if (Date.now() > deadline)
        assert.fail(`${what}: ${JSON.stringify(found.map((p) => [p.metadata.name, pinnedNode(p)]))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const nodesOf = (found: Json[]) => found.map(pinnedNode).sort();
  /** The scheduler and the kubelet for every pod of the set. */
  const runAll = async (app: string) => {
    for (const pod of await live(app)) {
      if (!pod.spec.nodeName) await sim.bindPod(ns, pod.metadata.name, pinnedNode(pod));
      await sim.setPodRunning(ns, pod.metadata.name);
    }
  };
  const dsStatus = (name: string, ok: (s: Json) => boolean) =>
    sim.eventually(
      `${dsPath}/${name}`,
      (r) => r.status === 200 && ok(r.body.status ?? {}),
      `daemonset ${name}`,
    );
  const patchNode = async (name: string, patch: unknown) => {
    const res = await sim.request("PATCH", `/api/v1/nodes/${name}`, patch, "application/merge-patch+json");
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  test("one pod per node, pinned by node affinity, with the daemon tolerations", async () => {
    await sim.create(dsPath, daemonSet("agent"));
    const created = await waitPods("agent", (p) => p.length === 3, "three pods");
    assert.deepEqual(nodesOf(created), [...sim.nodes].sort());
    const pod = created[0];
    assert.equal(pod.spec.nodeName, undefined, "the scheduler binds daemon pods");
    assert.match(pod.metadata.name, /^agent-[a-z0-9]{5}$/);
    assert.equal(pod.metadata.ownerReferences[0].kind, "DaemonSet");
    assert.equal(pod.metadata.labels["pod-template-generation"], "1");
    const tolerations = pod.spec.tolerations.map((t: Json) => `${t.key}:${t.effect}`);
    for (const expected of [
      "node.kubernetes.io/not-ready:NoExecute",
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule",
      "node.kubernetes.io/pid-pressure:NoSchedule",
      "node.kubernetes.io/unschedulable:NoSchedule",
    ]) {
      assert.ok(tolerations.includes(expected), `missing toleration ${expected}`);
    }
    await dsStatus("agent", (s) => s.desiredNumberScheduled === 3 && s.currentNumberScheduled === 3);

    await runAll("agent");
    const ready = await dsStatus("agent", (s) => s.numberReady === 3 && s.numberAvailable === 3);
    assert.equal(ready.status.updatedNumberScheduled, 3);
    assert.equal(ready.status.numberMisscheduled, 0);
    assert.equal(ready.status.numberUnavailable, undefined);
    assert.equal(ready.status.observedGeneration, ready.metadata.generation);
    const revisions = (await sim.get(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`)).body
      .items as Json[];
    assert.equal(revisions.length, 1);
    assert.equal(
      pod.metadata.labels["controller-revision-hash"],
      revisions[0].metadata.labels["controller-revision-hash"],
    );
    assert.equal(revisions[0].metadata.name, `agent-${pod.metadata.labels["controller-revision-hash"]}`);
    const events = await eventsAbout(sim, ns, "agent");
    assert.ok(events.includes(`SuccessfulCreate: Created pod: ${pod.metadata.name}`), JSON.stringify(events));
  });

  test("pods follow the nodes: taints, a new node, a deleted node", async () => {
    const [first, second] = sim.nodes as [string, string];
    // NoSchedule keeps the running pod (misscheduled); NoExecute evicts it.
    await patchNode(second, { spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] } });
    await dsStatus("agent", (s) => s.desiredNumberScheduled === 2 && s.numberMisscheduled === 1);
    assert.equal((await live("agent")).length, 3);
    await patchNode(second, { spec: { taints: [{ key: "dedicated", value: "db", effect: "NoExecute" }] } });
    const leaving = await sim.eventually(`${pods}?labelSelector=app%3Dagent`, (r) =>
      r.body.items.some((p: Json) => p.metadata.deletionTimestamp && pinnedNode(p) === second),
    );
    const gone = leaving.items.find((p: Json) => p.metadata.deletionTimestamp);
    await sim.finishPodDeletion(ns, gone.metadata.name);
    await dsStatus("agent", (s) => s.desiredNumberScheduled === 2 && s.numberMisscheduled === 0);
    await patchNode(second, { spec: { taints: null } });
    await waitPods("agent", (p) => nodesOf(p).includes(second), "the pod returns once the taint is gone");
    await runAll("agent");

    await sim.create("/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "extra", labels: { "kubernetes.io/hostname": "extra", "kubernetes.io/os": "linux" } },
    });
    await waitPods("agent", (p) => nodesOf(p).includes("extra"), "a pod on the new node");
    await runAll("agent");
    await dsStatus("agent", (s) => s.desiredNumberScheduled === 4 && s.numberReady === 4);

    assert.equal((await sim.request("DELETE", "/api/v1/nodes/extra")).status, 200);
    await waitPods(
      "agent",
      (p) => !nodesOf(p).includes("extra") && p.length === 3,
      "the pod of the deleted node goes",
    );
    const settled = await dsStatus(
      "agent",
      (s) => s.desiredNumberScheduled === 3 && s.currentNumberScheduled === 3,
    );
    assert.equal(settled.status.numberMisscheduled, 0);
    assert.ok(nodesOf(await live("agent")).includes(first));
  });

  test("a template change rolls out one node at a time (maxUnavailable 1)", async () => {
    const before = await live("agent");
    const oldHash = before[0].metadata.labels["controller-revision-hash"];
    const res = await sim.request(
      "PATCH",
      `${dsPath}/agent`,
      { spec: { template: { spec: { containers: [{ name: "agent", image: "fluentd:v2" }] } } } },
      "application/strategic-merge-patch+json",
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (let round = 0; round < 3; round++) {
      const all = await sim.eventually(`${pods}?labelSelector=app%3Dagent`, (r) =>
        r.body.items.some((p: Json) => p.metadata.deletionTimestamp),
      );
      const terminating = (all.items as Json[]).filter((p) => p.metadata.deletionTimestamp);
      assert.equal(terminating.length, 1, "one node at a time");
      assert.equal(terminating[0].metadata.labels["controller-revision-hash"], oldHash);
      await sim.finishPodDeletion(ns, terminating[0].metadata.name);
      const node = pinnedNode(terminating[0]);
      await waitPods(
        "agent",
        (p) =>
          p.some((x) => pinnedNode(x) === node && x.metadata.labels["controller-revision-hash"] !== oldHash),
        `a new pod on ${node}`,
      );
      await runAll("agent");
    }
    const done = await dsStatus("agent", (s) => s.updatedNumberScheduled === 3 && s.numberAvailable === 3);
    assert.equal(done.metadata.annotations["deprecated.daemonset.template.generation"], "2");
    const images = (await live("agent")).map((p) => p.spec.containers[0].image);
    assert.deepEqual(images, ["fluentd:v2", "fluentd:v2", "fluentd:v2"]);
    const revisions = (await sim.get(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`)).body
      .items as Json[];
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [1, 2]);
  });

  test("a nodeSelector limits the set to matching nodes, and labelling a node adds it", async () => {
    const [first, second] = sim.nodes as [string, string];
    await patchNode(first, { metadata: { labels: { disk: "ssd" } } });
    await sim.create(
      dsPath,
      daemonSet("ssd", {
        template: {
          metadata: { labels: { app: "ssd" } },
          spec: { nodeSelector: { disk: "ssd" }, containers: [{ name: "agent", image: "busybox" }] },
        },
      }),
    );
    await waitPods("ssd", (p) => p.length === 1, "one pod on the ssd node");
    assert.deepEqual(nodesOf(await live("ssd")), [first]);
    await dsStatus("ssd", (s) => s.desiredNumberScheduled === 1);
    await patchNode(second, { metadata: { labels: { disk: "ssd" } } });
    await waitPods("ssd", (p) => p.length === 2, "a pod on the newly labelled node");
    assert.deepEqual(nodesOf(await live("ssd")), [first, second].sort());
  });
});
