import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ConfigError, loadConfig } from "../../apps/api/src/config.ts";
import { scheduleExpiryJob } from "../../apps/api/src/services/lifecycle-jobs.ts";
import { startClusterLifecycleWorker } from "../../workers/src/runtime/cluster-lifecycle-worker.ts";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";
import {
  createCluster,
  delayedLifecycleJobs,
  eventually,
  flushLifecycleQueue,
  pendingExpiryJobs,
  platformEventsOf,
  signup,
} from "./helpers.ts";

describe("cluster TTL configuration", () => {
  test("defaults: 4 h per cluster, at most 7 days, at least 60 s, warned 15 min before", () => {
    const config = loadConfig({});
    assert.deepEqual(config.clusterTtl, {
      defaultSeconds: 14_400,
      minSeconds: 60,
      maxSeconds: 604_800,
      warningSeconds: 900,
    });
    assert.equal(config.idleHibernateMs, 1_800_000);
  });

  test("a default outside MIN…MAX stops the process with a message naming the variables", () => {
    assert.throws(
      () => loadConfig({ MAX_CLUSTER_TTL_SECONDS: "3600" }),
      (err: Error) => err instanceof ConfigError && /DEFAULT_CLUSTER_TTL_SECONDS/.test(err.message),
    );
  });
});

/** Short lifetimes (MIN 1 s, a 2 s warning lead) so expiries happen within the test. */
describe("cluster TTL: expiry, cluster.expiring, extension", () => {
  let t: TestRuntime;
  let token: string;

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: [],
      env: {
        MIN_CLUSTER_TTL_SECONDS: "1",
        DEFAULT_CLUSTER_TTL_SECONDS: "600",
        MAX_CLUSTER_TTL_SECONDS: "3600",
        CLUSTER_EXPIRY_WARNING_SECONDS: "2",
        IDLE_HIBERNATE_SECONDS: "0",
      },
    });
    token = await signup(t, "ttl@example.com");
  });
  after(() => t.close());

  const get = (id: string) => call(t.app, "GET", `/v1/clusters/${id}`, { token });
  const gone = (id: string, timeoutMs = 10_000) =>
    eventually(
      `cluster ${id} was not deleted`,
      () => get(id),
      (res) => res.status === 404,
      timeoutMs,
    );

  test("without ttlSeconds a cluster gets the default; beyond the configured range is a clear 400", async () => {
    const created = await createCluster(t, token, { name: "default-ttl" });
    const lifetime = Date.parse(created.expiresAt) - Date.parse(created.createdAt);
    assert.equal(lifetime, 600_000);
    for (const ttlSeconds of [3601, 0, 1.5, -5]) {
      const res = await call(t.app, "POST", "/v1/clusters", { token, body: { name: "bad-ttl", ttlSeconds } });
      assert.equal(res.status, 400, String(ttlSeconds));
      assert.equal(res.body.code, "invalid_request");
      assert.equal(
        res.body.message,
        `ttlSeconds must be a whole number of seconds from 1 to 3600 (1 hour); got ${ttlSeconds}`,
      );
    }
    const text = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "bad", ttlSeconds: "60" },
    });
    assert.equal(text.status, 400);
    assert.match(text.body.message, /ttlSeconds/);
  });

  test("an expired cluster is deleted by its expiry job, after a cluster.expiring warning", async () => {
    const created = await createCluster(t, token, { name: "short", ttlSeconds: 4 });
    await waitForPhase(t.app, token, created.id, "Ready");
    const expiresAt = Date.parse(created.expiresAt);
    await gone(created.id);
    const deletedSeen = Date.now();
    assert.ok(deletedSeen >= expiresAt, "deleted before its expiry");
    const list = await call(t.app, "GET", "/v1/clusters", { token });
    assert.ok(!list.body.items.some((c: { id: string }) => c.id === created.id));
    // Deleted the way DELETE deletes: the rows go too, and so do its jobs.
    await eventually(
      "the cluster row was not removed",
      async () => (await t.database.db.sql`select 1 from clusters where id = ${created.id}`).length,
      (n) => n === 0,
    );
    await eventually(
      "the deleted cluster kept delayed jobs",
      () => delayedLifecycleJobs(t, created.id),
      (jobs) => jobs.length === 0,
    );

    const events = await platformEventsOf(t, created.id);
    const expiring = events.filter((e) => e.type === "cluster.expiring");
    assert.equal(expiring.length, 1, JSON.stringify(events));
    const warning = expiring[0]!;
    // Sent at the warning lead (2 s) before the expiry, not at once and not at the end.
    assert.ok(warning.occurred_at.getTime() >= expiresAt - 2000, "warned too early");
    assert.ok(warning.occurred_at.getTime() < expiresAt, "warned after the expiry");
    assert.equal(warning.data.clusterId, created.id);
    assert.equal(warning.data.name, "short");
    assert.equal(warning.data.phase, "Ready");
    assert.equal(warning.data.expiresAt, created.expiresAt);
  });

  test("a TTL shorter than the warning lead warns at once", async () => {
    const created = await createCluster(t, token, { name: "shorter", ttlSeconds: 1 });
    await gone(created.id);
    const expiring = (await platformEventsOf(t, created.id)).filter((e) => e.type === "cluster.expiring");
    assert.equal(expiring.length, 1);
    assert.ok(expiring[0]!.occurred_at.getTime() <= Date.parse(created.expiresAt));
    assert.equal(expiring[0]!.data.secondsLeft, 1);
  });

  test("PATCH ttlSeconds extends: the cluster outlives its first expiry; an early job re-arms", async () => {
    const created = await createCluster(t, token, { name: "extended", ttlSeconds: 3 });
    const patched = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token,
      body: { ttlSeconds: 60 },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.id, created.id);
    const expiresAt = Date.parse(patched.body.expiresAt);
    assert.ok(Math.abs(expiresAt - (Date.now() + 60_000)) < 2000, patched.body.expiresAt);
    // The expiry job put back at the old expiry (as if the PATCH's re-arm had been lost) fires there:
    // it deletes nothing, and re-arms itself for the new warning time.
    await scheduleExpiryJob(t.runtime, Date.parse(created.expiresAt));
    await new Promise((r) => setTimeout(r, 4000));
    const after = await get(created.id);
    assert.equal(after.status, 200);
    assert.equal(after.body.expiresAt, patched.body.expiresAt);
    const jobs = await pendingExpiryJobs(t);
    assert.equal(jobs.length, 1, JSON.stringify(jobs));
    assert.ok(Math.abs(jobs[0]!.dueAt - (expiresAt - 2000)) < 100, JSON.stringify(jobs));
    assert.deepEqual(await delayedLifecycleJobs(t, created.id), [], "no job of the cluster's own");

    // PATCH may also shorten the lifetime: the job moves forward.
    const shortened = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token,
      body: { ttlSeconds: 1 },
    });
    assert.equal(shortened.status, 200);
    await gone(created.id, 5000);
  });

  test("after Redis lost the expiry job, a worker start re-arms it from Postgres", async () => {
    const created = await createCluster(t, token, { name: "flushed", ttlSeconds: 3 });
    await flushLifecycleQueue(t);
    assert.deepEqual(await pendingExpiryJobs(t), [], "the flush left the expiry job");
    const worker = startClusterLifecycleWorker(t.runtime);
    try {
      const [job] = await eventually(
        "no expiry job re-armed",
        () => pendingExpiryJobs(t),
        (jobs) => jobs.length === 1,
      );
      assert.ok(job!.dueAt <= Date.parse(created.expiresAt) - 2000 + 100, JSON.stringify(job));
      await gone(created.id);
      const expiring = (await platformEventsOf(t, created.id)).filter((e) => e.type === "cluster.expiring");
      assert.equal(expiring.length, 1);
    } finally {
      await worker.close();
    }
  });

  test("an extension gets a warning of its own", async () => {
    const created = await createCluster(t, token, { name: "rewarned", ttlSeconds: 1 });
    await eventually(
      "no first warning",
      () => platformEventsOf(t, created.id),
      (events) => events.some((e) => e.type === "cluster.expiring"),
    );
    const patched = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token,
      body: { ttlSeconds: 3 },
    });
    assert.equal(patched.status, 200);
    await gone(created.id);
    const expiring = (await platformEventsOf(t, created.id)).filter((e) => e.type === "cluster.expiring");
    assert.deepEqual(
      expiring.map((e) => e.data.expiresAt),
      [created.expiresAt, patched.body.expiresAt],
    );
  });

  test("a hibernated cluster still expires", async () => {
    const created = await createCluster(t, token, { name: "sleeper", ttlSeconds: 600 });
    await waitForPhase(t.app, token, created.id, "Ready");
    const slept = await call(t.app, "POST", `/v1/clusters/${created.id}/hibernate`, { token });
    assert.equal(slept.status, 202);
    const patched = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token,
      body: { ttlSeconds: 1 },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.status.phase, "Hibernated");
    assert.deepEqual(await delayedLifecycleJobs(t, created.id), [], "a hibernated cluster has no job");
    await gone(created.id);
  });

  test("PATCH errors: unknown cluster 404, another tenant's 404, bad bodies 400", async () => {
    const created = await createCluster(t, token, { name: "patch-errors" });
    const missing = await call(t.app, "PATCH", "/v1/clusters/cnope", { token, body: { ttlSeconds: 60 } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "not_found");
    const other = await signup(t, "ttl-other@example.com");
    const foreign = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token: other,
      body: { ttlSeconds: 60 },
    });
    assert.equal(foreign.status, 404);
    const empty = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, { token, body: {} });
    assert.equal(empty.status, 400);
    assert.match(empty.body.message, /ttlSeconds/);
    const extra = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token,
      body: { ttlSeconds: 60, name: "x" },
    });
    assert.equal(extra.status, 400);
    assert.match(extra.body.message, /unknown field\(s\) "name"/);
    const tooLong = await call(t.app, "PATCH", `/v1/clusters/${created.id}`, {
      token,
      body: { ttlSeconds: 7200 },
    });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.message, /from 1 to 3600/);
    // Nothing changed.
    assert.equal((await get(created.id)).body.expiresAt, created.expiresAt);
  });
});
