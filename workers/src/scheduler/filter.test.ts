import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { findFeasibleNodes } from "./filter.ts";
import { schedulePod } from "./schedule-one.ts";
import { ClusterSnapshot } from "./snapshot.ts";
import { info, node, pod, snapshotOf } from "./test-fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests poke into objects field by field.
type Json = any;

const threeNodes = () => [node("kind-control-plane"), node("kind-worker"), node("kind-worker2")];

/** The message a pod gets on these nodes, or the node it lands on. */
function outcome(nodes: KubeObject[], p: KubeObject, bound: KubeObject[] = []): string {
  const result = schedulePod(snapshotOf(nodes, bound), info(p), () => 0);
  return result.kind === "scheduled" ? `scheduled on ${result.node.name}` : result.message;
}

function feasibleNames(nodes: KubeObject[], p: KubeObject, bound: KubeObject[] = []): string[] {
  return findFeasibleNodes(snapshotOf(nodes, bound), info(p)).feasible.map((n) => n.name);
}

describe("NodeResourcesFit", () => {
  test("a pod asking more cpu than any node has", () => {
    assert.equal(
      outcome(threeNodes(), pod("big", { cpu: "100" })),
      "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  test("cpu and memory are both reported, and pods already bound count", () => {
    const nodes = [node("a", { cpu: "2", memory: "2Gi" }), node("b", { cpu: "2", memory: "2Gi" })];
    const bound = [
      pod("x", { nodeName: "a", cpu: "1500m", memory: "1Gi" }),
      pod("y", { nodeName: "b", cpu: "1", memory: "1536Mi" }),
    ];
    assert.equal(
      outcome(nodes, pod("p", { cpu: "1", memory: "1Gi" }), bound),
      "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
    assert.deepEqual(feasibleNames(nodes, pod("p", { cpu: "500m", memory: "512Mi" }), bound), ["a", "b"]);
  });

  test("finished pods free their requests; terminating ones still hold them", () => {
    const nodes = [node("a", { cpu: "1" })];
    const done = pod("done", { nodeName: "a", cpu: "1" });
    (done.status as { phase: string }).phase = "Succeeded";
    // The controller leaves finished pods out of the snapshot; a terminating pod stays in.
    assert.deepEqual(feasibleNames(nodes, pod("p", { cpu: "1" }), []), ["a"]);
    assert.deepEqual(
      feasibleNames(nodes, pod("p", { cpu: "1" }), [
        pod("t", { nodeName: "a", cpu: "1", terminating: true }),
      ]),
      [],
    );
  });

  test("the pods capacity of a node: Too many pods", () => {
    const nodes = [node("a", { pods: "2" })];
    const bound = [pod("x", { nodeName: "a" }), pod("y", { nodeName: "a" })];
    assert.equal(
      outcome(nodes, pod("p"), bound),
      "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });

  test("extended resources and init containers", () => {
    const nodes = [node("gpu", { extra: { "nvidia.com/gpu": "1" } }), node("plain")];
    const gpuPod = pod("g", {
      spec: { containers: [{ name: "c", image: "x", resources: { requests: { "nvidia.com/gpu": "1" } } }] },
    });
    assert.deepEqual(feasibleNames(nodes, gpuPod), ["gpu"]);
    const init = pod("i", {
      spec: {
        initContainers: [{ name: "init", image: "x", resources: { requests: { cpu: "3" } } }],
        containers: [{ name: "c", image: "x", resources: { requests: { cpu: "1" } } }],
      },
    });
    assert.equal(info(init).requests.milliCpu, 3000);
    assert.deepEqual(feasibleNames([node("small", { cpu: "2" })], init), []);
  });
});

describe("TaintToleration and NodeAffinity", () => {
  const kindNodes = () => [
    node("kind-control-plane", {
      labels: { "node-role.kubernetes.io/control-plane": "" },
      taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
    }),
    node("kind-worker", { labels: { disk: "hdd" } }),
    node("kind-worker2", { labels: { disk: "hdd" } }),
  ];

  test("untolerated taint and selector mismatch, in upstream's order and wording", () => {
    assert.equal(
      outcome(kindNodes(), pod("p", { spec: { nodeSelector: { disk: "ssd" } } })),
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });

  test("tolerations: Exists on the key, an empty key with Exists, and NoExecute taints", () => {
    const tolerating = pod("p", {
      spec: {
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        ],
      },
    });
    assert.deepEqual(feasibleNames(kindNodes(), tolerating), [
      "kind-control-plane",
      "kind-worker",
      "kind-worker2",
    ]);
    const noExecute = [node("a", { taints: [{ key: "dedicated", value: "db", effect: "NoExecute" }] })];
    assert.equal(
      outcome(noExecute, pod("p")),
      "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: db}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
    assert.deepEqual(
      feasibleNames(noExecute, pod("p", { spec: { tolerations: [{ operator: "Exists" }] } })),
      ["a"],
    );
    assert.deepEqual(
      feasibleNames(
        noExecute,
        pod("p", { spec: { tolerations: [{ key: "dedicated", value: "web", effect: "NoExecute" }] } }),
      ),
      [],
    );
    // PreferNoSchedule only weighs in scoring.
    assert.deepEqual(
      feasibleNames([node("soft", { taints: [{ key: "k", effect: "PreferNoSchedule" }] })], pod("p")),
      ["soft"],
    );
  });

  test("required node affinity with every operator, and matchFields on the node name", () => {
    const nodes = [
      node("a", { labels: { zone: "z1", cores: "8" } }),
      node("b", { labels: { zone: "z2", cores: "16" } }),
      node("c", { labels: { cores: "4" } }),
    ];
    const withTerms = (terms: unknown[]) =>
      pod("p", {
        spec: {
          affinity: {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
          },
        },
      });
    const expr = (key: string, operator: string, values?: string[]) => ({
      matchExpressions: [{ key, operator, values }],
    });
    assert.deepEqual(feasibleNames(nodes, withTerms([expr("zone", "In", ["z1", "z2"])])), ["a", "b"]);
    assert.deepEqual(feasibleNames(nodes, withTerms([expr("zone", "NotIn", ["z1"])])), ["b", "c"]);
    assert.deepEqual(feasibleNames(nodes, withTerms([expr("zone", "Exists")])), ["a", "b"]);
    assert.deepEqual(feasibleNames(nodes, withTerms([expr("zone", "DoesNotExist")])), ["c"]);
    assert.deepEqual(feasibleNames(nodes, withTerms([expr("cores", "Gt", ["6"])])), ["a", "b"]);
    assert.deepEqual(feasibleNames(nodes, withTerms([expr("cores", "Lt", ["10"])])), ["a", "c"]);
    // Terms are ORed; an empty term matches nothing.
    assert.deepEqual(feasibleNames(nodes, withTerms([{}, expr("zone", "In", ["z2"])])), ["b"]);
    assert.deepEqual(
      feasibleNames(
        nodes,
        withTerms([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["c"] }] }]),
      ),
      ["c"],
    );
    // A DaemonSet-style pod pinned to one node: the others are ruled out before filtering.
    assert.equal(
      outcome(
        nodes,
        withTerms([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["gone"] }] }]),
      ),
      "0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    // nodeSelector and affinity must both match.
    const both = withTerms([expr("zone", "Exists")]);
    (both.spec as { nodeSelector: Record<string, string> }).nodeSelector = { cores: "16" };
    assert.deepEqual(feasibleNames(nodes, both), ["b"]);
  });

  test("a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable", () => {
    const nodes = [node("a", { unschedulable: true })];
    assert.equal(
      outcome(nodes, pod("p")),
      "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
    const tolerating = pod("p", {
      spec: { tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists" }] },
    });
    assert.deepEqual(feasibleNames(nodes, tolerating), ["a"]);
  });

  test("no nodes at all", () => {
    assert.equal(outcome([], pod("p")), "no nodes available to schedule pods");
  });
});

describe("NodePorts", () => {
  test("a host port is handed out once per node and protocol", () => {
    const nodes = [node("a"), node("b")];
    const bound = [pod("x", { nodeName: "a", hostPort: 8080 })];
    assert.deepEqual(feasibleNames(nodes, pod("p", { hostPort: 8080 }), bound), ["b"]);
    assert.deepEqual(feasibleNames(nodes, pod("p", { hostPort: 8081 }), bound), ["a", "b"]);
    assert.equal(
      outcome([node("a")], pod("p", { hostPort: 8080 }), bound),
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });
});

describe("InterPodAffinity", () => {
  const antiAffinity = (app: string) => ({
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app } }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    },
  });

  test("required anti-affinity keeps replicas one per node", () => {
    const nodes = [node("a"), node("b")];
    const bound = [pod("web-1", { nodeName: "a", labels: { app: "web" }, spec: antiAffinity("web") })];
    const next = pod("web-2", { labels: { app: "web" }, spec: antiAffinity("web") });
    assert.deepEqual(feasibleNames(nodes, next, bound), ["b"]);
    const bound2 = [
      ...bound,
      pod("web-2", { nodeName: "b", labels: { app: "web" }, spec: antiAffinity("web") }),
    ];
    assert.equal(
      outcome(nodes, pod("web-3", { labels: { app: "web" }, spec: antiAffinity("web") }), bound2),
      "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
  });

  test("existing pods' anti-affinity repels a pod without terms of its own", () => {
    const nodes = [node("a"), node("b")];
    const bound = [pod("db", { nodeName: "a", labels: { app: "db" }, spec: antiAffinity("web") })];
    const web = pod("web", { labels: { app: "web" } });
    assert.deepEqual(feasibleNames(nodes, web, bound), ["b"]);
    assert.equal(
      outcome([node("a")], web, bound),
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
    // Terms look only in the pod's own namespace unless told otherwise.
    assert.deepEqual(
      feasibleNames(nodes, pod("web", { namespace: "other", labels: { app: "web" } }), bound),
      ["a", "b"],
    );
  });

  test("required affinity follows the matching pods; the first of a self-affine group may go anywhere", () => {
    const nodes = [node("a", { labels: { zone: "z1" } }), node("b", { labels: { zone: "z2" } })];
    const affinity = {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: "cache" } }, topologyKey: "zone" },
          ],
        },
      },
    };
    const bound = [pod("cache", { nodeName: "b", labels: { app: "cache" } })];
    assert.deepEqual(feasibleNames(nodes, pod("web", { spec: affinity }), bound), ["b"]);
    assert.equal(
      outcome(nodes, pod("web", { spec: affinity })),
      "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    assert.deepEqual(feasibleNames(nodes, pod("cache-1", { labels: { app: "cache" }, spec: affinity })), [
      "a",
      "b",
    ]);
  });

  test("namespaceSelector picks namespaces by their labels", () => {
    const nodes = [node("a"), node("b")];
    const spec = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { app: "web" } },
              namespaceSelector: { matchLabels: { team: "blue" } },
              topologyKey: "kubernetes.io/hostname",
            },
          ],
        },
      },
    };
    const bound = [pod("web", { namespace: "blue-ns", nodeName: "a", labels: { app: "web" } })];
    const namespaces = new Map([["blue-ns", { team: "blue" }]]);
    const found = findFeasibleNodes(snapshotOf(nodes, bound, namespaces), info(pod("p", { spec })));
    assert.deepEqual(
      found.feasible.map((n) => n.name),
      ["b"],
    );
  });
});

describe("PodTopologySpread", () => {
  const spread = (topologyKey: string, maxSkew = 1) => ({
    topologySpreadConstraints: [
      {
        maxSkew,
        topologyKey,
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { app: "web" } },
      },
    ],
  });

  test("DoNotSchedule keeps the skew within maxSkew", () => {
    const nodes = [node("a"), node("b"), node("c")];
    const bound = [
      pod("w1", { nodeName: "a", labels: { app: "web" } }),
      pod("w2", { nodeName: "b", labels: { app: "web" } }),
    ];
    assert.deepEqual(
      feasibleNames(
        nodes,
        pod("w3", { labels: { app: "web" }, spec: spread("kubernetes.io/hostname") }),
        bound,
      ),
      ["c"],
    );
    // b is full; a would hold 3 against b's 1. Reasons sort as Go sorts strings (upper case first).
    const full = [node("a"), node("b", { pods: "1" })];
    assert.equal(
      outcome(full, pod("w3", { labels: { app: "web" }, spec: spread("kubernetes.io/hostname") }), [
        ...bound,
        pod("w0", { nodeName: "a", labels: { app: "web" } }),
      ]),
      "0/2 nodes are available: 1 Too many pods, 1 node(s) didn't match pod topology spread constraints. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
  });

  test("nodes without the topology key cannot take the pod", () => {
    assert.equal(
      outcome(
        [node("a"), node("b")],
        pod("w", { labels: { app: "web" }, spec: spread("topology.kubernetes.io/zone") }),
      ),
      "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
  });
});

describe("VolumeBinding", () => {
  const claim = (name: string, extra: { volumeName?: string; className?: string; bound?: boolean } = {}) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name,
      namespace: "default",
      ...(extra.bound ? { annotations: { "pv.kubernetes.io/bind-completed": "yes" } } : {}),
    },
    spec: {
      storageClassName: extra.className ?? "",
      ...(extra.volumeName ? { volumeName: extra.volumeName } : {}),
    },
  });
  const storage = (claims: KubeObject[], volumes: KubeObject[] = []) => ({
    claims: new Map(claims.map((c) => [`default/${c.metadata.name}`, c])),
    volumes: new Map(volumes.map((v) => [v.metadata.name ?? "", v])),
    classes: new Map<string, KubeObject>([
      [
        "standard",
        {
          apiVersion: "storage.k8s.io/v1",
          kind: "StorageClass",
          metadata: { name: "standard" },
          volumeBindingMode: "WaitForFirstConsumer",
        },
      ],
    ]),
  });
  const using = (claimName: string) =>
    pod("db", { spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName } }] } });
  const run = (claims: KubeObject[], volumes: KubeObject[] = []) => {
    const snapshot = new ClusterSnapshot([node("a"), node("b")], [], new Map(), storage(claims, volumes));
    const result = schedulePod(snapshot, info(using("data")), () => 0);
    return result.kind === "scheduled" ? `scheduled on ${result.node.name}` : result.message;
  };

  test("a missing claim, and a claim of Immediate binding not bound yet", () => {
    assert.equal(
      run([]),
      '0/2 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    assert.equal(
      run([claim("data")]),
      "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
  });

  test("WaitForFirstConsumer claims wait for the pod; bound volumes pin it to their nodes", () => {
    assert.match(run([claim("data", { className: "standard" })]), /^scheduled on /);
    const volume: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pv-1" },
      spec: {
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["b"] }] },
            ],
          },
        },
      },
    };
    const bound = claim("data", { volumeName: "pv-1", bound: true });
    assert.equal(run([bound], [volume]), "scheduled on b");
    const elsewhere = structuredClone(volume);
    (elsewhere.spec as Json).nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values = ["c"];
    assert.equal(
      run([bound], [elsewhere]),
      "0/2 nodes are available: 2 node(s) had volume node affinity conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
  });
});
