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

  test("get pods -w --output-watch-events: a pod is ADDED, scheduled, started, then DELETED", async () => {
    const w = startKubectl(k, ["get", "pods", "-n", "watch", "-w", "--output-watch-events"]);
    await k.ok(["run", "web", "--image=nginx:1.27", "--restart=Never", "-n", "watch"]);
    await w.waitForOutput("Running");
    // A pod on a node goes gracefully: Terminating while nginx stops, then DELETED.
    await k.ok(["delete", "pod", "web", "-n", "watch"]);
    await w.waitForOutput("DELETED");
    await w.stop();
    const out = lines(w.stdout());
    assert.equal(out[0], "EVENT      NAME   READY   STATUS    RESTARTS   AGE");
    const rows = out.slice(1).map(cells);
    assert.deepEqual(rows[0]?.slice(0, 5), ["ADDED", "web", "0/1", "Pending", "0"]);
    assert.equal(rows.at(-1)?.[0], "DELETED");
    assert.ok(
      rows.slice(1, -1).every((r) => r[0] === "MODIFIED"),
      JSON.stringify(rows),
    );
    assert.ok(
      rows.some((r) => r[2] === "1/1" && r[3] === "Running"),
      JSON.stringify(rows),
    );
    // The statuses come in the order a real node goes through them.
    const order = ["Pending", "ContainerCreating", "Running", "Terminating", "Completed"];
    const seen = rows.map((r) => order.indexOf(r[3] ?? "")).filter((i) => i >= 0);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      JSON.stringify(rows),
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

  test("wait --for=condition=Available: times out while it is not, returns once it is", async () => {
    // A typo in the image: the pod never starts, the Deployment never becomes available.
    await k.ok(["create", "deployment", "avail", "--image=ngnix", "-n", "watch"]);
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
    await sleep(500);
    assert.equal(w.running(), true);
    await k.ok(["set", "image", "deployment/avail", "ngnix=nginx:1.27", "-n", "watch"]);
    const res = await w.exited;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, "deployment.apps/avail condition met\n");
  });

  test("rollout status follows a rollout to 'successfully rolled out'", async () => {
    await k.ok(["create", "deployment", "roll", "--image=nginx:1.27", "--replicas=2", "-n", "watch"]);
    const first = await k.run(["rollout", "status", "deployment/roll", "-n", "watch", "--timeout=60s"]);
    assert.equal(first.code, 0, first.stderr);
    const firstLines = lines(first.stdout);
    assert.equal(firstLines.at(-1), 'deployment "roll" successfully rolled out');
    for (const line of firstLines.slice(0, -1)) assert.match(line, /^Waiting for deployment/);

    await k.ok(["set", "image", "deployment/roll", "nginx=nginx:1.28", "-n", "watch"]);
    const second = await k.run(["rollout", "status", "deployment/roll", "-n", "watch", "--timeout=60s"]);
    assert.equal(second.code, 0, second.stderr);
    const secondLines = lines(second.stdout);
    assert.equal(secondLines.at(-1), 'deployment "roll" successfully rolled out');
    assert.ok(secondLines.length > 1, "a rollout takes a moment at realistic speed");
    // The controller may not have seen the new template yet when kubectl first looks; kubectl
    // then says so, as it does on a real cluster.
    for (const line of secondLines.slice(0, -1))
      assert.match(
        line,
        /^(Waiting for deployment "roll" rollout to finish: |Waiting for deployment spec update to be observed\.\.\.$)/,
      );
    const rs = await k.ok(["get", "rs", "-n", "watch", "-l", "app=roll", "-o", "name"]);
    assert.equal(lines(rs).length, 2, "the old ReplicaSet stays, scaled to 0, for rollback");
  });
});
