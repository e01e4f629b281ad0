import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, type TestRuntime } from "../fixtures/runtime.ts";
import {
  type Json,
  pollGet,
  reportPodRunning,
  startTestCluster,
  type TestCluster,
} from "./fixtures/sim-cluster.ts";

/**
 * The endpoints controller alone. Pods are created bound (spec.nodeName) and the test plays the
 * kubelet: it writes their status (podIP, Ready) through pods/status.
 */
describe("endpoints controller", () => {
  let t: TestRuntime;
  let cluster: TestCluster;
  let token: string;
  let api: string;
  let node: string;

  before(async () => {
    cluster = await startTestCluster("endpoints", ["endpoints"]);
    ({ t, token } = cluster);
    api = `${cluster.base}/api/v1/namespaces/default`;
    const nodes = await call(t.app, "GET", `${cluster.base}/api/v1/nodes`, { token });
    node = nodes.body.items.at(-1).metadata.name;
  });
  after(() => t.close());

  const create = async (resource: string, body: Record<string, unknown>) => {
    const res = await call(t.app, "POST", `${api}/${resource}`, { token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  const createPod = (name: string, labels: Record<string, string>, ports: Record<string, unknown>[] = []) =>
    create("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels },
      spec: { nodeName: node, containers: [{ name: "main", image: "mongo:7", ports }] },
    });

  /** What the kubelet would report: Running with an address, Ready or not. */
  const setPodStatus = (name: string, ip: string, ready: boolean) =>
    reportPodRunning(cluster, `${api}/pods/${name}`, ready, ip);

  const createService = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>) =>
    create("services", { apiVersion: "v1", kind: "Service", metadata: { name, labels }, spec });

  const eventually = (path: string, ok: (res: { status: number; body: Json }) => boolean) =>
    pollGet(cluster, `${api}/${path}`, ok, path);

  // biome-ignore lint/suspicious/noExplicitAny: Endpoints are read field by field.
  const ips = (subsets: any[] | undefined, list: "addresses" | "notReadyAddresses") =>
    (subsets ?? []).flatMap((s) => (s[list] ?? []).map((a: { ip: string }) => a.ip)).sort();

  test("ready and not-ready pods, each on the port its named targetPort resolves to", async () => {
    await createService(
      "db",
      { selector: { app: "db" }, ports: [{ name: "mongo", port: 27017, targetPort: "mongo-port" }] },
      { tier: "data" },
    );
    const ready = await createPod("db-0", { app: "db" }, [{ name: "mongo-port", containerPort: 27017 }]);
    const notReady = await createPod("db-1", { app: "db" }, [{ name: "mongo-port", containerPort: 27018 }]);
    await createPod("db-2", { app: "db" }, [{ name: "mongo-port", containerPort: 27017 }]); // no address yet
    await createPod("other", { app: "web" }, [{ name: "mongo-port", containerPort: 27017 }]);
    await setPodStatus("db-0", "10.244.1.5", true);
    await setPodStatus("db-1", "10.244.1.6", false);
    await setPodStatus("other", "10.244.1.7", true);

    const ep = await eventually(
      "endpoints/db",
      (res) => res.status === 200 && ips(res.body.subsets, "notReadyAddresses").length === 1,
    );
    assert.deepEqual(ep.metadata.labels, { tier: "data" });
    assert.ok(ep.metadata.annotations["endpoints.kubernetes.io/last-change-trigger-time"]);
    const sorted = [...ep.subsets].sort((a, b) => a.ports[0].port - b.ports[0].port);
    assert.deepEqual(sorted, [
      {
        addresses: [
          {
            ip: "10.244.1.5",
            nodeName: node,
            targetRef: { kind: "Pod", namespace: "default", name: "db-0", uid: ready.metadata.uid },
          },
        ],
        ports: [{ name: "mongo", port: 27017, protocol: "TCP" }],
      },
      {
        notReadyAddresses: [
          {
            ip: "10.244.1.6",
            nodeName: node,
            targetRef: { kind: "Pod", namespace: "default", name: "db-1", uid: notReady.metadata.uid },
          },
        ],
        ports: [{ name: "mongo", port: 27018, protocol: "TCP" }],
      },
    ]);
  });

  test("a pod turning ready moves to addresses; a deleted pod leaves", async () => {
    await setPodStatus("db-1", "10.244.1.6", true);
    await eventually(
      "endpoints/db",
      (res) => ips(res.body.subsets, "addresses").join() === "10.244.1.5,10.244.1.6",
    );
    assert.equal(
      (await call(t.app, "DELETE", `${api}/pods/db-0`, { token, body: { gracePeriodSeconds: 0 } })).status,
      200,
    );
    const ep = await eventually(
      "endpoints/db",
      (res) => ips(res.body.subsets, "addresses").join() === "10.244.1.6",
    );
    assert.deepEqual(ips(ep.subsets, "notReadyAddresses"), []);
  });

  test("a terminating pod is left out, unless the Service publishes not-ready addresses", async () => {
    await createService("db-all", {
      selector: { app: "db" },
      publishNotReadyAddresses: true,
      ports: [{ port: 27017, targetPort: 27017 }],
    });
    await eventually(
      "endpoints/db-all",
      (res) => ips(res.body?.subsets, "addresses").join() === "10.244.1.6",
    );
    // Bound to a node, the pod terminates gracefully: it keeps existing with a deletionTimestamp.
    assert.equal((await call(t.app, "DELETE", `${api}/pods/db-1`, { token })).status, 200);
    await eventually("endpoints/db", (res) => res.body.subsets === undefined);
    const all = await eventually("endpoints/db-all", (res) => res.status === 200);
    assert.deepEqual(ips(all.subsets, "addresses"), ["10.244.1.6"]);
    assert.deepEqual(all.subsets[0].ports, [{ port: 27017, protocol: "TCP" }]);
  });

  test("a headless Service without ports lists addresses alone and is labelled headless", async () => {
    await createPod("cache-0", { app: "cache" });
    await setPodStatus("cache-0", "10.244.1.9", true);
    await createService("cache", { clusterIP: "None", selector: { app: "cache" } });
    const ep = await eventually("endpoints/cache", (res) => res.status === 200 && res.body.subsets);
    assert.deepEqual(ep.metadata.labels, { "service.kubernetes.io/headless": "" });
    assert.equal(ep.subsets.length, 1);
    assert.deepEqual(ips(ep.subsets, "addresses"), ["10.244.1.9"]);
    assert.equal(ep.subsets[0].ports, undefined);
  });

  test("deleting the Service deletes its Endpoints", async () => {
    await eventually("endpoints/cache", (res) => res.status === 200);
    assert.equal((await call(t.app, "DELETE", `${api}/services/cache`, { token })).status, 200);
    await eventually("endpoints/cache", (res) => res.status === 404);
  });

  test("the Endpoints of a Service without a selector are the user's", async () => {
    await createService("external", { ports: [{ port: 5432 }] });
    const mine = await create("endpoints", {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "external" },
      subsets: [{ addresses: [{ ip: "192.0.2.10" }], ports: [{ port: 5432 }] }],
    });
    // Changes that wake the controller for this Service and for its namespace.
    await call(t.app, "PATCH", `${api}/services/external`, {
      token,
      rawBody: JSON.stringify({ metadata: { labels: { touched: "yes" } } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    await createPod("probe", { app: "probe" });
    await createService("probe", { selector: { app: "probe" }, ports: [{ port: 80 }] });
    await eventually("endpoints/probe", (res) => res.status === 200);
    const deadline = Date.now() + 500;
    while (Date.now() < deadline) {
      const res = await call(t.app, "GET", `${api}/endpoints/external`, { token });
      assert.equal(res.body.metadata.resourceVersion, mine.metadata.resourceVersion);
      assert.deepEqual(res.body.subsets, mine.subsets);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
