import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventsAbout, type Json, type SimCluster, startSimCluster } from "./fixtures/sim-cluster.ts";

/**
 * The StatefulSet controller, with the volume binder for its claims. The test plays the scheduler
 * (binding) and the kubelet (pod status, finishing graceful deletions), as upstream's controller
 * integration tests do.
 */
describe("statefulset controller", () => {
  let sim: SimCluster;
  let node: string;
  const ns = "default";
  const sts = `/apis/apps/v1/namespaces/${ns}/statefulsets`;
  const pods = `/api/v1/namespaces/${ns}/pods`;
  const pvcs = `/api/v1/namespaces/${ns}/persistentvolumeclaims`;

  before(async () => {
    sim = await startSimCluster("sts", ["statefulset", "persistentvolume-binder"]);
    node = sim.nodes[0] as string;
  });
  after(() => sim.close());

  const statefulSet = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
      ...spec,
    },
  });

  const podExists = (name: string) => sim.eventually(`${pods}/${name}`, (r) => r.status === 200);
  const podGone = (name: string) => sim.eventually(`${pods}/${name}`, (r) => r.status === 404);
  /** The scheduler and the kubelet: bound, Running and Ready. */
  const run = async (name: string) => {
    const pod = await podExists(name);
    if (!pod.spec.nodeName) await sim.bindPod(ns, name, node);
    await sim.setPodRunning(ns, name);
  };
  const stsStatus = (name: string, ok: (s: Json) => boolean) =>
    sim.eventually(
      `${sts}/${name}`,
      (r) => r.status === 200 && ok(r.body.status ?? {}),
      `statefulset ${name} status`,
    );
  const names = async (app: string) =>
    ((await sim.get(`${pods}?labelSelector=app%3D${app}`)).body.items as Json[])
      .map((p) => p.metadata.name)
      .sort();

  test("OrderedReady: web-0 with its claim first, web-1 only once web-0 is Running and Ready", async () => {
    await sim.create(sts, statefulSet("web"));
    const web0 = await podExists("web-0");
    const set = await stsStatus("web", (s) => s.replicas === 1 && s.updateRevision);
    assert.deepEqual(await names("web"), ["web-0"], "web-1 must wait for web-0");

    assert.equal(web0.metadata.labels["statefulset.kubernetes.io/pod-name"], "web-0");
    assert.equal(web0.metadata.labels["apps.kubernetes.io/pod-index"], "0");
    assert.equal(web0.metadata.labels["controller-revision-hash"], set.status.updateRevision);
    assert.match(set.status.updateRevision, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(web0.spec.hostname, "web-0");
    assert.equal(web0.spec.subdomain, "web");
    assert.deepEqual(web0.spec.volumes.find((v: Json) => v.name === "data").persistentVolumeClaim, {
      claimName: "data-web-0",
    });
    assert.equal(web0.metadata.ownerReferences[0].kind, "StatefulSet");
    const claim = (await sim.get(`${pvcs}/data-web-0`)).body;
    assert.equal(claim.metadata.labels.app, "web");
    assert.equal(claim.metadata.ownerReferences, undefined, "Retain: the claim belongs to no one");

    await run("web-0");
    // Bound to a node, web-0 gets its volume (the default class waits for the first consumer).
    const bound = await sim.eventually(`${pvcs}/data-web-0`, (r) => r.body.status?.phase === "Bound");
    assert.equal(bound.metadata.annotations["volume.kubernetes.io/selected-node"], node);
    await podExists("web-1");
    assert.deepEqual(await names("web"), ["web-0", "web-1"]);
    await run("web-1");
    await run("web-2");
    const done = await stsStatus("web", (s) => s.readyReplicas === 3 && s.availableReplicas === 3);
    assert.equal(done.status.replicas, 3);
    assert.equal(done.status.currentReplicas, 3);
    assert.equal(done.status.updatedReplicas, 3);
    assert.equal(done.status.currentRevision, done.status.updateRevision);
    assert.equal(done.status.observedGeneration, done.metadata.generation);
    assert.equal(done.status.collisionCount, 0);

    const events = await eventsAbout(sim, ns, "web");
    assert.ok(
      events.includes("SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success"),
    );
    assert.ok(events.includes("SuccessfulCreate: create Pod web-0 in StatefulSet web successful"));
    const revisions = (await sim.get(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`)).body
      .items as Json[];
    assert.deepEqual(
      revisions.map((r) => [r.metadata.name, r.revision]),
      [[done.status.updateRevision, 1]],
    );
  });

  test("a deleted pod comes back with the same name and the same claim", async () => {
    const before = (await sim.get(`${pods}/web-1`)).body;
    const claim = (await sim.get(`${pvcs}/data-web-1`)).body;
    await sim.request("DELETE", `${pods}/web-1`);
    await sim.finishPodDeletion(ns, "web-1");
    const again = await sim.eventually(
      `${pods}/web-1`,
      (r) => r.status === 200 && r.body.metadata.uid !== before.metadata.uid,
    );
    assert.deepEqual(again.spec.volumes.find((v: Json) => v.name === "data").persistentVolumeClaim, {
      claimName: "data-web-1",
    });
    assert.equal((await sim.get(`${pvcs}/data-web-1`)).body.metadata.uid, claim.metadata.uid);
    await run("web-1");
    await stsStatus("web", (s) => s.readyReplicas === 3);
  });

  test("a rolling update replaces pods from the highest ordinal down, one at a time", async () => {
    const old = (await sim.get(`${sts}/web`)).body.status.currentRevision;
    const res = await sim.request(
      "PATCH",
      `${sts}/web`,
      { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.28" }] } } } },
      "application/strategic-merge-patch+json",
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const name of ["web-2", "web-1", "web-0"]) {
      const terminating = await sim.eventually(`${pods}/${name}`, (r) => r.body?.metadata?.deletionTimestamp);
      assert.equal(terminating.metadata.labels["controller-revision-hash"], old);
      // Nothing else is replaced while this one is down.
      for (const other of await names("web")) {
        if (other === name) continue;
        assert.equal((await sim.get(`${pods}/${other}`)).body.metadata.deletionTimestamp, undefined);
      }
      await sim.finishPodDeletion(ns, name);
      const replaced = await sim.eventually(
        `${pods}/${name}`,
        (r) => r.status === 200 && r.body.metadata.labels["controller-revision-hash"] !== old,
      );
      assert.equal(replaced.spec.containers[0].image, "nginx:1.28");
      await run(name);
    }
    const done = await stsStatus(
      "web",
      (s) => s.updatedReplicas === 3 && s.currentRevision === s.updateRevision && s.readyReplicas === 3,
    );
    assert.notEqual(done.status.updateRevision, old);
    const revisions = (await sim.get(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`)).body
      .items as Json[];
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [1, 2]);
  });

  test("scaling down removes the highest ordinal first and keeps the claims", async () => {
    const res = await sim.request(
      "PATCH",
      `${sts}/web`,
      { spec: { replicas: 1 } },
      "application/merge-patch+json",
    );
    assert.equal(res.status, 200);
    await sim.eventually(`${pods}/web-2`, (r) => r.body?.metadata?.deletionTimestamp);
    assert.equal((await sim.get(`${pods}/web-1`)).body.metadata.deletionTimestamp, undefined);
    await sim.finishPodDeletion(ns, "web-2");
    await sim.eventually(`${pods}/web-1`, (r) => r.body?.metadata?.deletionTimestamp);
    await sim.finishPodDeletion(ns, "web-1");
    await stsStatus("web", (s) => s.replicas === 1 && s.readyReplicas === 1);
    const claims = ((await sim.get(pvcs)).body.items as Json[]).map((c) => c.metadata.name).sort();
    assert.deepEqual(claims, ["data-web-0", "data-web-1", "data-web-2"]);
  });

  test("deleting the set removes its pods but keeps their claims (whenDeleted: Retain)", async () => {
    assert.equal((await sim.request("DELETE", `${sts}/web`)).status, 200);
    await sim.eventually(
      `${pods}/web-0`,
      (r) => r.status === 404 || Boolean(r.body.metadata.deletionTimestamp),
    );
    await sim.finishPodDeletion(ns, "web-0");
    await podGone("web-0");
    const claims = ((await sim.get(pvcs)).body.items as Json[]).filter((c) =>
      c.metadata.name.endsWith("-web-0"),
    );
    assert.equal(claims.length, 1);
    assert.equal(claims[0].metadata.deletionTimestamp, undefined);
    assert.equal(claims[0].status.phase, "Bound");
  });

  test("a partition keeps the lower ordinals at the current revision", async () => {
    await sim.create(
      sts,
      statefulSet("part", {
        replicas: 2,
        podManagementPolicy: "Parallel",
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } },
      }),
    );
    const first = await stsStatus("part", (s) => s.replicas === 2);
    const res = await sim.request(
      "PATCH",
      `${sts}/part`,
      { spec: { template: { metadata: { labels: { app: "part", tier: "v2" } } } } },
      "application/strategic-merge-patch+json",
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const rolled = await stsStatus("part", (s) => s.updatedReplicas === 1 && s.currentReplicas === 1);
    assert.equal(rolled.status.currentRevision, first.status.updateRevision);
    assert.notEqual(rolled.status.updateRevision, rolled.status.currentRevision);
    const revisionOf = async (name: string) =>
      (await sim.get(`${pods}/${name}`)).body.metadata.labels["controller-revision-hash"];
    assert.equal(await revisionOf("part-0"), rolled.status.currentRevision);
    assert.equal(await revisionOf("part-1"), rolled.status.updateRevision);
  });

  test("Parallel creates every pod at once; whenScaled: Delete removes the claims of removed pods", async () => {
    await sim.create(
      sts,
      statefulSet("par", {
        podManagementPolicy: "Parallel",
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Delete" },
      }),
    );
    await Promise.all(["par-0", "par-1", "par-2"].map(podExists));
    const res = await sim.request(
      "PATCH",
      `${sts}/par`,
      { spec: { replicas: 1 } },
      "application/merge-patch+json",
    );
    assert.equal(res.status, 200);
    await podGone("par-2");
    await podGone("par-1");
    // Owned by its scaled-down pod, the claim goes with it (kept Terminating while in use).
    await sim.eventually(
      `${pvcs}/data-par-2`,
      (r) => r.status === 404 || Boolean(r.body.metadata.deletionTimestamp),
    );
    const kept = (await sim.get(`${pvcs}/data-par-0`)).body;
    assert.equal(kept.metadata.deletionTimestamp, undefined);
  });
});
