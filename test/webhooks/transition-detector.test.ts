import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import type { Change } from "../../apps/api/src/kube/store/types.ts";
import { detectTransitions } from "../../apps/api/src/webhooks/transition-detector.ts";

const KINDS = {
  deployments: ["apps", "apps/v1", "Deployment"],
  pods: ["", "v1", "Pod"],
  jobs: ["batch", "batch/v1", "Job"],
  nodes: ["", "v1", "Node"],
  replicasets: ["apps", "apps/v1", "ReplicaSet"],
} as const;

function object(resource: keyof typeof KINDS, status: Record<string, unknown>, name = "web"): KubeObject {
  const [, apiVersion, kind] = KINDS[resource];
  const namespaced = resource !== "nodes";
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespaced ? { namespace: "default" } : {}), uid: `uid-${name}` },
    status,
  };
}

function change(obj: KubeObject, type: Change["type"] = "MODIFIED"): Change {
  const resource = `${obj.kind!.toLowerCase()}s` as keyof typeof KINDS;
  return {
    clusterId: "c1",
    rv: 7,
    type,
    group: KINDS[resource][0],
    resource,
    namespace: obj.metadata.namespace ?? "",
    name: obj.metadata.name!,
    object: obj,
  };
}

const cond = (type: string, status: string, reason?: string, message?: string) => ({
  type,
  status,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
  lastTransitionTime: "2026-01-01T00:00:00Z",
});

const detect = (now: KubeObject, previous?: KubeObject, type?: Change["type"]) =>
  detectTransitions(change(now, type), previous);
const types = (now: KubeObject, previous?: KubeObject, type?: Change["type"]) =>
  detect(now, previous, type).map((e) => e.type);

describe("webhook transition detector", () => {
  test("deployment.available when Available turns True, with the object and the condition", () => {
    const before = object("deployments", {
      conditions: [cond("Available", "False", "MinimumReplicasUnavailable")],
    });
    const after = object("deployments", {
      conditions: [
        cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
      ],
    });
    const [event, ...rest] = detect(after, before);
    assert.equal(rest.length, 0);
    assert.deepEqual(event, {
      type: "deployment.available",
      subject: "c1/apps/deployments/default/web",
      data: {
        clusterId: "c1",
        object: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          namespace: "default",
          name: "web",
          uid: "uid-web",
        },
        condition: {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          message: "Deployment has minimum availability.",
          lastTransitionTime: "2026-01-01T00:00:00Z",
        },
      },
    });
    // Rewritten while still Available (a status update, a scale): nothing more.
    assert.deepEqual(types(after, after), []);
    // Created Available (no previous object) counts as a transition.
    assert.deepEqual(types(after, undefined, "ADDED"), ["deployment.available"]);
  });

  test("deployment.progress_failed only for ProgressDeadlineExceeded", () => {
    const progressing = object("deployments", {
      conditions: [cond("Progressing", "True", "ReplicaSetUpdated")],
    });
    const stalled = object("deployments", {
      conditions: [cond("Progressing", "False", "ProgressDeadlineExceeded")],
    });
    const otherFalse = object("deployments", { conditions: [cond("Progressing", "False", "Something")] });
    assert.deepEqual(types(stalled, progressing), ["deployment.progress_failed"]);
    assert.deepEqual(types(stalled, stalled), []);
    assert.deepEqual(types(otherFalse, progressing), []);
  });

  test("pod.failed when the phase becomes Failed", () => {
    const running = object("pods", { phase: "Running" });
    const failed = object("pods", {
      phase: "Failed",
      reason: "Evicted",
      message: "The node was low on memory.",
    });
    const [event] = detect(failed, running);
    assert.equal(event?.type, "pod.failed");
    assert.equal(event?.subject, "c1/core/pods/default/web");
    assert.equal(event?.data.phase, "Failed");
    assert.equal(event?.data.reason, "Evicted");
    assert.equal(event?.data.message, "The node was low on memory.");
    assert.deepEqual(types(failed, failed), []);
  });

  test("pod.crash_looping once when a container starts crash-looping, per container", () => {
    const container = (name: string, waiting?: string, restartCount = 1) => ({
      name,
      restartCount,
      state: waiting ? { waiting: { reason: waiting, message: "back-off 10s" } } : { running: {} },
    });
    const running = object("pods", {
      phase: "Running",
      containerStatuses: [container("app"), container("side")],
    });
    const looping = object("pods", {
      phase: "Running",
      containerStatuses: [container("app", "CrashLoopBackOff", 1), container("side")],
    });
    const [event, ...rest] = detect(looping, running);
    assert.equal(rest.length, 0);
    assert.equal(event?.type, "pod.crash_looping");
    assert.deepEqual(event?.data.container, {
      name: "app",
      restartCount: 1,
      reason: "CrashLoopBackOff",
      message: "back-off 10s",
    });
    // Still in back-off on the next status write: the same loop.
    assert.deepEqual(types(looping, looping), []);
    // Another container starting to loop while the first stays: one event, for it.
    const both = object("pods", {
      phase: "Running",
      containerStatuses: [container("app", "CrashLoopBackOff", 1), container("side", "CrashLoopBackOff")],
    });
    const events = detect(both, looping);
    assert.deepEqual(
      events.map((e) => (e.data.container as { name: string }).name),
      ["side"],
    );
  });

  test("pod.crash_looping fires once for a pod that keeps crashing, again after it recovered", () => {
    // The statuses the simulated kubelet writes (workers/src/kubelet/pod-sync.ts): every crash
    // shows Error, then CrashLoopBackOff while backing off; the first restart is immediate.
    const t0 = Date.parse("2026-01-01T00:00:00Z");
    const time = (s: number) => new Date(t0 + s * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    type Run = { startedAt: string; finishedAt: string };
    const terminated = (run: Run) => ({ terminated: { exitCode: 1, reason: "Error", ...run } });
    const pod = (restartCount: number, state: object, last?: Run, ready = false) =>
      object("pods", {
        phase: "Running",
        containerStatuses: [
          { name: "app", restartCount, ready, state, lastState: last ? terminated(last) : {} },
        ],
      });
    const sequence: KubeObject[] = [];
    let at = 0;
    let restartCount = 0;
    let last: Run | undefined;
    const crash = (runSeconds: number, backOffSeconds: number) => {
      const startedAt = time(at);
      sequence.push(pod(restartCount, { running: { startedAt } }, last, true));
      at += runSeconds;
      const run = { startedAt, finishedAt: time(at) };
      sequence.push(pod(restartCount, terminated(run), last));
      at += 2;
      last = run;
      if (backOffSeconds > 0) {
        const waiting = { reason: "CrashLoopBackOff", message: `back-off ${backOffSeconds}s` };
        sequence.push(pod(restartCount, { waiting }, last));
        at += backOffSeconds;
      }
      restartCount++;
    };
    crash(1, 0);
    for (const backOff of [10, 20, 40, 80, 160, 300, 300]) crash(1, backOff);
    const crashLoops = () => {
      let count = 0;
      for (let i = 0; i < sequence.length; i++) {
        count += types(sequence[i]!, sequence[i - 1]).filter((t) => t === "pod.crash_looping").length;
      }
      return count;
    };
    assert.equal(crashLoops(), 1);
    // Recovered: ran (Running and ready) for an hour, then crashed into a new loop.
    crash(3600, 10);
    crash(1, 20);
    assert.equal(crashLoops(), 2);
  });

  test("pod.unschedulable when PodScheduled turns False with reason Unschedulable", () => {
    const pending = object("pods", { phase: "Pending" });
    const unschedulable = object("pods", {
      phase: "Pending",
      conditions: [cond("PodScheduled", "False", "Unschedulable", "0/3 nodes are available")],
    });
    assert.deepEqual(types(unschedulable, pending), ["pod.unschedulable"]);
    // The scheduler rewrites the message on every retry: still the same state.
    const again = object("pods", {
      phase: "Pending",
      conditions: [cond("PodScheduled", "False", "Unschedulable", "0/4 nodes are available")],
    });
    assert.deepEqual(types(again, unschedulable), []);
  });

  test("job.succeeded and job.failed when Complete or Failed turns True", () => {
    const active = object("jobs", { active: 1 });
    const complete = object("jobs", {
      conditions: [cond("SuccessCriteriaMet", "True"), cond("Complete", "True")],
    });
    const failed = object("jobs", { conditions: [cond("Failed", "True", "BackoffLimitExceeded")] });
    assert.deepEqual(types(complete, active), ["job.succeeded"]);
    assert.deepEqual(types(failed, active), ["job.failed"]);
    assert.deepEqual(types(complete, complete), []);
    assert.equal(
      (detect(failed, active)[0]?.data.condition as { reason?: string } | undefined)?.reason,
      "BackoffLimitExceeded",
    );
  });

  test("node.not_ready when Ready leaves True, for False and Unknown alike", () => {
    const ready = object("nodes", { conditions: [cond("Ready", "True", "KubeletReady")] }, "worker-1");
    const unknown = object(
      "nodes",
      { conditions: [cond("Ready", "Unknown", "NodeStatusUnknown")] },
      "worker-1",
    );
    const notReady = object("nodes", { conditions: [cond("Ready", "False", "KubeletNotReady")] }, "worker-1");
    const [event] = detect(unknown, ready);
    assert.equal(event?.type, "node.not_ready");
    assert.equal(event?.subject, "c1/core/nodes/worker-1");
    assert.deepEqual(event?.data.object, {
      apiVersion: "v1",
      kind: "Node",
      name: "worker-1",
      uid: "uid-worker-1",
    });
    assert.deepEqual(types(notReady, ready), ["node.not_ready"]);
    assert.deepEqual(types(notReady, unknown), []);
    // A node that never was Ready has not left Ready.
    assert.deepEqual(types(notReady, undefined, "ADDED"), []);
  });

  test("deletions and other kinds report nothing", () => {
    const failed = object("pods", { phase: "Failed" });
    assert.deepEqual(types(failed, object("pods", { phase: "Running" }), "DELETED"), []);
    const rs = object("replicasets", { conditions: [cond("Available", "True")] });
    assert.deepEqual(types(rs, undefined, "ADDED"), []);
    // Same resource name in another group: not ours.
    const foreign = {
      ...change(object("deployments", { conditions: [cond("Available", "True")] })),
      group: "example.com",
    };
    assert.deepEqual(detectTransitions(foreign, undefined), []);
  });
});
