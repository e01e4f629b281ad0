import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ApiError } from "../../../../errors.ts";
import type { KubeObject, ObjectRef } from "../../../object/types.ts";
import { ipv4ToNumber } from "../ip.ts";
import { messages, type StrategyHarness, stored, strategyHarness } from "../testing.ts";
import { serviceStrategy } from "./strategy.ts";

const ref = (name: string, namespace = "default"): ObjectRef => ({
  group: "",
  resource: "services",
  namespace,
  name,
});
const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default" },
  spec,
});
const specOf = (o: KubeObject) => o.spec as Record<string, unknown> & { ports: Record<string, unknown>[] };

describe("service strategy", () => {
  let h: StrategyHarness;
  before(async () => {
    h = await strategyHarness();
    // What every cluster starts with (workers/src/provisioning/bootstrap-objects.ts).
    await h.store.transact(h.clusterId, async (tx) => {
      const boot = (name: string, namespace: string, ip: string) =>
        tx.create(ref(name, namespace), {
          ...svc(name, {
            clusterIP: ip,
            clusterIPs: [ip],
            ports: [{ port: 443, protocol: "TCP" }],
            type: "ClusterIP",
          }),
          metadata: { name, namespace },
        });
      await boot("kubernetes", "default", "10.96.0.1");
      await boot("kube-dns", "kube-system", "10.96.0.10");
    });
  });
  after(() => h.close());

  test("the walkthrough's mongo-service is defaulted and given a cluster IP as on a 1.32 cluster", async () => {
    const created = stored(
      await h.create(
        serviceStrategy,
        ref("mongo-service"),
        svc("mongo-service", {
          selector: { app: "mongo" },
          ports: [{ protocol: "TCP", port: 27017, targetPort: 27017 }],
        }),
      ),
    );
    const ip = specOf(created).clusterIP as string;
    assert.deepEqual(created.spec, {
      clusterIP: ip,
      clusterIPs: [ip],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ port: 27017, protocol: "TCP", targetPort: 27017 }],
      selector: { app: "mongo" },
      sessionAffinity: "None",
      type: "ClusterIP",
    });
    assert.deepEqual(created.status, { loadBalancer: {} });
    const again = structuredClone(created);
    serviceStrategy.applyDefaults?.(again);
    assert.deepEqual(again, created);
    // Random picks come from above the static band: 10.96.1.1 … 10.111.255.254.
    assert.ok(
      ipv4ToNumber(ip) >= ipv4ToNumber("10.96.1.1") && ipv4ToNumber(ip) <= ipv4ToNumber("10.111.255.254"),
      ip,
    );
  });

  test("allocated cluster IPs are distinct", async () => {
    const ips = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const created = stored(
        await h.create(serviceStrategy, ref(`many-${i}`), svc(`many-${i}`, { ports: [{ port: 80 }] })),
      );
      ips.add(specOf(created).clusterIP as string);
    }
    assert.equal(ips.size, 8);
    assert.ok(!ips.has("10.96.0.1") && !ips.has("10.96.0.10"));
  });

  test("a taken or foreign cluster IP is refused with upstream's message", async () => {
    const taken = h.create(
      serviceStrategy,
      ref("dup-ip"),
      svc("dup-ip", { clusterIP: "10.96.0.1", ports: [{ port: 80 }] }),
    );
    await assert.rejects(taken, (err: ApiError) => {
      assert.equal(err.status, 422);
      assert.equal(
        err.message,
        'Service "dup-ip" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
      );
      return true;
    });
    await assert.rejects(
      h.create(
        serviceStrategy,
        ref("far-ip"),
        svc("far-ip", { clusterIP: "10.0.0.5", ports: [{ port: 80 }] }),
      ),
      (err: ApiError) =>
        err.message ===
        'Service "far-ip" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    const chosen = stored(
      await h.create(
        serviceStrategy,
        ref("fixed-ip"),
        svc("fixed-ip", { clusterIP: "10.96.0.50", ports: [{ port: 80 }] }),
      ),
    );
    assert.deepEqual(specOf(chosen).clusterIPs, ["10.96.0.50"]);
  });

  test("the walkthrough's NodePort 30100 is accepted once; a second claim and an out-of-range port are refused", async () => {
    const webapp = svc("webapp-service", {
      type: "NodePort",
      selector: { app: "webapp" },
      ports: [{ protocol: "TCP", port: 3000, targetPort: 3000, nodePort: 30100 }],
    });
    const created = stored(await h.create(serviceStrategy, ref("webapp-service"), webapp));
    assert.equal(specOf(created).ports[0]!.nodePort, 30100);
    assert.equal(specOf(created).externalTrafficPolicy, "Cluster");
    await assert.rejects(
      h.create(serviceStrategy, ref("webapp-2"), {
        ...webapp,
        metadata: { name: "webapp-2", namespace: "default" },
      }),
      (err: ApiError) =>
        err.message ===
        'Service "webapp-2" is invalid: spec.ports[0].nodePort: Invalid value: 30100: provided port is already allocated',
    );
    await assert.rejects(
      h.create(
        serviceStrategy,
        ref("low"),
        svc("low", { type: "NodePort", ports: [{ port: 80, nodePort: 8080 }] }),
      ),
      (err: ApiError) =>
        err.message ===
        'Service "low" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    const auto = stored(
      await h.create(
        serviceStrategy,
        ref("auto"),
        svc("auto", {
          type: "NodePort",
          ports: [{ port: 80 }, { name: "b", port: 81 }].map((p, i) => ({ name: `p${i}`, ...p })),
        }),
      ),
    );
    const [a, b] = specOf(auto).ports.map((p) => p.nodePort as number);
    assert.ok(a! >= 30086 && a! <= 32767 && b! >= 30086 && b! <= 32767 && a !== b, `${a} ${b}`);
  });

  test("an update keeps allocated values the client omitted and refuses a new cluster IP", async () => {
    const created = stored(
      await h.create(serviceStrategy, ref("keep"), svc("keep", { type: "NodePort", ports: [{ port: 80 }] })),
    );
    const { clusterIP } = specOf(created);
    const nodePort = specOf(created).ports[0]!.nodePort;
    const applied = {
      ...created,
      spec: { type: "NodePort", ports: [{ port: 80 }], selector: { app: "keep" } },
    };
    const updated = stored(await h.update(serviceStrategy, ref("keep"), applied));
    assert.equal(specOf(updated).clusterIP, clusterIP);
    assert.equal(specOf(updated).ports[0]!.nodePort, nodePort);
    const moved = structuredClone(updated);
    specOf(moved).clusterIP = "10.96.0.77";
    specOf(moved).clusterIPs = ["10.96.0.77"];
    assert.deepEqual(messages(await h.update(serviceStrategy, ref("keep"), moved)), [
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.77"}: may not change once set',
    ]);
    const toClusterIP = structuredClone(updated);
    specOf(toClusterIP).type = "ClusterIP";
    const downgraded = stored(await h.update(serviceStrategy, ref("keep"), toClusterIP));
    assert.equal(specOf(downgraded).ports[0]!.nodePort, undefined);
    assert.equal(specOf(downgraded).externalTrafficPolicy, undefined);
  });

  test("headless services get no IP; dry runs show upstream's placeholders", async () => {
    const headless = stored(
      await h.create(
        serviceStrategy,
        ref("headless"),
        svc("headless", { clusterIP: "None", selector: { app: "db" }, ports: [{ port: 5432 }] }),
      ),
    );
    assert.deepEqual([specOf(headless).clusterIP, specOf(headless).clusterIPs], ["None", ["None"]]);
    const dry = stored(
      await h.create(
        serviceStrategy,
        ref("dry"),
        svc("dry", { type: "NodePort", ports: [{ port: 80 }] }),
        true,
      ),
    );
    assert.deepEqual([specOf(dry).clusterIP, specOf(dry).ports[0]!.nodePort], ["10.96.0.0", 32769]);
  });

  test("validation messages are upstream's", async () => {
    assert.deepEqual(messages(await h.create(serviceStrategy, ref("noports"), svc("noports", {}))), [
      "spec.ports: Required value",
    ]);
    assert.deepEqual(
      messages(
        await h.create(
          serviceStrategy,
          ref("bad"),
          svc("bad", {
            type: "Magic",
            ports: [{ port: 80 }, { port: 80, protocol: "TCP" }, { name: "x", port: 0, protocol: "ICMP" }],
          }),
        ),
      ),
      [
        "spec.ports[0].name: Required value",
        "spec.ports[1].name: Required value",
        "spec.ports[2].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        'spec.ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        "spec.ports[2].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
      ],
    );
  });
});
