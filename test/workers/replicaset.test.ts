import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { replicasetController } from "../../workers/src/controllers/replicaset/controller.ts";
import type { TestRuntime } from "../fixtures/runtime.ts";
import { pollUntil, requestOk, startTestCluster, type TestCluster } from "./fixtures/sim-cluster.ts";

const POD_NAME = /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("replicaset controller", () => {
  let t: TestRuntime;
  let cluster: TestCluster;
  let clusterId: string;

  before(async () => {
    cluster = await startTestCluster("rs", ["replicaset"]);
    ({ t, clusterId } = cluster);
  });
  after(() => t.close());

  const request = (method: string, path: string, body?: unknown, contentType?: string) =>
    requestOk(cluster, method, path, body, contentType);
  const mergePatch = (path: string, body: unknown) =>
    request("PATCH", path, body, "application/merge-patch+json");

  const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000) =>
    pollUntil(what, check, timeoutMs);

  const namespace = async (name: string) => {
    await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    return name;
  };
  const replicaSet = (ns: string, replicas: number, templateSpec: Record<string, unknown> = {}) =>
    request("POST", `/apis/apps/v1/namespaces/${ns}/replicasets`, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web" },
      spec: {
        replicas,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web", tier: "front" }, annotations: { team: "blue" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.27" }], ...templateSpec },
        },
      },
    });
  const getReplicaSet = (ns: string) => request("GET", `/apis/apps/v1/namespaces/${ns}/replicasets/web`);
  const activePods = async (ns: string): Promise<KubeObject[]> =>
    ((await request("GET", `/api/v1/namespaces/${ns}/pods`)).items as KubeObject[]).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const podCount = (ns: string, n: number) =>
    eventually(`${n} pods in ${ns}`, async () => {
      const pods = await activePods(ns);
      return pods.length === n ? pods : undefined;
    });
  /** Plays the kubelet: the pod runs and is Ready. */
  const markReady = (ns: string, name: string) =>
    mergePatch(`/api/v1/namespaces/${ns}/pods/${name}/status`, {
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }],
      },
    });
  const events = async (ns: string) =>
    (await request("GET", `/api/v1/namespaces/${ns}/events`)).items as {
      reason: string;
      message: string;
      type: string;
      source: { component: string };
      involvedObject: { kind: string; name: string };
    }[];
  const podChanges = async (ns: string, fromRv: number) =>
    (await t.runtime.store.changesSince(clusterId, fromRv, 100_000)).filter(
      (c) => c.resource === "pods" && c.namespace === ns,
    );

  test("scaled to 40: nine SuccessfulCreate events, then one combined and counted, at most 25 writes", async () => {
    const ns = await namespace("many");
    await replicaSet(ns, 40);
    await podCount(ns, 40);
    const created = await eventually("the combined event", async () => {
      const all = (await events(ns)).filter((e) => e.reason === "SuccessfulCreate");
      return all.some((e) => e.message.startsWith("(combined")) ? all : undefined;
    });
    const single = created.filter((e) => e.message.startsWith("Created pod: "));
    const combined = created.filter((e) =>
      e.message.startsWith("(combined from similar events): Created pod: "),
    );
    assert.equal(single.length, 9, "nine pods named one by one, as kube-controller-manager's recorder does");
    assert.equal(combined.length, 1);
    // The rest of the 25 writes the recorder allows per object went to counting the combined one.
    const count = (combined[0] as unknown as { count: number }).count;
    assert.equal(count, 25 - 9);
  });

  test("creates spec.replicas pods from the template, named and controlled as upstream", async () => {
    const ns = await namespace("create");
    const rs = await replicaSet(ns, 3);
    const pods = await podCount(ns, 3);
    for (const pod of pods) {
      assert.match(pod.metadata.name ?? "", POD_NAME);
      assert.equal(pod.metadata.generateName, "web-");
      assert.deepEqual(pod.metadata.labels, { app: "web", tier: "front" });
      assert.deepEqual(pod.metadata.annotations, { team: "blue" });
      assert.deepEqual(pod.metadata.ownerReferences, [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web",
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      assert.equal((pod.spec as { containers: { image: string }[] }).containers[0]?.image, "nginx:1.27");
    }
    const status = await eventually("status.replicas 3", async () => {
      const s = (await getReplicaSet(ns)).status;
      return s.replicas === 3 ? s : undefined;
    });
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const created = (await events(ns)).filter((e) => e.reason === "SuccessfulCreate");
    assert.deepEqual(
      created.map((e) => e.message).sort(),
      pods.map((p) => `Created pod: ${p.metadata.name}`).sort(),
    );
    for (const e of created) {
      assert.equal(e.type, "Normal");
      assert.equal(e.source.component, "replicaset-controller");
      assert.deepEqual([e.involvedObject.kind, e.involvedObject.name], ["ReplicaSet", "web"]);
    }

    await markReady(ns, pods[0]!.metadata.name!);
    await markReady(ns, pods[1]!.metadata.name!);
    await eventually("2 ready", async () => {
      const s = (await getReplicaSet(ns)).status;
      return s.readyReplicas === 2 && s.availableReplicas === 2 ? s : undefined;
    });

    // Scaling down deletes the pod that is not ready before the ready ones.
    await mergePatch(`/apis/apps/v1/namespaces/${ns}/replicasets/web`, { spec: { replicas: 2 } });
    const left = await podCount(ns, 2);
    assert.deepEqual(
      left.map((p) => p.metadata.name).sort(),
      [pods[0]!.metadata.name, pods[1]!.metadata.name].sort(),
    );
    const deleted = await eventually("SuccessfulDelete", async () =>
      (await events(ns)).find((e) => e.reason === "SuccessfulDelete"),
    );
    assert.equal(deleted.message, `Deleted pod: ${pods[2]!.metadata.name}`);
    await eventually("status after scale down", async () => {
      const s = (await getReplicaSet(ns)).status;
      return s.replicas === 2 && s.observedGeneration === 2 ? s : undefined;
    });
  });

  test("a deleted pod is replaced", async () => {
    const ns = await namespace("replace");
    await replicaSet(ns, 2);
    const [victim] = await podCount(ns, 2);
    await request("DELETE", `/api/v1/namespaces/${ns}/pods/${victim!.metadata.name}`);
    await eventually("a replacement", async () => {
      const pods = await activePods(ns);
      return pods.length === 2 && pods.every((p) => p.metadata.name !== victim!.metadata.name)
        ? pods
        : undefined;
    });
  });

  test("adopts a matching orphan and releases a pod whose labels stop matching", async () => {
    const ns = await namespace("adopt");
    await request("POST", `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "stray", labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    });
    const rs = await replicaSet(ns, 2);
    const pods = await podCount(ns, 2);
    const stray = pods.find((p) => p.metadata.name === "stray");
    assert.ok(stray, "the orphan is one of the two pods");
    await eventually("the orphan adopted", async () => {
      const pod = await request("GET", `/api/v1/namespaces/${ns}/pods/stray`);
      return pod.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid ? pod : undefined;
    });

    await mergePatch(`/api/v1/namespaces/${ns}/pods/stray`, { metadata: { labels: { app: "other" } } });
    await eventually("stray released and replaced", async () => {
      const pod = await request("GET", `/api/v1/namespaces/${ns}/pods/stray`);
      const web = (await activePods(ns)).filter((p) => p.metadata.labels?.app === "web");
      return pod.metadata.ownerReferences === undefined && web.length === 2 ? true : undefined;
    });
  });

  test("minReadySeconds: a ready pod counts as available once it passed, with no other change", async () => {
    const ns = await namespace("minready");
    await request("POST", `/apis/apps/v1/namespaces/${ns}/replicasets`, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        minReadySeconds: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    const [pod] = await podCount(ns, 1);
    await markReady(ns, pod!.metadata.name!);
    const ready = await eventually("ready", async () => {
      const s = (await getReplicaSet(ns)).status;
      return s.readyReplicas === 1 ? s : undefined;
    });
    assert.equal(ready.availableReplicas, undefined);
    await eventually("available after minReadySeconds", async () => {
      const s = (await getReplicaSet(ns)).status;
      return s.availableReplicas === 1 ? s : undefined;
    });
  });

  test("pods that cannot be created: FailedCreate events and ReplicaFailure, cleared once it works", async () => {
    const ns = await namespace("failing");
    await replicaSet(ns, 2, { priorityClassName: "nope" });
    const failure = await eventually("ReplicaFailure", async () => {
      const conditions = (await getReplicaSet(ns)).status.conditions as
        | { type: string; status: string; reason: string; message: string }[]
        | undefined;
      return conditions?.find((c) => c.type === "ReplicaFailure");
    });
    assert.equal((failure as { status: string }).status, "True");
    assert.equal((failure as { reason: string }).reason, "FailedCreate");
    assert.match(
      (failure as { message: string }).message,
      /is forbidden: no PriorityClass with name nope was found$/,
    );
    const event = (await events(ns)).find((e) => e.reason === "FailedCreate");
    assert.equal(event?.type, "Warning");
    assert.match(event?.message ?? "", /^Error creating: pods "web-\w+" is forbidden: no PriorityClass/);

    await mergePatch(`/apis/apps/v1/namespaces/${ns}/replicasets/web`, {
      spec: { template: { spec: { priorityClassName: null } } },
    });
    await podCount(ns, 2);
    await eventually("ReplicaFailure removed", async () => {
      const s = (await getReplicaSet(ns)).status;
      return s.replicas === 2 && s.conditions === undefined ? s : undefined;
    });
  });

  test("racing reconciles of one ReplicaSet never create or delete more pods than asked", async () => {
    const ns = await namespace("race");
    const fromRv = (await t.runtime.store.versions(clusterId))!.rv;
    const key = { clusterId, controller: "replicaset", namespace: ns, name: "web" };
    // The queued worker races too; the direct calls below race with it and with each other.
    const race = () =>
      Promise.all(Array.from({ length: 6 }, () => replicasetController.reconcile(t.runtime, key)));

    await replicaSet(ns, 5);
    await race();
    await podCount(ns, 5);
    await sleep(300);
    let changes = await podChanges(ns, fromRv);
    assert.equal(changes.filter((c) => c.type === "ADDED").length, 5, "pods created in total");

    await mergePatch(`/apis/apps/v1/namespaces/${ns}/replicasets/web`, { spec: { replicas: 2 } });
    await race();
    await podCount(ns, 2);
    await sleep(300);
    changes = await podChanges(ns, fromRv);
    assert.equal(changes.filter((c) => c.type === "ADDED").length, 5, "no pod created while scaling down");
    assert.equal(changes.filter((c) => c.type === "DELETED").length, 3, "pods deleted in total");
  });
});
