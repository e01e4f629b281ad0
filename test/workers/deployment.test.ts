import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import type { Change } from "../../apps/api/src/kube/store/types.ts";
import { call, type TestRuntime } from "../fixtures/runtime.ts";
import { pollUntil, requestOk, startTestCluster, type TestCluster } from "./fixtures/sim-cluster.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HASH = "[bcdfghjklmnpqrstvwxz2456789]{6,10}";

// biome-ignore lint/suspicious/noExplicitAny: tests read API answers field by field and assert each one.
type Json = any;

describe("deployment controller", () => {
  let t: TestRuntime;
  let cluster: TestCluster;
  let token: string;
  let clusterId: string;
  let k8s: string;
  const kubelets: { stop: boolean }[] = [];

  before(async () => {
    cluster = await startTestCluster("deploy", ["deployment", "replicaset"]);
    ({ t, token, clusterId, base: k8s } = cluster);
  });
  after(async () => {
    for (const k of kubelets) k.stop = true;
    await t.close();
  });

  const request = (method: string, path: string, body?: unknown, contentType?: string): Promise<Json> =>
    requestOk(cluster, method, path, body, contentType);
  const mergePatch = (path: string, body: unknown) =>
    request("PATCH", path, body, "application/merge-patch+json");

  const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000) =>
    pollUntil(what, check, timeoutMs, true);

  const namespace = async (name: string) => {
    await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    return name;
  };
  const deployment = (ns: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) =>
    request("POST", `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", ...(annotations ? { annotations } : {}) },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.26" }] },
        },
        ...spec,
      },
    });
  const getDeployment = (ns: string): Promise<Json> =>
    request("GET", `/apis/apps/v1/namespaces/${ns}/deployments/web`);
  const replicaSets = async (ns: string): Promise<Json[]> =>
    (await request("GET", `/apis/apps/v1/namespaces/${ns}/replicasets`)).items;
  const pods = async (ns: string): Promise<Json[]> =>
    ((await request("GET", `/api/v1/namespaces/${ns}/pods`)).items as Json[]).filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const events = async (ns: string): Promise<Json[]> =>
    (await request("GET", `/api/v1/namespaces/${ns}/events`)).items;
  const setImage = (ns: string, image: string) =>
    mergePatch(`/apis/apps/v1/namespaces/${ns}/deployments/web`, {
      spec: { template: { spec: { containers: [{ name: "nginx", image }] } } },
    });
  const condition = (d: Json, type: string) => (d.status.conditions ?? []).find((c: Json) => c.type === type);
  const revisionOf = (rs: Json) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"];

  /**
   * Plays the kubelet for a namespace: every pod (the `ready` filter allowing) turns Running and
   * Ready, as a kubelet reports through pods/status.
   */
  const kubelet = (ns: string, ready: (pod: Json) => boolean = () => true) => {
    const handle = { stop: false };
    kubelets.push(handle);
    void (async () => {
      while (!handle.stop) {
        const res = await call(t.app, "GET", `${k8s}/api/v1/namespaces/${ns}/pods`, { token }).catch(
          () => undefined,
        );
        for (const pod of (res?.body?.items ?? []) as Json[]) {
          const isReady = pod.status?.conditions?.some(
            (c: Json) => c.type === "Ready" && c.status === "True",
          );
          if (handle.stop || isReady || pod.metadata.deletionTimestamp || !ready(pod)) continue;
          await call(t.app, "PATCH", `${k8s}/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`, {
            token,
            rawBody: JSON.stringify({
              status: {
                phase: "Running",
                conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date().toISOString() }],
              },
            }),
            headers: { "content-type": "application/merge-patch+json" },
          }).catch(() => undefined);
        }
        await sleep(40);
      }
    })();
    return handle;
  };

  /** `kubectl rollout status` succeeds: every counter says the rollout is complete. */
  const rolledOut = (ns: string, replicas: number) =>
    eventually(`rollout of ${ns}`, async () => {
      const d = await getDeployment(ns);
      const s = d.status;
      const done =
        s.observedGeneration >= d.metadata.generation &&
        s.updatedReplicas === replicas &&
        s.replicas === replicas &&
        s.availableReplicas === replicas &&
        condition(d, "Progressing")?.reason === "NewReplicaSetAvailable";
      return done ? d : undefined;
    });

  const changesSince = async (fromRv: number): Promise<Change[]> =>
    t.runtime.store.changesSince(clusterId, fromRv, 100_000);
  const currentRv = async () => (await t.runtime.store.versions(clusterId))!.rv;

  test("a new Deployment gets a ReplicaSet named after its template hash, pods, status and events", async () => {
    const ns = await namespace("create");
    kubelet(ns);
    const created = await deployment(ns, {}, { "kubernetes.io/change-cause": "first" });
    const d = await rolledOut(ns, 3);
    const [rs] = await replicaSets(ns);
    const hash = rs.metadata.labels["pod-template-hash"];
    assert.match(rs.metadata.name, new RegExp(`^web-${HASH}$`));
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual(rs.spec.selector, { matchLabels: { app: "web", "pod-template-hash": hash } });
    assert.deepEqual(rs.spec.template.metadata.labels, { app: "web", "pod-template-hash": hash });
    assert.deepEqual(rs.metadata.ownerReferences, [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: created.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.deepEqual(rs.metadata.annotations, {
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
      "kubernetes.io/change-cause": "first",
    });
    for (const pod of await pods(ns)) {
      assert.match(pod.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(pod.metadata.labels["pod-template-hash"], hash);
    }
    assert.equal(d.metadata.generation, 1);
    assert.deepEqual(
      { ...d.status, conditions: undefined },
      {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: undefined,
      },
    );
    const available = condition(d, "Available");
    assert.deepEqual(
      [available.status, available.reason, available.message],
      ["True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
    );
    const progressing = condition(d, "Progressing");
    assert.deepEqual(
      [progressing.status, progressing.reason, progressing.message],
      ["True", "NewReplicaSetAvailable", `ReplicaSet "${rs.metadata.name}" has successfully progressed.`],
    );
    const scaling = (await events(ns)).filter((e) => e.reason === "ScalingReplicaSet");
    assert.deepEqual(
      scaling.map((e) => [e.type, e.source.component, e.involvedObject.kind, e.message]),
      [
        [
          "Normal",
          "deployment-controller",
          "Deployment",
          `Scaled up replica set ${rs.metadata.name} from 0 to 3`,
        ],
      ],
    );
    const podEvents = (await events(ns)).filter((e) => e.reason === "SuccessfulCreate");
    assert.equal(podEvents.length, 3);
  });

  test("the Deployment carries deployment.kubernetes.io/revision (written with its status)", async () => {
    const revision = await eventually("the revision annotation", async () => {
      const d = await getDeployment("create");
      return d.metadata.annotations?.["deployment.kubernetes.io/revision"] as string | undefined;
    });
    assert.equal(revision, "1");
  });

  test("a rolling update stays within maxSurge and maxUnavailable at every moment, and records revisions", async () => {
    const ns = await namespace("rolling");
    kubelet(ns);
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
    await deployment(ns, { replicas: 4, strategy });
    await rolledOut(ns, 4);
    const fromRv = await currentRv();
    // The state the replay starts from (steady: the first rollout is complete).
    const replicasOf = new Map<string, number>(
      (await replicaSets(ns)).map((rs) => [rs.metadata.name, rs.spec.replicas]),
    );
    const live = new Map<string, KubeObject>((await pods(ns)).map((p) => [p.metadata.name, p]));
    await setImage(ns, "nginx:1.27");
    await rolledOut(ns, 4);

    const sets = await replicaSets(ns);
    assert.equal(sets.length, 2);
    const [oldRS, newRS] = [...sets].sort((a, b) => Number(revisionOf(a)) - Number(revisionOf(b)));
    assert.deepEqual([revisionOf(oldRS), revisionOf(newRS)], ["1", "2"]);
    assert.deepEqual([oldRS.spec.replicas, newRS.spec.replicas], [0, 4]);
    for (const pod of await pods(ns)) assert.equal(pod.spec.containers[0].image, "nginx:1.27");

    // Replay every change of the rollout: the bounds must hold after each one.
    let checked = 0;
    for (const change of await changesSince(fromRv)) {
      if (change.namespace !== ns) continue;
      if (change.resource === "replicasets")
        replicasOf.set(change.name, (change.object.spec as Json).replicas);
      if (change.resource === "pods") {
        if (change.type === "DELETED" || change.object.metadata.deletionTimestamp) live.delete(change.name);
        else live.set(change.name, change.object);
      }
      const total = [...replicasOf.values()].reduce((a, b) => a + b, 0);
      assert.ok(total <= 4 + 1, `ReplicaSets ask for ${total} pods at rv ${change.rv}`);
      const ready = [...live.values()].filter((p) =>
        ((p.status as Json)?.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True"),
      ).length;
      assert.ok(ready >= 4 - 1, `only ${ready} ready pods at rv ${change.rv}`);
      if (change.resource === "pods" && change.type === "ADDED") {
        const owner = change.object.metadata.ownerReferences?.[0]?.name ?? "";
        const owned = [...live.values()].filter(
          (p) => p.metadata.ownerReferences?.[0]?.name === owner,
        ).length;
        assert.ok(owned <= (replicasOf.get(owner) ?? 0), `${owner} has ${owned} pods at rv ${change.rv}`);
      }
      checked++;
    }
    assert.ok(checked > 20, `only ${checked} changes replayed`);
    const messages = (await events(ns)).filter((e) => e.reason === "ScalingReplicaSet").map((e) => e.message);
    const scaledDown = new RegExp(`^Scaled down replica set ${oldRS.metadata.name} from \\d+ to 0$`);
    assert.ok(
      messages.some((m) => scaledDown.test(m)),
      messages.join("\n"),
    );
  });

  test("kubectl rollout undo (its template patch) makes the old ReplicaSet the new one, with the next revision", async () => {
    const ns = "rolling";
    const [first] = (await replicaSets(ns)).filter((rs) => revisionOf(rs) === "1");
    const template = structuredClone(first.spec.template);
    delete template.metadata.labels["pod-template-hash"];
    // What kubectl 1.32's DeploymentRollbacker sends: a JSON patch of the template and annotations.
    const annotations = Object.fromEntries(
      Object.entries(first.metadata.annotations as Record<string, string>).filter(
        ([k]) => !k.startsWith("deployment.kubernetes.io/"),
      ),
    );
    await request(
      "PATCH",
      `/apis/apps/v1/namespaces/${ns}/deployments/web`,
      [
        { op: "replace", path: "/spec/template", value: template },
        { op: "replace", path: "/metadata/annotations", value: annotations },
      ],
      "application/json-patch+json",
    );
    await rolledOut(ns, 4);
    const sets = await replicaSets(ns);
    assert.equal(sets.length, 2, "no third ReplicaSet");
    const reused = sets.find((rs) => rs.metadata.uid === first.metadata.uid);
    assert.equal(revisionOf(reused), "3");
    assert.equal(reused.metadata.annotations["deployment.kubernetes.io/revision-history"], "1");
    assert.equal(reused.spec.replicas, 4);
    for (const pod of await pods(ns)) assert.equal(pod.spec.containers[0].image, "nginx:1.26");
  });

  test("revisionHistoryLimit: old ReplicaSets beyond it are deleted once scaled down", async () => {
    const ns = await namespace("history");
    kubelet(ns);
    await deployment(ns, { replicas: 1, revisionHistoryLimit: 1 });
    await rolledOut(ns, 1);
    for (const image of ["nginx:1.27", "nginx:1.28"]) {
      await setImage(ns, image);
      await rolledOut(ns, 1);
    }
    const sets = await eventually("history trimmed to 1 old ReplicaSet", async () => {
      const all = await replicaSets(ns);
      return all.length === 2 ? all : undefined;
    });
    assert.deepEqual(sets.map(revisionOf).sort(), ["2", "3"]);
  });

  test("kubectl rollout restart: the restartedAt template annotation makes a new ReplicaSet", async () => {
    const ns = "history";
    const before = await replicaSets(ns);
    await mergePatch(`/apis/apps/v1/namespaces/${ns}/deployments/web`, {
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } },
        },
      },
    });
    await rolledOut(ns, 1);
    const fresh = (await replicaSets(ns)).find(
      (rs) => !before.some((b) => b.metadata.uid === rs.metadata.uid),
    );
    assert.ok(fresh, "a new ReplicaSet");
    assert.equal(revisionOf(fresh), "4");
    assert.ok(fresh.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]);
  });

  test("pause holds template changes back (DeploymentPaused); resume rolls them out (DeploymentResumed)", async () => {
    const ns = await namespace("pause");
    kubelet(ns);
    await deployment(ns, { replicas: 2 });
    await rolledOut(ns, 2);
    await mergePatch(`/apis/apps/v1/namespaces/${ns}/deployments/web`, { spec: { paused: true } });
    const paused = await eventually("DeploymentPaused", async () => {
      const d = await getDeployment(ns);
      return condition(d, "Progressing")?.reason === "DeploymentPaused" ? d : undefined;
    });
    assert.deepEqual(
      [condition(paused, "Progressing").status, condition(paused, "Progressing").message],
      ["Unknown", "Deployment is paused"],
    );
    await setImage(ns, "nginx:1.27");
    await eventually("the paused generation observed", async () => {
      const d = await getDeployment(ns);
      return d.status.observedGeneration === d.metadata.generation ? d : undefined;
    });
    await sleep(300);
    assert.equal((await replicaSets(ns)).length, 1, "no rollout while paused");

    const resumedRv = await currentRv();
    await mergePatch(`/apis/apps/v1/namespaces/${ns}/deployments/web`, { spec: { paused: false } });
    await rolledOut(ns, 2);
    assert.equal((await replicaSets(ns)).length, 2);
    const reasons = (await changesSince(resumedRv))
      .filter((c) => c.resource === "deployments" && c.namespace === ns)
      .map(
        (c) =>
          ((c.object.status as Json).conditions ?? []).find((x: Json) => x.type === "Progressing")?.reason,
      );
    assert.ok(reasons.includes("DeploymentResumed"), reasons.join(","));
  });

  test("Recreate: every old pod is gone before a new one is created", async () => {
    const ns = await namespace("recreate");
    kubelet(ns);
    await deployment(ns, { replicas: 3, strategy: { type: "Recreate" } });
    await rolledOut(ns, 3);
    const fromRv = await currentRv();
    await setImage(ns, "nginx:1.27");
    await rolledOut(ns, 3);
    const live = new Map<string, string>();
    for (const change of await changesSince(fromRv)) {
      if (change.namespace !== ns || change.resource !== "pods") continue;
      const image = (change.object.spec as Json).containers[0].image;
      if (change.type === "DELETED" || change.object.metadata.deletionTimestamp) live.delete(change.name);
      else live.set(change.name, image);
      const images = new Set(live.values());
      assert.ok(images.size <= 1, `old and new pods together at rv ${change.rv}`);
    }
    const messages = (await events(ns)).filter((e) => e.reason === "ScalingReplicaSet").map((e) => e.message);
    assert.equal(messages.filter((m) => m.startsWith("Scaled up replica set")).length, 2);
    assert.ok(
      messages.some((m) => /^Scaled down replica set web-\w+ from 3 to 0$/.test(m)),
      messages.join("\n"),
    );
  });

  test("progressDeadlineSeconds: pods that never get ready end in ProgressDeadlineExceeded", async () => {
    const ns = await namespace("deadline");
    await deployment(ns, { replicas: 1, progressDeadlineSeconds: 2 });
    const d = await eventually(
      "ProgressDeadlineExceeded",
      async () => {
        const current = await getDeployment(ns);
        return condition(current, "Progressing")?.reason === "ProgressDeadlineExceeded" ? current : undefined;
      },
      10_000,
    );
    const [rs] = await replicaSets(ns);
    const progressing = condition(d, "Progressing");
    assert.equal(progressing.status, "False");
    assert.equal(progressing.message, `ReplicaSet "${rs.metadata.name}" has timed out progressing.`);
    assert.deepEqual(
      [condition(d, "Available").status, condition(d, "Available").reason],
      ["False", "MinimumReplicasUnavailable"],
    );
    assert.equal(d.status.unavailableReplicas, 1);
  });

  test("ReplicaFailure of the ReplicaSet shows on the Deployment", async () => {
    const ns = await namespace("failure");
    await deployment(ns, {
      replicas: 1,
      template: {
        metadata: { labels: { app: "web" } },
        spec: { priorityClassName: "nope", containers: [{ name: "nginx", image: "nginx" }] },
      },
    });
    const failure = await eventually("ReplicaFailure", async () =>
      condition(await getDeployment(ns), "ReplicaFailure"),
    );
    assert.deepEqual([failure.status, failure.reason], ["True", "FailedCreate"]);
    assert.match(failure.message, /no PriorityClass with name nope was found/);
  });

  test("kubectl scale during a stuck rollout scales old and new ReplicaSets proportionally", async () => {
    const ns = await namespace("proportional");
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    const handle = kubelet(ns, (pod) => pod.spec.containers[0].image === "nginx:1.26");
    await deployment(ns, { replicas: 10, strategy });
    await rolledOut(ns, 10);
    await setImage(ns, "nginx:sometag");
    // The documented example: the new pods never get ready, so the rollout stops at 8 old + 5 new.
    const stuck = await eventually("8 old and 5 new", async () => {
      const sets = await replicaSets(ns);
      const sizes = sets.map((rs) => rs.spec.replicas).sort((a, b) => a - b);
      return sizes.join(",") === "5,8" ? sets : undefined;
    });
    await sleep(300);
    assert.deepEqual(
      (await replicaSets(ns)).map((rs) => rs.spec.replicas).sort((a, b) => a - b),
      [5, 8],
      "the rollout stays stuck",
    );
    await request("PUT", `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`, {
      apiVersion: "autoscaling/v1",
      kind: "Scale",
      metadata: { name: "web", namespace: ns },
      spec: { replicas: 15 },
    });
    const oldName = stuck.find((rs) => rs.spec.replicas === 8).metadata.name;
    await eventually("3 more old and 2 more new", async () => {
      const sets = await replicaSets(ns);
      const old = sets.find((rs) => rs.metadata.name === oldName);
      const fresh = sets.find((rs) => rs.metadata.name !== oldName);
      return old.spec.replicas === 11 && fresh.spec.replicas === 7 ? sets : undefined;
    });
    handle.stop = true;
  });
});
