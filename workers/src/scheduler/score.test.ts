import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planPass } from "./plan-pass.ts";
import { schedulePod } from "./schedule-one.ts";
import {
  balancedAllocationScores,
  defaultNormalize,
  leastAllocatedScores,
  nodeAffinityScores,
  scoreNodes,
  selectHost,
  taintTolerationScores,
} from "./score.ts";
import { info, node, pod, snapshotOf } from "./test-fixtures.ts";

describe("scoring plugins", () => {
  test("LeastAllocated prefers the node with more room, counting 100m/200Mi for pods asking nothing", () => {
    const snapshot = snapshotOf(
      [node("a", { cpu: "4" }), node("b", { cpu: "4" })],
      [pod("x", { nodeName: "a" })],
    );
    const scores = leastAllocatedScores(info(pod("p")), snapshot.nodes);
    // a: cpu (4000-200)/4000 → 95, memory a little less than b's.
    assert.ok((scores[0] ?? 0) < (scores[1] ?? 0), `${scores}`);
    assert.equal(scores[1], Math.floor((97 + Math.floor(((8 * 1024 - 200) * 100) / (8 * 1024))) / 2));
  });

  test("BalancedAllocation prefers nodes where cpu and memory are used alike; best-effort pods skip it", () => {
    const snapshot = snapshotOf(
      [node("a", { cpu: "4", memory: "4Gi" }), node("b", { cpu: "4", memory: "4Gi" })],
      [pod("x", { nodeName: "a", cpu: "2" })],
    );
    const scores = balancedAllocationScores(info(pod("p", { cpu: "1", memory: "1Gi" })), snapshot.nodes);
    // a: cpu 3/4, memory 1/4 → 1 - |0.75 - 0.25| / 2.
    assert.deepEqual(scores, [75, 100]);
    assert.deepEqual(balancedAllocationScores(info(pod("p")), snapshot.nodes), [0, 0]);
  });

  test("TaintToleration counts PreferNoSchedule taints; NodeAffinity adds preferred weights", () => {
    const nodes = snapshotOf([
      node("a", { taints: [{ key: "k", effect: "PreferNoSchedule" }], labels: { disk: "ssd" } }),
      node("b"),
    ]).nodes;
    assert.deepEqual(taintTolerationScores(info(pod("p")), nodes), [0, 100]);
    assert.deepEqual(
      taintTolerationScores(
        info(pod("p", { spec: { tolerations: [{ key: "k", operator: "Exists" }] } })),
        nodes,
      ),
      [100, 100],
    );
    const preferring = pod("p", {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 50,
                preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] },
              },
            ],
          },
        },
      },
    });
    assert.deepEqual(nodeAffinityScores(info(preferring), nodes), [100, 0]);
    assert.deepEqual(defaultNormalize([0, 0], true), [100, 100]);
  });

  test("pods of one owner spread over nodes; preferred anti-affinity pushes away", () => {
    const snapshot = snapshotOf(
      [node("a"), node("b")],
      [pod("r1", { nodeName: "a", owner: "rs-1" }), pod("r2", { nodeName: "a", owner: "rs-1" })],
    );
    const [a, b] = scoreNodes(snapshot, info(pod("r3", { owner: "rs-1" })), snapshot.nodes);
    assert.ok((b ?? 0) > (a ?? 0), `b ${b} should beat a ${a}`);

    const web = snapshotOf([node("a"), node("b")], [pod("w", { nodeName: "b", labels: { app: "web" } })]);
    const avoiding = pod("p", {
      spec: {
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  labelSelector: { matchLabels: { app: "web" } },
                  topologyKey: "kubernetes.io/hostname",
                },
              },
            ],
          },
        },
      },
    });
    const result = schedulePod(web, info(avoiding), () => 0.99);
    assert.equal(result.kind === "scheduled" && result.node.name, "a");
  });

  test("selectHost picks the best score and breaks ties at random", () => {
    const nodes = snapshotOf([node("a"), node("b"), node("c")]).nodes;
    assert.equal(selectHost(nodes, [1, 5, 3]).name, "b");
    assert.equal(selectHost(nodes, [5, 5, 5], () => 0).name, "c");
    assert.equal(selectHost(nodes, [5, 5, 5], () => 0.99).name, "a");
  });
});

describe("a scheduling pass", () => {
  test("300 pods over three nodes: every pod placed, no node past its pods or cpu allocatable", () => {
    const nodes = [node("a", { cpu: "8" }), node("b", { cpu: "8" }), node("c", { cpu: "8" })];
    const pending = Array.from({ length: 300 }, (_, i) => info(pod(`p${i}`, { cpu: "50m", owner: "rs" })));
    const snapshot = snapshotOf(nodes);
    const pass = planPass(snapshot, pending);
    assert.equal(pass.binds.length, 300);
    assert.equal(pass.failures.length, 0);
    const perNode = new Map<string, number>();
    for (const b of pass.binds) perNode.set(b.nodeName, (perNode.get(b.nodeName) ?? 0) + 1);
    for (const n of ["a", "b", "c"]) assert.equal(perNode.get(n), 100, `node ${n}: ${perNode.get(n)}`);
  });

  test("capacity holds within a pass: the 111th pod on a one-node cluster waits", () => {
    const pending = Array.from({ length: 112 }, (_, i) => info(pod(`p${i}`)));
    const pass = planPass(snapshotOf([node("only")]), pending);
    assert.equal(pass.binds.length, 110);
    assert.deepEqual(
      pass.failures.map((f) => f.message),
      Array(2).fill(
        "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
      ),
    );
  });

  test("a higher-priority pod preempts the fewest lower-priority pods, and holds the node in the pass", () => {
    const nodes = [node("a", { cpu: "2" }), node("b", { cpu: "2" })];
    const bound = [
      pod("low-a1", { nodeName: "a", cpu: "1", priority: 0 }),
      pod("low-a2", { nodeName: "a", cpu: "1", priority: 0 }),
      pod("mid-b", { nodeName: "b", cpu: "2", priority: 500 }),
    ];
    const urgent = info(pod("urgent", { cpu: "1", priority: 1000 }));
    const later = info(pod("later", { cpu: "1", priority: 0 }));
    const pass = planPass(snapshotOf(nodes, bound), [urgent, later]);
    assert.equal(pass.preemptions.length, 1);
    assert.equal(pass.preemptions[0]?.nodeName, "a");
    assert.equal(pass.preemptions[0]?.victims.length, 1);
    assert.deepEqual(pass.failures[0], {
      pod: urgent,
      message: "0/2 nodes are available: 2 Insufficient cpu.",
      nominatedNodeName: "a",
    });
    assert.equal(
      pass.failures[1]?.message,
      "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
  });

  test("preemptionPolicy Never and pods too big even for an empty node", () => {
    const nodes = [node("a", { cpu: "2" })];
    const bound = [pod("low", { nodeName: "a", cpu: "2", priority: 0 })];
    const never = info(pod("n", { cpu: "1", priority: 10, spec: { preemptionPolicy: "Never" } }));
    assert.equal(
      planPass(snapshotOf(nodes, bound), [never]).failures[0]?.message,
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    );
    const huge = info(pod("h", { cpu: "3", priority: 10 }));
    assert.equal(
      planPass(snapshotOf(nodes, bound), [huge]).failures[0]?.message,
      "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.",
    );
  });
});
