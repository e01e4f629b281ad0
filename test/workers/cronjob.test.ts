import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { jobsBeyondLimit } from "../../workers/src/controllers/cronjob/history.ts";
import { jobFromTemplate, jobNameFor } from "../../workers/src/controllers/cronjob/job-from-template.ts";
import {
  effectiveSchedule,
  mostRecentScheduleTime,
  nextScheduleAfter,
  nextScheduleDelayMs,
  parseSchedule,
} from "../../workers/src/controllers/cronjob/schedule.ts";
import { keyId } from "../../workers/src/runtime/reconcile-key.ts";
import { eventsAbout, type Json, type SimCluster, startSimCluster } from "./fixtures/sim-cluster.ts";

const at = (iso: string) => new Date(iso);
const next = (schedule: string, after: string, timeZone?: string) =>
  nextScheduleAfter(parseSchedule(schedule, timeZone), at(after))?.toISOString();

describe("cron schedules", () => {
  test("five fields: ranges, steps, lists, names, descriptors (UTC)", () => {
    assert.equal(next("* * * * *", "2024-03-01T10:00:00.000Z"), "2024-03-01T10:01:00.000Z");
    assert.equal(next("* * * * *", "2024-03-01T10:00:59.999Z"), "2024-03-01T10:01:00.000Z");
    assert.equal(next("5/20 * * * *", "2024-03-01T10:26:00Z"), "2024-03-01T10:45:00.000Z");
    assert.equal(next("*/15 9-17 * * 1-5", "2024-03-01T17:50:00Z"), "2024-03-04T09:00:00.000Z");
    assert.equal(next("0 12 * JAN,jul sun", "2024-02-01T00:00:00Z"), "2024-07-07T12:00:00.000Z");
    assert.equal(next("0 0 1,15 * *", "2024-02-15T00:00:00Z"), "2024-03-01T00:00:00.000Z");
    // Day of month and day of week both restricted: either one matches.
    assert.equal(next("0 0 13 * 5", "2024-09-01T00:00:00Z"), "2024-09-06T00:00:00.000Z");
    assert.equal(next("@hourly", "2024-03-01T10:30:00Z"), "2024-03-01T11:00:00.000Z");
    assert.equal(next("@daily", "2024-03-01T10:30:00Z"), "2024-03-02T00:00:00.000Z");
    assert.equal(next("@weekly", "2024-03-01T10:30:00Z"), "2024-03-03T00:00:00.000Z");
    assert.equal(next("@monthly", "2024-12-31T10:30:00Z"), "2025-01-01T00:00:00.000Z");
    assert.equal(next("@yearly", "2024-03-01T10:30:00Z"), "2025-01-01T00:00:00.000Z");
    assert.equal(next("@every 90s", "2024-03-01T10:30:00.400Z"), "2024-03-01T10:31:30.000Z");
    assert.equal(next("0 0 29 2 *", "2024-03-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
    assert.equal(next("59 23 31 2 *", "2024-03-01T00:00:00Z"), undefined);
    assert.throws(() => parseSchedule("61 * * * *"), /end of range \(61\) above maximum \(59\)/);
  });

  test("an IANA zone from spec.timeZone or CRON_TZ, across its DST change", () => {
    assert.equal(effectiveSchedule("0 9 * * *", "Europe/Berlin"), "TZ=Europe/Berlin 0 9 * * *");
    assert.equal(effectiveSchedule("CRON_TZ=UTC 0 9 * * *", "Europe/Berlin"), "CRON_TZ=UTC 0 9 * * *");
    // 09:00 in New York is 14:00Z in winter (EST) and 13:00Z in summer (EDT).
    assert.equal(next("0 9 * * *", "2024-01-15T00:00:00Z", "America/New_York"), "2024-01-15T14:00:00.000Z");
    assert.equal(next("0 9 * * *", "2024-07-15T00:00:00Z", "America/New_York"), "2024-07-15T13:00:00.000Z");
    assert.equal(
      next("CRON_TZ=America/New_York 0 9 * * *", "2024-07-15T00:00:00Z"),
      "2024-07-15T13:00:00.000Z",
    );
    // 2024-03-10 02:30 does not exist in New York: that day is skipped, as robfig/cron does.
    assert.equal(next("30 2 * * *", "2024-03-09T12:00:00Z", "America/New_York"), "2024-03-11T06:30:00.000Z");
    // Day boundaries follow the zone too: Monday 00:30 in Tokyo is Sunday 15:30Z.
    assert.equal(next("30 0 * * MON", "2024-03-01T00:00:00Z", "Asia/Tokyo"), "2024-03-03T15:30:00.000Z");
  });

  test("the most recent due time, missed runs and the starting deadline", () => {
    const every = parseSchedule("* * * * *");
    const state = { creationTimestamp: "2024-03-01T12:00:30Z" };
    const now = at("2024-03-01T12:05:10Z");
    const recent = mostRecentScheduleTime(state, now, every, true);
    assert.equal(recent.mostRecent?.toISOString(), "2024-03-01T12:05:00.000Z");
    assert.equal(recent.missed, "few");
    const withinDeadline = { ...state, startingDeadlineSeconds: 60 };
    assert.equal(
      mostRecentScheduleTime(withinDeadline, now, every, true).mostRecent?.toISOString(),
      "2024-03-01T12:05:00.000Z",
    );
    const pastDeadline = { ...state, startingDeadlineSeconds: 5 };
    assert.equal(mostRecentScheduleTime(pastDeadline, now, every, true).mostRecent, undefined);
    const ran = { ...state, lastScheduleTime: "2024-03-01T12:05:00Z" };
    assert.equal(mostRecentScheduleTime(ran, now, every, true).mostRecent, undefined);
    const ancient = { creationTimestamp: "2024-01-01T00:00:00Z" };
    assert.equal(mostRecentScheduleTime(ancient, now, every, true).missed, "many");
    assert.throws(
      () => mostRecentScheduleTime(state, now, parseSchedule("59 23 31 2 *"), true),
      /less than 1 second/,
    );
  });

  test("the requeue delay aims just past the next schedule time", () => {
    const hourly = parseSchedule("0 * * * *");
    const state = { creationTimestamp: "2024-03-01T12:00:30Z" };
    assert.equal(nextScheduleDelayMs(state, at("2024-03-01T12:59:00Z"), hourly), 60_100);
    // Missed runs: the next time after now.
    assert.equal(nextScheduleDelayMs(state, at("2024-03-01T15:30:00Z"), hourly), 30 * 60_000 + 100);
  });

  test("Jobs are named by their schedule time in minutes and annotated in the CronJob's zone", () => {
    const scheduled = at("2024-03-01T08:00:00Z");
    assert.equal(jobNameFor("report", scheduled), `report-${scheduled.getTime() / 60_000}`);
    const cronJob: KubeObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "report", namespace: "default", uid: "u1" },
      spec: {
        timeZone: "Europe/Berlin",
        jobTemplate: { metadata: { labels: { app: "r" } }, spec: { template: { spec: {} } } },
      },
    };
    const job = jobFromTemplate(cronJob, scheduled);
    assert.equal(
      job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"],
      "2024-03-01T09:00:00+01:00",
    );
    assert.deepEqual(job.metadata.labels, { app: "r" });
    assert.equal(job.metadata.ownerReferences?.[0]?.controller, true);
  });

  test("history clean-up removes the oldest finished Jobs first", () => {
    const job = (name: string, startTime?: string): KubeObject => ({
      metadata: { name },
      ...(startTime ? { status: { startTime } } : {}),
    });
    const jobs = [
      job("c", "2024-03-01T12:02:00Z"),
      job("never"),
      job("a", "2024-03-01T12:00:00Z"),
      job("b", "2024-03-01T12:01:00Z"),
    ];
    assert.deepEqual(
      jobsBeyondLimit(jobs, 1).map((j) => j.metadata.name),
      ["a", "b", "c"],
    );
    assert.deepEqual(jobsBeyondLimit(jobs, 4), []);
  });
});

const NS = "default";
const CRONJOBS = `/apis/batch/v1/namespaces/${NS}/cronjobs`;
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;
const PODS = `/api/v1/namespaces/${NS}/pods`;
const MINUTE = 60_000;

function cronJobManifest(name: string, spec: Record<string, unknown> = {}, backoffLimit = 6): Json {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name },
    spec: {
      schedule: "* * * * *",
      jobTemplate: {
        metadata: { labels: { cron: name } },
        spec: {
          backoffLimit,
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "main", image: "busybox", command: ["date"] }],
            },
          },
        },
      },
      ...spec,
    },
  };
}

describe("cronjob controller", () => {
  let sim: SimCluster;
  /** The cluster's clock runs this far ahead of the real one; tests only ever move it forward. */
  let offsetMs = 0;
  const fakeNow = () => Date.now() + offsetMs;

  before(async () => {
    sim = await startSimCluster("cron", ["job", "cronjob"]);
    sim.t.runtime.clock = { now: () => new Date(fakeNow()) };
  });
  after(() => sim.close());

  const jobsOf = async (cronJob: string): Promise<Json[]> =>
    ((await sim.get(JOBS)).body.items as Json[]).filter(
      (j) => j.metadata.ownerReferences?.[0]?.name === cronJob,
    );

  async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      assert.ok(Date.now() < deadline, `${what} did not happen in time`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until every expected `Reason: message` event about the object has been recorded. */
  const eventsInclude = (name: string, ...expected: string[]) =>
    eventually(`events ${expected.join(" | ")} about ${name}`, async () => {
      const events = await eventsAbout(sim, NS, name);
      return expected.every((e) => events.includes(e)) || undefined;
    });

  const jobsWhen = (cronJob: string, ok: (jobs: Json[]) => boolean, what: string) =>
    eventually(what, async () => {
      const jobs = await jobsOf(cronJob);
      return ok(jobs) ? jobs : undefined;
    });

  const cronJobWhen = (name: string, ok: (cj: Json) => boolean, what: string) =>
    sim.eventually(`${CRONJOBS}/${name}`, (res) => res.status === 200 && ok(res.body), what);

  /** Moves the cluster's clock `ms` ahead and wakes the CronJob, as the timer at that time would. */
  async function advance(ms: number, ...cronJobs: string[]): Promise<void> {
    offsetMs += ms;
    for (const name of cronJobs) {
      const poke = { metadata: { annotations: { "test/poke": String(offsetMs) } } };
      const res = await sim.request("PATCH", `${CRONJOBS}/${name}`, poke, "application/merge-patch+json");
      assert.equal(res.status, 200);
    }
  }

  /** Plays the kubelet for the Job's one pod: it exits with this code. */
  async function finishJobPod(job: string, exitCode: number): Promise<void> {
    const pod = await eventually(`a pod of ${job}`, async () => {
      const res = await sim.get(`${PODS}?labelSelector=batch.kubernetes.io/job-name%3D${job}`);
      return (res.body.items as Json[]).find((p) => p.status.phase === "Pending");
    });
    const now = new Date(fakeNow()).toISOString().replace(/\.\d+Z$/, "Z");
    const terminated = {
      exitCode,
      reason: exitCode ? "Error" : "Completed",
      startedAt: now,
      finishedAt: now,
    };
    const status = {
      phase: exitCode ? "Failed" : "Succeeded",
      containerStatuses: [
        { name: "main", image: "busybox", imageID: "", ready: false, restartCount: 0, state: { terminated } },
      ],
    };
    const path = `${PODS}/${pod.metadata.name}/status`;
    const res = await sim.request("PATCH", path, { status }, "application/merge-patch+json");
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  const finished = (job: Json, type: string) =>
    (job.status?.conditions ?? []).some((c: Json) => c.type === type && c.status === "True");

  test("waits for the next schedule time with a single timer, then runs <name>-<minutes>", async () => {
    // Put the cluster's clock 1.5 s before a minute boundary, after the CronJob's creation time (the
    // store stamps real time), both in the same minute.
    while (Date.now() % MINUTE > MINUTE - 2_000) await new Promise((r) => setTimeout(r, 100));
    const real = Date.now();
    const boundary = Math.ceil((real + 1_600) / MINUTE) * MINUTE;
    offsetMs = Math.max(0, boundary - 1_500 - real);
    await sim.create(CRONJOBS, cronJobManifest("tick"));
    const key = keyId({
      clusterId: sim.base.split("/")[2] ?? "",
      controller: "cronjob",
      namespace: NS,
      name: "tick",
    });
    const timers = await eventually("the timer", async () => {
      const delayed = await sim.t.runtime.reconcileQueue.timers.getDelayed();
      const mine = delayed.filter((j) => keyId(j.data) === key);
      return mine.length > 0 ? mine : undefined;
    });
    assert.equal(timers.length, 1, "one delayed reconcile, no polling");
    assert.equal((await jobsOf("tick")).length, 0, "nothing runs before its time");

    const [job] = await jobsWhen("tick", (j) => j.length === 1, "the scheduled job");
    const scheduled = new Date(boundary);
    assert.equal(job.metadata.name, `tick-${boundary / MINUTE}`);
    assert.equal(job.metadata.labels.cron, "tick");
    assert.equal(
      job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"],
      scheduled.toISOString().replace(".000Z", "Z"),
    );
    const cj = await cronJobWhen("tick", (c) => c.status.active?.length === 1, "active job");
    assert.deepEqual(job.metadata.ownerReferences, [
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        name: "tick",
        uid: cj.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(cj.status.active[0].name, job.metadata.name);
    assert.equal(cj.status.active[0].uid, job.metadata.uid);
    assert.equal(cj.status.lastScheduleTime, scheduled.toISOString().replace(".000Z", "Z"));

    await finishJobPod(job.metadata.name, 0);
    const done = await cronJobWhen(
      "tick",
      (c) => !c.status.active && c.status.lastSuccessfulTime,
      "job seen done",
    );
    assert.ok(done.status.lastSuccessfulTime);
    await eventsInclude(
      "tick",
      `SuccessfulCreate: Created job ${job.metadata.name}`,
      `SawCompletedJob: Saw completed job: ${job.metadata.name}, status: Complete`,
    );
  });

  test("a missed schedule within startingDeadlineSeconds runs at once; one past it waits", async () => {
    await advance(3 * MINUTE);
    const secondsIntoMinute = (fakeNow() % MINUTE) / 1000;
    await sim.create(CRONJOBS, cronJobManifest("late", { startingDeadlineSeconds: 120 }));
    const [job] = await jobsWhen("late", (j) => j.length === 1, "the missed run");
    assert.equal(job.metadata.name, `late-${Math.floor(fakeNow() / MINUTE)}`);

    // Too late for the last time: the next one is awaited.
    await advance(MINUTE - (fakeNow() % MINUTE) + 30_000);
    await sim.create(CRONJOBS, cronJobManifest("strict", { startingDeadlineSeconds: 10 }));
    await cronJobWhen("strict", () => true, "created");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await jobsOf("strict")).length, 0, `nothing at ${secondsIntoMinute}s past the minute`);
    await advance(MINUTE - (fakeNow() % MINUTE) + 2_000, "strict");
    await jobsWhen("strict", (j) => j.length === 1, "the next run");
  });

  test("concurrencyPolicy Allow, Forbid and Replace", async () => {
    await advance(2 * MINUTE);
    const names = ["allow", "forbid", "replace"];
    await sim.create(CRONJOBS, cronJobManifest("allow", { concurrencyPolicy: "Allow" }));
    await sim.create(CRONJOBS, cronJobManifest("forbid", { concurrencyPolicy: "Forbid" }));
    await sim.create(CRONJOBS, cronJobManifest("replace", { concurrencyPolicy: "Replace" }));
    const first = new Map<string, Json>();
    for (const name of names)
      first.set(name, (await jobsWhen(name, (j) => j.length === 1, `${name}: first`))[0]);
    for (const name of names)
      await cronJobWhen(name, (c) => c.status.active?.length === 1, `${name}: active`);

    await advance(MINUTE, ...names);
    const allowed = await cronJobWhen("allow", (c) => c.status.active?.length === 2, "allow: two active");
    assert.equal(allowed.status.active.length, 2);

    const replaced = await cronJobWhen(
      "replace",
      (c) => c.status.active?.length === 1 && c.status.active[0].uid !== first.get("replace").metadata.uid,
      "replace: the new job active",
    );
    await jobsWhen(
      "replace",
      (j) => j.length === 1 && j[0].metadata.uid === replaced.status.active[0].uid,
      "old gone",
    );
    await eventsInclude("replace", `SuccessfulDelete: Deleted job ${first.get("replace").metadata.name}`);

    await eventually("forbid: JobAlreadyActive", async () => {
      const events = await eventsAbout(sim, NS, "forbid");
      return events.some((e) => e.startsWith("JobAlreadyActive: Not starting job")) || undefined;
    });
    assert.equal((await jobsOf("forbid")).length, 1);
    // Once the running one finishes, the time it blocked (still due) runs.
    await finishJobPod(first.get("forbid").metadata.name, 0);
    const [, second] = await jobsWhen("forbid", (j) => j.length === 2, "forbid: the blocked run");
    await cronJobWhen(
      "forbid",
      (c) => c.status.active?.length === 1 && c.status.active[0].uid === second.metadata.uid,
      "forbid: only the new run active",
    );
  });

  test("successful and failed Jobs beyond the history limits are deleted, oldest first", async () => {
    await advance(2 * MINUTE);
    const limits = { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 };
    await sim.create(CRONJOBS, cronJobManifest("hist", limits, 0));
    const names: string[] = [];
    for (const exitCode of [0, 0, 1, 1]) {
      const jobs = await jobsWhen("hist", (j) => j.some((x) => !names.includes(x.metadata.name)), "next run");
      const job = jobs.find((x) => !names.includes(x.metadata.name));
      names.push(job.metadata.name);
      await finishJobPod(job.metadata.name, exitCode);
      await eventually("finished", async () => {
        const res = await sim.get(`${JOBS}/${job.metadata.name}`);
        return finished(res.body, exitCode ? "Failed" : "Complete") || undefined;
      });
      await advance(MINUTE, "hist");
    }
    const kept = await jobsWhen(
      "hist",
      (jobs) => !jobs.some((j) => j.metadata.name === names[0] || j.metadata.name === names[2]),
      "oldest of each kind deleted",
    );
    const keptNames = kept.map((j) => j.metadata.name);
    assert.ok(keptNames.includes(names[1]) && keptNames.includes(names[3]), keptNames.join(","));
    await eventsInclude(
      "hist",
      `SuccessfulDelete: Deleted job ${names[0]}`,
      `SuccessfulDelete: Deleted job ${names[2]}`,
    );
  });

  test("a suspended CronJob starts nothing; a Job made from it by hand is not taken as its run", async () => {
    await sim.create(CRONJOBS, cronJobManifest("paused", { suspend: true }));
    const cj = await cronJobWhen("paused", () => true, "created");
    await advance(MINUTE, "paused");
    // What `kubectl create job manual --from=cronjob/paused` sends.
    await sim.create(JOBS, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "manual",
        annotations: { "cronjob.kubernetes.io/instantiate": "manual" },
        ownerReferences: [
          { apiVersion: "batch/v1", kind: "CronJob", name: "paused", uid: cj.metadata.uid, controller: true },
        ],
      },
      spec: cronJobManifest("paused").spec.jobTemplate.spec,
    });
    await eventsInclude(
      "paused",
      "UnexpectedJob: Saw a job that the controller did not create or forgot: manual",
    );
    const after = (await sim.get(`${CRONJOBS}/paused`)).body;
    assert.equal(after.status.active, undefined);
    assert.deepEqual(
      (await jobsOf("paused")).map((j) => j.metadata.name),
      ["manual"],
    );
  });
});
