import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { KUBECTL } from "../fixtures/kubectl.ts";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";

/** A kubectl command that runs while the test acts: output read as it comes, exit awaited later. */
interface RunningKubectl {
  stdout(): string;
  /** Resolves once stdout contains `text` (or fails after `timeoutMs`). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number; stdout: string; stderr: string }>;
  running(): boolean;
  stop(): Promise<void>;
}

function startKubectl(session: KubectlSession, args: string[]): RunningKubectl {
  const child: ChildProcess = spawn(KUBECTL, ["--kubeconfig", session.kubeconfigPath, ...args], {
    env: { PATH: process.env.PATH, HOME: session.server.home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return {
    stdout: () => stdout,
    async waitForOutput(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`kubectl ${args.join(" ")}: no "${text}" in:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("kubectl watches", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("kubectl-watch@example.com");
    await k.ok(["create", "namespace", "watch"]);
  });
  after(() => k.close());

  test("get pods -w --output-watch-events: ADDED, MODIFIED to Running (a status patch), DELETED", async () => {
    const w = startKubectl(k, ["get", "pods", "-n", "watch", "-w", "--output-watch-events"]);
    await k.ok(["run", "web", "--image=nginx:1.27", "--restart=Never", "-n", "watch"]);
    await w.waitForOutput("ADDED");
    await k.ok([
      "patch",
      "pod",
      "web",
      "-n",
      "watch",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Running"}}',
    ]);
    await w.waitForOutput("Running");
    // Not bound to a node, the pod goes at once (no graceful Terminating step): pod strategy's
    // CheckGracefulDelete, pkg/registry/core/pod/strategy.go.
    await k.ok(["delete", "pod", "web", "-n", "watch"]);
    await w.waitForOutput("DELETED");
    await w.stop();
    const out = lines(w.stdout());
    assert.equal(out[0], "EVENT      NAME   READY   STATUS    RESTARTS   AGE");
    const rows = out.slice(1).map(cells);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 5)),
      [
        ["ADDED", "web", "0/1", "Pending", "0"],
        ["MODIFIED", "web", "0/1", "Running", "0"],
        ["DELETED", "web", "0/1", "Running", "0"],
      ],
    );
    for (const r of rows) assert.match(r[5] ?? "", /^\d+s$/);
  });

  test("delete returns once the object is gone, not before", async () => {
    await k.ok(["create", "configmap", "held", "-n", "watch", "--from-literal=a=b"]);
    await k.ok([
      "patch",
      "configmap",
      "held",
      "-n",
      "watch",
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    const del = startKubectl(k, ["delete", "configmap", "held", "-n", "watch"]);
    // The finalizer keeps it (with a deletionTimestamp): kubectl waits on its watch.
    await sleep(1_500);
    assert.equal(del.running(), true, "kubectl delete still waits");
    const held = JSON.parse(await k.ok(["get", "configmap", "held", "-n", "watch", "-o", "json"]));
    assert.ok(held.metadata.deletionTimestamp);
    await k.ok([
      "patch",
      "configmap",
      "held",
      "-n",
      "watch",
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    const released = Date.now();
    const res = await del.exited;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'configmap "held" deleted\n');
    assert.ok(Date.now() - released < 2_000, "returned as soon as its watch said DELETED");
    const gone = await k.run(["get", "configmap", "held", "-n", "watch"]);
    assert.equal(gone.stderr, 'Error from server (NotFound): configmaps "held" not found\n');
  });

  test("wait --for=condition=Available: times out before, returns once the status says so", async () => {
    await k.ok(["create", "deployment", "avail", "--image=nginx:1.27", "-n", "watch"]);
    const early = await k.run([
      "wait",
      "--for=condition=Available",
      "deployment/avail",
      "-n",
      "watch",
      "--timeout=2s",
    ]);
    assert.equal(early.code, 1);
    assert.equal(early.stderr, "error: timed out waiting for the condition on deployments/avail\n");

    const w = startKubectl(k, [
      "wait",
      "--for=condition=Available",
      "deployment/avail",
      "-n",
      "watch",
      "--timeout=60s",
    ]);
    const available = {
      type: "Available",
      status: "True",
      reason: "MinimumReplicasAvailable",
      message: "Deployment has minimum availability.",
    };
    // Available, but for an older generation: kubectl keeps waiting (wait.go skips objects whose
    // observedGeneration is behind metadata.generation).
    await patchStatus("deployment", "avail", { observedGeneration: 0, conditions: [available] });
    await sleep(1_500);
    assert.equal(w.running(), true, "an old generation's condition does not count");
    await patchStatus("deployment", "avail", { observedGeneration: 1, conditions: [available] });
    const res = await w.exited;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, "deployment.apps/avail condition met\n");
  });

  test("rollout status follows the status counters to 'successfully rolled out'", async () => {
    await k.ok(["create", "deployment", "roll", "--image=nginx:1.27", "--replicas=2", "-n", "watch"]);
    const w = startKubectl(k, ["rollout", "status", "deployment/roll", "-n", "watch", "--timeout=60s"]);
    await w.waitForOutput("Waiting for deployment spec update to be observed...\n");
    await patchStatus("deployment", "roll", { observedGeneration: 1, replicas: 2, updatedReplicas: 1 });
    await w.waitForOutput(
      'Waiting for deployment "roll" rollout to finish: 1 out of 2 new replicas have been updated...\n',
    );
    await patchStatus("deployment", "roll", {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 1,
      readyReplicas: 1,
    });
    await w.waitForOutput(
      'Waiting for deployment "roll" rollout to finish: 1 of 2 updated replicas are available...\n',
    );
    assert.equal(w.running(), true);
    await patchStatus("deployment", "roll", {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      readyReplicas: 2,
    });
    const res = await w.exited;
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(lines(res.stdout), [
      "Waiting for deployment spec update to be observed...",
      'Waiting for deployment "roll" rollout to finish: 1 out of 2 new replicas have been updated...',
      'Waiting for deployment "roll" rollout to finish: 1 of 2 updated replicas are available...',
      'deployment "roll" successfully rolled out',
    ]);
  });

  /** What a controller would write: a merge patch of the status subresource. */
  async function patchStatus(kind: string, name: string, status: Record<string, unknown>) {
    await k.ok([
      "patch",
      kind,
      name,
      "-n",
      "watch",
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ]);
  }
});
