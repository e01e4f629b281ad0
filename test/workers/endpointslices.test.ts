import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ApiServer, startApiServer } from "../../apps/api/src/server.ts";
import { kubectl, writeKubeconfig } from "../fixtures/kubectl.ts";
import { call, type TestRuntime } from "../fixtures/runtime.ts";
import { freePort } from "../fixtures/server-process.ts";
import { reportPodRunning, startTestCluster, type TestCluster } from "./fixtures/sim-cluster.ts";

/**
 * The endpointslice controller alone, served over HTTPS so that the real kubectl can describe a
 * Service. Pods are created bound and the test plays the kubelet through pods/status.
 */
describe("endpointslice controller", () => {
  let t: TestRuntime;
  let cluster: TestCluster;
  let server: ApiServer;
  let token: string;
  let clusterId: string;
  let api: string;
  let slicesApi: string;
  let node: string;
  let home: string;

  before(async () => {
    cluster = await startTestCluster("slices", ["endpointslice"], 2, { PORT: String(await freePort()) });
    ({ t, token, clusterId } = cluster);
    server = await startApiServer(t.runtime);
    api = `/k8s/${clusterId}/api/v1/namespaces/default`;
    slicesApi = `/k8s/${clusterId}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices`;
    const nodes = await call(t.app, "GET", `/k8s/${clusterId}/api/v1/nodes`, { token });
    node = nodes.body.items.at(-1).metadata.name;
    const zoned = await call(t.app, "PATCH", `/k8s/${clusterId}/api/v1/nodes/${node}`, {
      token,
      rawBody: JSON.stringify({ metadata: { labels: { "topology.kubernetes.io/zone": "zone-a" } } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    assert.equal(zoned.status, 200, JSON.stringify(zoned.body));
    home = await mkdtemp(join(tmpdir(), "slices-kubectl-"));
  });
  after(async () => {
    await server.close();
    await t.close();
    await rm(home, { recursive: true, force: true });
  });

  const create = async (resource: string, body: Record<string, unknown>) => {
    const res = await call(t.app, "POST", `${api}/${resource}`, { token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  const createPod = (name: string, labels: Record<string, string>, nodeName = node) =>
    create("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels },
      spec: { nodeName, containers: [{ name: "main", image: "mongo:7" }] },
    });

  /** What the kubelet would report: Running with an address, Ready or not. */
  const setPodStatus = (name: string, ip: string, ready: boolean) =>
    reportPodRunning(cluster, `${api}/pods/${name}`, ready, ip);

  // biome-ignore lint/suspicious/noExplicitAny: slices are read field by field.
  type Slice = any;
  const slicesOf = async (service: string): Promise<Slice[]> => {
    const res = await call(
      t.app,
      "GET",
      `${slicesApi}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`,
      { token },
    );
    return res.body.items;
  };
  const eventually = async (service: string, ok: (slices: Slice[]) => boolean): Promise<Slice[]> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const slices = await slicesOf(service);
      if (ok(slices)) return slices;
      assert.ok(Date.now() < deadline, `slices of ${service} never got there: ${JSON.stringify(slices)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const endpointsIn = (slices: Slice[]) => slices.flatMap((s) => s.endpoints ?? []);

  test("a selector Service gets a slice of its pods: conditions, node, zone, ports, owner", async () => {
    const svc = await create("services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "mongo", labels: { app: "mongo" } },
      spec: { selector: { app: "mongo" }, ports: [{ name: "db", port: 27017 }] },
    });
    const ready = await createPod("mongo-0", { app: "mongo" });
    const notReady = await createPod("mongo-1", { app: "mongo" });
    await setPodStatus("mongo-0", "10.244.1.5", true);
    await setPodStatus("mongo-1", "10.244.1.6", false);

    const [slice, ...others] = await eventually("mongo", (s) => endpointsIn(s).length === 2);
    assert.equal(others.length, 0);
    assert.match(slice.metadata.name, /^mongo-[a-z0-9]{5}$/);
    assert.equal(slice.metadata.generateName, "mongo-");
    assert.deepEqual(slice.metadata.labels, {
      app: "mongo",
      "kubernetes.io/service-name": "mongo",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    assert.deepEqual(slice.metadata.ownerReferences, [
      {
        apiVersion: "v1",
        kind: "Service",
        name: "mongo",
        uid: svc.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(slice.addressType, "IPv4");
    assert.deepEqual(slice.ports, [{ name: "db", port: 27017, protocol: "TCP" }]);
    const byName = (name: string) => slice.endpoints.find((e: Slice) => e.targetRef.name === name);
    assert.deepEqual(byName("mongo-0"), {
      addresses: ["10.244.1.5"],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: "Pod", namespace: "default", name: "mongo-0", uid: ready.metadata.uid },
      nodeName: node,
      zone: "zone-a",
    });
    assert.deepEqual(byName("mongo-1").conditions, { ready: false, serving: false, terminating: false });
    assert.equal(byName("mongo-1").targetRef.uid, notReady.metadata.uid);
  });

  test("kubectl describe service shows the ready endpoint", async () => {
    const kc = await call(t.app, "GET", `/v1/clusters/${clusterId}/kubeconfig`, { token });
    const kubeconfig = await writeKubeconfig(home, kc.body);
    const res = await kubectl(kubeconfig, home, ["describe", "service", "mongo"]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^Endpoints:\s+10\.244\.1\.5:27017$/m);
  });

  test("a terminating pod stays listed, serving but not ready", async () => {
    assert.equal((await call(t.app, "DELETE", `${api}/pods/mongo-0`, { token })).status, 200);
    const slices = await eventually("mongo", (s) =>
      endpointsIn(s).some((e) => e.targetRef.name === "mongo-0" && e.conditions.terminating),
    );
    const endpoint = endpointsIn(slices).find((e) => e.targetRef.name === "mongo-0");
    assert.deepEqual(endpoint.conditions, { ready: false, serving: true, terminating: true });
  });

  test("a Service selecting nothing gets an empty placeholder slice", async () => {
    await create("services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nobody" },
      spec: { selector: { app: "nobody" }, ports: [{ port: 80 }] },
    });
    const [slice, ...others] = await eventually("nobody", (s) => s.length > 0);
    assert.equal(others.length, 0);
    assert.equal(slice.endpoints, null);
    assert.equal(slice.ports, null);
    assert.equal(slice.addressType, "IPv4");
  });

  test("pods on an unknown node are left out", async () => {
    await create("services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "lost" },
      spec: { selector: { app: "lost" }, ports: [{ port: 80 }] },
    });
    await createPod("lost-0", { app: "lost" }, "no-such-node");
    await createPod("lost-1", { app: "lost" });
    await setPodStatus("lost-0", "10.244.1.20", true);
    await setPodStatus("lost-1", "10.244.1.21", true);
    const slices = await eventually("lost", (s) => endpointsIn(s).length > 0);
    assert.deepEqual(
      endpointsIn(slices).map((e) => e.targetRef.name),
      ["lost-1"],
    );
  });

  test("over 100 endpoints spread over slices of at most 100; the Service takes them along", async () => {
    await create("services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "wide" },
      spec: { selector: { app: "wide" }, ports: [{ port: 8080 }] },
    });
    const names = Array.from({ length: 120 }, (_, i) => `wide-${i}`);
    await Promise.all(
      names.map(async (name, i) => {
        await createPod(name, { app: "wide" });
        await setPodStatus(name, `10.244.2.${i + 2}`, true);
      }),
    );
    const slices = await eventually("wide", (s) => endpointsIn(s).length === 120);
    assert.equal(slices.length, 2);
    for (const slice of slices)
      assert.ok(slice.endpoints.length <= 100, `${slice.endpoints.length} endpoints`);
    assert.deepEqual(
      endpointsIn(slices)
        .map((e) => e.targetRef.name)
        .sort(),
      [...names].sort(),
    );

    assert.equal((await call(t.app, "DELETE", `${api}/services/wide`, { token })).status, 200);
    await eventually("wide", (s) => s.length === 0);
  });
});
