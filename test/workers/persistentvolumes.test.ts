import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventsAbout, type SimCluster, startSimCluster } from "./fixtures/sim-cluster.ts";

/**
 * The persistent volume binder alone (with its simulated provisioner and the pvc/pv-protection
 * controllers). The test plays the scheduler by binding pods.
 */
describe("persistentvolume binder", () => {
  let sim: SimCluster;
  let node: string;
  const ns = "default";
  const pvcs = `/api/v1/namespaces/${ns}/persistentvolumeclaims`;
  const pvs = "/api/v1/persistentvolumes";
  const pods = `/api/v1/namespaces/${ns}/pods`;

  before(async () => {
    sim = await startSimCluster("pv", ["persistentvolume-binder"]);
    node = sim.nodes[0] as string;
  });
  after(() => sim.close());

  const claim = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, ...spec },
  });
  const volume = (name: string, storage: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: {
      accessModes: ["ReadWriteOnce"],
      capacity: { storage },
      storageClassName: "",
      hostPath: { path: `/tmp/${name}` },
      ...spec,
    },
  });
  const podUsing = (name: string, claimName: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      containers: [{ name: "app", image: "busybox", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName } }],
    },
  });
  const phase = (path: string, wanted: string) =>
    sim.eventually(path, (r) => r.status === 200 && r.body.status?.phase === wanted, `${path} ${wanted}`);
  const gone = (path: string) => sim.eventually(path, (r) => r.status === 404, `${path} gone`);
  const eventually = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(what);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const hasEvent = (name: string, event: string) =>
    eventually(async () => (await eventsAbout(sim, ns, name)).includes(event), `${name}: no "${event}"`);

  test("new clusters have kind's default StorageClass; claims get it and the pvc-protection finalizer", async () => {
    const standard = (await sim.get("/apis/storage.k8s.io/v1/storageclasses/standard")).body;
    assert.equal(standard.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
    assert.equal(standard.provisioner, "rancher.io/local-path");
    assert.equal(standard.reclaimPolicy, "Delete");
    assert.equal(standard.volumeBindingMode, "WaitForFirstConsumer");
    const created = await sim.create(pvcs, claim("data"));
    assert.equal(created.spec.storageClassName, "standard");
    assert.deepEqual(created.metadata.finalizers, ["kubernetes.io/pvc-protection"]);
    const none = await sim.create(pvcs, claim("no-class", { storageClassName: "" }));
    assert.equal(none.spec.storageClassName, "", "an explicit empty class stays");
  });

  test("WaitForFirstConsumer: Pending until a pod using the claim is bound, then provisioned and Bound", async () => {
    await hasEvent("data", "WaitForFirstConsumer: waiting for first consumer to be created before binding");
    assert.equal((await sim.get(`${pvcs}/data`)).body.status.phase, "Pending");
    await sim.create(pods, podUsing("app", "data"));
    await hasEvent("data", "WaitForPodScheduled: waiting for pod app to be scheduled");
    assert.equal((await sim.get(`${pvcs}/data`)).body.status.phase, "Pending");

    await sim.bindPod(ns, "app", node);
    const bound = await phase(`${pvcs}/data`, "Bound");
    const pvName = `pvc-${bound.metadata.uid}`;
    assert.equal(bound.spec.volumeName, pvName);
    assert.deepEqual(bound.status.capacity, { storage: "1Gi" });
    assert.deepEqual(bound.status.accessModes, ["ReadWriteOnce"]);
    const annotations = bound.metadata.annotations;
    assert.equal(annotations["pv.kubernetes.io/bind-completed"], "yes");
    assert.equal(annotations["pv.kubernetes.io/bound-by-controller"], "yes");
    assert.equal(annotations["volume.kubernetes.io/selected-node"], node);
    assert.equal(annotations["volume.kubernetes.io/storage-provisioner"], "rancher.io/local-path");
    assert.equal(annotations["volume.beta.kubernetes.io/storage-provisioner"], "rancher.io/local-path");

    const pv = await phase(`${pvs}/${pvName}`, "Bound");
    assert.equal(pv.spec.claimRef.uid, bound.metadata.uid);
    assert.equal(pv.spec.claimRef.name, "data");
    assert.equal(pv.spec.storageClassName, "standard");
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, "Delete");
    assert.deepEqual(pv.spec.capacity, { storage: "1Gi" });
    assert.equal(pv.spec.hostPath.path, `/var/local-path-provisioner/${pvName}_default_data`);
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0], {
      key: "kubernetes.io/hostname",
      operator: "In",
      values: [node],
    });
    assert.equal(pv.metadata.annotations["pv.kubernetes.io/provisioned-by"], "rancher.io/local-path");
    assert.deepEqual(pv.metadata.finalizers, ["kubernetes.io/pv-protection"]);
    const events = await eventsAbout(sim, ns, "data");
    assert.ok(
      events.some((e) =>
        e.startsWith(
          "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path'",
        ),
      ),
    );
    assert.ok(
      events.includes('Provisioning: External provisioner is provisioning volume for claim "default/data"'),
    );
    assert.ok(events.includes(`ProvisioningSucceeded: Successfully provisioned volume ${pvName}`));
  });

  test("a claim in use stays until its pod is gone; then its Delete-policy volume is deleted", async () => {
    const pvName = (await sim.get(`${pvcs}/data`)).body.spec.volumeName;
    assert.equal((await sim.request("DELETE", `${pvcs}/data`)).status, 200);
    const terminating = (await sim.get(`${pvcs}/data`)).body;
    assert.ok(terminating.metadata.deletionTimestamp, "kept while the pod uses it");
    // A negative: nothing to wait for but the binder's pass over the deletion.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await sim.get(`${pvcs}/data`)).status, 200);
    assert.equal((await sim.get(`${pvs}/${pvName}`)).body.status.phase, "Bound");

    await sim.request("DELETE", `${pods}/app`);
    await sim.finishPodDeletion(ns, "app");
    await gone(`${pvcs}/data`);
    await gone(`${pvs}/${pvName}`);
  });

  test("pre-created volumes bind at once by class, size and access modes; the smallest that fits", async () => {
    await sim.create(pvs, volume("small", "1Gi", { persistentVolumeReclaimPolicy: "Retain" }));
    await sim.create(pvs, volume("big", "5Gi", { persistentVolumeReclaimPolicy: "Delete" }));
    await sim.create(pvs, volume("shared", "1Gi", { accessModes: ["ReadWriteMany"] }));
    await sim.create(pvs, volume("manual", "1Gi", { storageClassName: "manual" }));
    await phase(`${pvs}/small`, "Available");
    await phase(`${pvs}/big`, "Available");

    await sim.create(
      pvcs,
      claim("one", { storageClassName: "", resources: { requests: { storage: "500Mi" } } }),
    );
    const one = await phase(`${pvcs}/one`, "Bound");
    assert.equal(one.spec.volumeName, "small");
    assert.deepEqual(one.status.capacity, { storage: "1Gi" }, "the volume's size, not the request");
    const small = await phase(`${pvs}/small`, "Bound");
    assert.equal(small.metadata.annotations["pv.kubernetes.io/bound-by-controller"], "yes");
    assert.equal(small.spec.claimRef.uid, one.metadata.uid);

    await sim.create(
      pvcs,
      claim("two", { storageClassName: "", resources: { requests: { storage: "2Gi" } } }),
    );
    assert.equal((await phase(`${pvcs}/two`, "Bound")).spec.volumeName, "big");
    await sim.create(pvcs, claim("rwx", { storageClassName: "", accessModes: ["ReadWriteMany"] }));
    assert.equal((await phase(`${pvcs}/rwx`, "Bound")).spec.volumeName, "shared");

    await sim.create(
      pvcs,
      claim("huge", { storageClassName: "", resources: { requests: { storage: "10Gi" } } }),
    );
    await hasEvent(
      "huge",
      "FailedBinding: no persistent volumes available for this claim and no storage class is set",
    );
    assert.equal((await sim.get(`${pvcs}/huge`)).body.status.phase, "Pending");
    assert.equal(
      (await sim.get(`${pvs}/manual`)).body.status.phase,
      "Available",
      "another class is not taken",
    );
  });

  test("a released volume is kept (Retain) or deleted (Delete) with its claim", async () => {
    assert.equal((await sim.request("DELETE", `${pvcs}/one`)).status, 200);
    assert.equal((await sim.request("DELETE", `${pvcs}/two`)).status, 200);
    await gone(`${pvcs}/one`);
    const released = await phase(`${pvs}/small`, "Released");
    assert.equal(released.spec.claimRef.name, "one", "a retained volume remembers its claim");
    await gone(`${pvs}/big`);
  });

  test("an Immediate class provisions without waiting for a pod", async () => {
    await sim.create("/apis/storage.k8s.io/v1/storageclasses", {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "fast" },
      provisioner: "example.com/fast",
      reclaimPolicy: "Retain",
    });
    await sim.create(pvcs, claim("quick", { storageClassName: "fast" }));
    const bound = await phase(`${pvcs}/quick`, "Bound");
    const pv = await phase(`${pvs}/${bound.spec.volumeName}`, "Bound");
    assert.equal(pv.spec.nodeAffinity, undefined, "no node was chosen");
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, "Retain");
    assert.equal(pv.metadata.annotations["pv.kubernetes.io/provisioned-by"], "example.com/fast");
  });
});
