import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eventsAbout, type Json, type SimCluster, startSimCluster } from "./fixtures/sim-cluster.ts";

const NS = "default";
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;
const PODS = `/api/v1/namespaces/${NS}/pods`;

function jobManifest(name: string, spec: Record<string, unknown>, restartPolicy = "Never"): Json {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      template: {
        spec: {
          restartPolicy,
          containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "true"] }],
        },
      },
      ...spec,
    },
  };
}

const kubeNow = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/** The kubelet's part: the pod's only container ended with this exit code. */
async function finishPod(sim: SimCluster, pod: string, exitCode: number): Promise<void> {
  const now = kubeNow();
  const status = {
    phase: exitCode === 0 ? "Succeeded" : "Failed",
    conditions: [{ type: "Ready", status: "False", reason: "PodCompleted", lastTransitionTime: now }],
    containerStatuses: [
      {
        name: "main",
        image: "busybox",
        imageID: "",
        ready: false,
        restartCount: 0,
        started: false,
        state: {
          terminated: {
            exitCode,
            reason: exitCode === 0 ? "Completed" : "Error",
            startedAt: now,
            finishedAt: now,
          },
        },
      },
    ],
  };
  const res = await sim.request("PATCH", `${PODS}/${pod}/status`, { status }, "application/merge-patch+json");
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function podsOf(sim: SimCluster, job: string): Promise<Json[]> {
  const res = await sim.get(`${PODS}?labelSelector=batch.kubernetes.io/job-name%3D${job}`);
  return res.body.items;
}

const isActive = (p: Json) =>
  !p.metadata.deletionTimestamp && p.status.phase !== "Succeeded" && p.status.phase !== "Failed";

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    assert.ok(Date.now() < deadline, `${what} did not happen in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until every expected `Reason: message` event about the object has been recorded; returns them all. */
async function eventsInclude(sim: SimCluster, name: string, ...expected: string[]): Promise<string[]> {
  let events: string[] = [];
  await eventually(`events ${expected.join(" | ")} about ${name}`, async () => {
    events = await eventsAbout(sim, NS, name);
    return expected.every((e) => events.includes(e)) || undefined;
  });
  return events;
}

/** Waits until the Job's pods satisfy `ok`, returning them. */
const podsWhen = (sim: SimCluster, job: string, ok: (pods: Json[]) => boolean, what: string) =>
  eventually(what, async () => {
    const pods = await podsOf(sim, job);
    return ok(pods) ? pods : undefined;
  });

const jobWhen = (sim: SimCluster, job: string, ok: (job: Json) => boolean, what: string) =>
  sim.eventually(`${JOBS}/${job}`, (res) => res.status === 200 && ok(res.body), what);

const conditionTypes = (job: Json) => (job.status.conditions ?? []).map((c: Json) => `${c.type}=${c.status}`);

describe("job controller", () => {
  let sim: SimCluster;

  before(async () => {
    sim = await startSimCluster("jobs", ["job"]);
  });
  after(() => sim.close());

  test("runs completions with at most parallelism pods at once and completes exactly once", async () => {
    await sim.create(JOBS, jobManifest("pi", { completions: 5, parallelism: 2 }));
    const seen = new Set<string>();
    let maxActive = 0;
    // Extra writes to the Job while it runs provoke many overlapping reconciles of the same key.
    let stop = false;
    const noise = (async () => {
      for (let i = 0; !stop; i++) {
        await sim.request(
          "PATCH",
          `${JOBS}/pi`,
          { metadata: { annotations: { poke: `${i}` } } },
          "application/merge-patch+json",
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const job = (await sim.get(`${JOBS}/pi`)).body;
      const pods = await podsOf(sim, "pi");
      for (const p of pods) seen.add(p.metadata.name);
      const active = pods.filter(isActive);
      maxActive = Math.max(maxActive, active.length);
      if (conditionTypes(job).includes("Complete=True")) break;
      assert.ok(Date.now() < deadline, `job never completed: ${JSON.stringify(job.status)}`);
      const next = active[0];
      if (next) await finishPod(sim, next.metadata.name, 0);
      else await new Promise((r) => setTimeout(r, 20));
    }
    stop = true;
    await noise;
    assert.ok(maxActive <= 2, `saw ${maxActive} active pods`);
    assert.equal(seen.size, 5, `created ${[...seen].join(", ")}`);

    const job = (await sim.get(`${JOBS}/pi`)).body;
    assert.equal(job.status.succeeded, 5);
    assert.equal(job.status.failed, undefined);
    assert.equal(job.status.active, undefined);
    assert.equal(job.status.ready, 0);
    assert.equal(job.status.terminating, 0);
    assert.deepEqual(job.status.uncountedTerminatedPods, {});
    assert.deepEqual(conditionTypes(job), ["SuccessCriteriaMet=True", "Complete=True"]);
    assert.ok(job.status.startTime && job.status.completionTime);

    const pods = await podsOf(sim, "pi");
    const uid = job.metadata.uid;
    for (const pod of pods) {
      assert.match(pod.metadata.name, /^pi-[a-z0-9]{5}$/);
      assert.equal(pod.metadata.labels["batch.kubernetes.io/controller-uid"], uid);
      assert.equal(pod.metadata.labels["controller-uid"], uid);
      assert.equal(pod.metadata.labels["batch.kubernetes.io/job-name"], "pi");
      assert.equal(pod.metadata.labels["job-name"], "pi");
      assert.deepEqual(pod.metadata.ownerReferences, [
        { apiVersion: "batch/v1", kind: "Job", name: "pi", uid, controller: true, blockOwnerDeletion: true },
      ]);
      assert.equal(pod.metadata.finalizers, undefined, "counted pods lose the tracking finalizer");
    }
    const events = await eventsInclude(sim, "pi", "Completed: Job completed");
    assert.equal(events.filter((e) => e.startsWith("SuccessfulCreate: Created pod: pi-")).length, 5);
  });

  test("running pods hold the tracking finalizer until counted", async () => {
    await sim.create(JOBS, jobManifest("held", {}));
    const [pod] = await podsWhen(sim, "held", (p) => p.length === 1, "a pod");
    assert.deepEqual(pod.metadata.finalizers, ["batch.kubernetes.io/job-tracking"]);
    const job = await jobWhen(sim, "held", (j) => j.status.active === 1, "active=1");
    assert.ok(job.status.startTime);
    await finishPod(sim, pod.metadata.name, 0);
    await jobWhen(sim, "held", (j) => conditionTypes(j).includes("Complete=True"), "complete");
  });

  test("failed pods count towards backoffLimit; exceeding it fails the Job", async () => {
    await sim.create(JOBS, jobManifest("flaky", { backoffLimit: 1 }));
    const [first] = await podsWhen(sim, "flaky", (p) => p.length === 1, "first pod");
    await finishPod(sim, first.metadata.name, 1);
    const pods = await podsWhen(
      sim,
      "flaky",
      (p) => p.filter(isActive).length === 1 && p.length === 2,
      "replacement",
    );
    await jobWhen(sim, "flaky", (j) => j.status.failed === 1, "failed=1");
    const second = pods.find((p) => p.metadata.name !== first.metadata.name);
    await finishPod(sim, second.metadata.name, 2);
    const job = await jobWhen(sim, "flaky", (j) => conditionTypes(j).includes("Failed=True"), "failed");
    assert.deepEqual(conditionTypes(job), ["FailureTarget=True", "Failed=True"]);
    const failed = job.status.conditions[1];
    assert.equal(failed.reason, "BackoffLimitExceeded");
    assert.equal(failed.message, "Job has reached the specified backoff limit");
    assert.equal(job.status.failed, 2);
    assert.equal(job.status.succeeded, undefined);
    assert.equal(job.status.completionTime, undefined);
    assert.equal((await podsOf(sim, "flaky")).length, 2, "no pod after the limit");
    await eventsInclude(sim, "flaky", "BackoffLimitExceeded: Job has reached the specified backoff limit");
  });

  test("restartPolicy OnFailure: container restarts count towards backoffLimit", async () => {
    await sim.create(JOBS, jobManifest("restarts", { backoffLimit: 2 }, "OnFailure"));
    const [pod] = await podsWhen(sim, "restarts", (p) => p.length === 1, "a pod");
    const status = {
      phase: "Running",
      containerStatuses: [
        {
          name: "main",
          image: "busybox",
          imageID: "",
          ready: false,
          restartCount: 2,
          started: false,
          state: { waiting: { reason: "CrashLoopBackOff" } },
        },
      ],
    };
    const res = await sim.request(
      "PATCH",
      `${PODS}/${pod.metadata.name}/status`,
      { status },
      "application/merge-patch+json",
    );
    assert.equal(res.status, 200);
    const job = await jobWhen(sim, "restarts", (j) => conditionTypes(j).includes("Failed=True"), "failed");
    assert.equal(job.status.conditions.at(-1).reason, "BackoffLimitExceeded");
    await podsWhen(sim, "restarts", (p) => p.length === 0, "the running pod removed");
  });

  test("activeDeadlineSeconds fails the Job on time and removes its running pods", async () => {
    await sim.create(JOBS, jobManifest("slow", { completions: 2, parallelism: 2, activeDeadlineSeconds: 1 }));
    await podsWhen(sim, "slow", (p) => p.filter(isActive).length === 2, "two pods");
    const job = await jobWhen(sim, "slow", (j) => conditionTypes(j).includes("Failed=True"), "deadline");
    const failed = job.status.conditions.find((c: Json) => c.type === "Failed");
    const ranMs = Date.parse(failed.lastTransitionTime) - Date.parse(job.status.startTime);
    assert.ok(ranMs >= 1000, `failed after ${ranMs} ms, before the deadline`);
    assert.equal(failed.reason, "DeadlineExceeded");
    assert.equal(failed.message, "Job was active longer than specified deadline");
    assert.equal(job.status.failed, 2);
    assert.equal(job.status.active, undefined);
    await podsWhen(sim, "slow", (p) => p.length === 0, "pods removed");
    await eventsInclude(sim, "slow", "DeadlineExceeded: Job was active longer than specified deadline");
  });

  test("ttlSecondsAfterFinished deletes the finished Job and its pods", async () => {
    await sim.create(JOBS, jobManifest("short-lived", { ttlSecondsAfterFinished: 1 }));
    const [pod] = await podsWhen(sim, "short-lived", (p) => p.length === 1, "a pod");
    await finishPod(sim, pod.metadata.name, 0);
    const finished = await jobWhen(
      sim,
      "short-lived",
      (j) => conditionTypes(j).includes("Complete=True"),
      "done",
    );
    assert.ok(finished);
    await sim.eventually(`${JOBS}/short-lived`, (res) => res.status === 404, "job deleted");
    await podsWhen(sim, "short-lived", (p) => p.length === 0, "pods deleted");
  });

  test("Indexed: one pod per index with its hostname and env; completedIndexes; failed indexes rerun", async () => {
    await sim.create(JOBS, jobManifest("idx", { completions: 3, parallelism: 3, completionMode: "Indexed" }));
    const pods = await podsWhen(sim, "idx", (p) => p.length === 3, "three pods");
    const byIndex = new Map<string, Json>();
    for (const pod of pods) {
      const ix = pod.metadata.annotations["batch.kubernetes.io/job-completion-index"];
      byIndex.set(ix, pod);
      assert.equal(pod.metadata.labels["batch.kubernetes.io/job-completion-index"], ix);
      assert.equal(pod.spec.hostname, `idx-${ix}`);
      assert.match(pod.metadata.name, new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
      assert.deepEqual(pod.spec.containers[0].env, [
        {
          name: "JOB_COMPLETION_INDEX",
          valueFrom: {
            fieldRef: {
              apiVersion: "v1",
              fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']",
            },
          },
        },
      ]);
    }
    assert.deepEqual([...byIndex.keys()].sort(), ["0", "1", "2"]);
    await finishPod(sim, byIndex.get("1").metadata.name, 0);
    await finishPod(sim, byIndex.get("0").metadata.name, 0);
    await jobWhen(
      sim,
      "idx",
      (j) => j.status.completedIndexes === "0,1" && j.status.succeeded === 2,
      "0,1 done",
    );
    await finishPod(sim, byIndex.get("2").metadata.name, 1);
    const again = await podsWhen(sim, "idx", (p) => p.filter(isActive).length === 1, "index 2 again");
    const rerun = again.find(isActive);
    assert.equal(rerun.metadata.annotations["batch.kubernetes.io/job-completion-index"], "2");
    await finishPod(sim, rerun.metadata.name, 0);
    const job = await jobWhen(sim, "idx", (j) => conditionTypes(j).includes("Complete=True"), "complete");
    assert.equal(job.status.completedIndexes, "0-2");
    assert.equal(job.status.succeeded, 3);
    assert.equal(job.status.failed, 1);
  });

  test("a suspended Job runs nothing until resumed", async () => {
    await sim.create(JOBS, jobManifest("later", { suspend: true }));
    const job = await jobWhen(sim, "later", (j) => conditionTypes(j).includes("Suspended=True"), "suspended");
    assert.equal(job.status.startTime, undefined);
    assert.equal((await podsOf(sim, "later")).length, 0);
    await sim.request("PATCH", `${JOBS}/later`, { spec: { suspend: false } }, "application/merge-patch+json");
    await podsWhen(sim, "later", (p) => p.length === 1, "a pod after resume");
    const resumed = await jobWhen(
      sim,
      "later",
      (j) => conditionTypes(j).includes("Suspended=False"),
      "resumed",
    );
    assert.equal(resumed.status.conditions[0].reason, "JobResumed");
    await eventsInclude(sim, "later", "Suspended: Job suspended", "Resumed: Job resumed");
  });

  test("deleting a running Job releases its pods' finalizers so they go too", async () => {
    await sim.create(JOBS, jobManifest("gone", { parallelism: 2, completions: 2 }));
    await podsWhen(sim, "gone", (p) => p.length === 2, "two pods");
    assert.equal((await sim.request("DELETE", `${JOBS}/gone`)).status, 200);
    await podsWhen(sim, "gone", (p) => p.length === 0, "pods gone");
  });
});
