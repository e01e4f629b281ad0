import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../../apps/api/src/config.ts";
import { openRuntime, type Runtime } from "../../apps/api/src/platform/runtime.ts";
import { kickWebhookDispatch, queueSweep, UNTIL_IT_SUCCEEDS } from "../../apps/api/src/webhooks/dispatch.ts";
import { type RunningWorkers, startWorkers } from "../../workers/src/start-workers.ts";
import { call, createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";
import { type Received, Receiver } from "./receiver.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read API answers field by field and assert each one.
type Json = any;

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    assert.ok(Date.now() < deadline, `${what} did not happen in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function signup(t: TestRuntime, email: string): Promise<string> {
  return (await call(t.app, "POST", "/v1/signup", { body: { email } })).body.token;
}

async function createWebhook(t: TestRuntime, token: string, url: string, events: string[]): Promise<Json> {
  const res = await call(t.app, "POST", "/v1/webhooks", { token, body: { url, events } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function ping(t: TestRuntime, token: string, webhookId: string): Promise<string> {
  const res = await call(t.app, "POST", `/v1/webhooks/${webhookId}/test`, { token });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.eventId;
}

async function deliveries(t: TestRuntime, token: string, webhookId: string): Promise<Json[]> {
  return (await call(t.app, "GET", `/v1/webhooks/${webhookId}/deliveries`, { token })).body.items;
}

const at = (path: string) => (r: Received) => r.path === path;

describe("webhooks that keep failing", () => {
  let t: TestRuntime;
  let token: string;
  const receiver = new Receiver();

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: [],
      // A retry window of one second stands for the 24 h of production.
      env: { WEBHOOK_ALLOW_PRIVATE: "1", WEBHOOK_RETRY_SCHEDULE: "0.1", WEBHOOK_MAX_RETRY_SECONDS: "1" },
    });
    token = await signup(t, "failing@example.com");
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await t.close();
  });

  test("are disabled once nothing got through for a whole retry window; re-enabled, a retry goes out", async () => {
    let down = true;
    receiver.respond = (r) => (r.path === "/dead" && down ? { status: 500 } : { status: 204 });
    // Subscribed to its own disabling too: it must not be sent there.
    const hook = await createWebhook(t, token, receiver.url("/dead"), ["cluster.ready", "endpoint.disabled"]);
    const watcher = await createWebhook(t, token, receiver.url("/watcher"), ["endpoint.disabled"]);
    const eventId = await ping(t, token, hook.id);
    const disabled = await eventually("the webhook disabled", async () => {
      const res = await call(t.app, "GET", `/v1/webhooks/${hook.id}`, { token });
      return res.body.enabled === false && res.body;
    });
    assert.match(
      disabled.disabledReason,
      /^every delivery failed for 1 s; last error: HTTP 500 Internal Server Error$/,
    );
    assert.ok(Date.parse(disabled.disabledAt) > 0);
    assert.match(disabled.disabledEventId, /^msg_/);

    // The tenant's other webhook hears of it, with the event the disabled one names.
    await receiver.waitFor(
      "endpoint.disabled at the watcher",
      () => receiver.delivered(at("/watcher")).length > 0,
    );
    const [notice, ...more] = receiver.delivered(at("/watcher"));
    assert.equal(more.length, 0);
    assert.equal(notice!.id, disabled.disabledEventId);
    assert.equal(notice!.event.type, "endpoint.disabled");
    assert.deepEqual(notice!.event.data, {
      webhookId: hook.id,
      url: receiver.url("/dead"),
      reason: disabled.disabledReason,
      disabledAt: disabled.disabledAt,
    });
    const [watched] = await eventually("the watcher's delivery recorded", async () => {
      const items = await deliveries(t, token, watcher.id);
      return items[0]?.status === "succeeded" && items;
    });
    assert.equal(watched.type, "endpoint.disabled");

    const all = await deliveries(t, token, hook.id);
    assert.equal(all.length, 1, JSON.stringify(all));
    const [failed] = all;
    assert.equal(failed.eventId, eventId);
    assert.equal(failed.status, "failed");
    assert.ok(failed.attempts.length >= 2, JSON.stringify(failed));
    assert.match(failed.failureReason, /^gave up after \d+ attempts: HTTP 500 Internal Server Error$/);
    assert.ok(failed.attempts.every((a: Json) => a.statusCode === 500));

    // Disabled: no test event, no retry, and no new event reaches it.
    assert.equal((await call(t.app, "POST", `/v1/webhooks/${hook.id}/test`, { token })).status, 409);
    const refused = await call(t.app, "POST", `/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`, {
      token,
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "webhook_disabled");

    down = false;
    const enabled = await call(t.app, "PATCH", `/v1/webhooks/${hook.id}`, { token, body: { enabled: true } });
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.enabled, true);
    assert.equal(enabled.body.disabledReason, null);
    assert.equal(enabled.body.disabledAt, null);
    const retried = await call(t.app, "POST", `/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`, {
      token,
    });
    assert.equal(retried.status, 202);
    await receiver.waitFor("the retried delivery", () =>
      receiver.delivered(at("/dead")).some((r) => r.id === eventId),
    );
    const [done] = await eventually("the retry recorded", async () => {
      const items = await deliveries(t, token, hook.id);
      return items[0]?.status === "succeeded" && items;
    });
    assert.equal(done.failureReason, null);
    assert.equal(done.attempts.at(-1).statusCode, 204);
  });

  test("stay enabled while other deliveries get through", async () => {
    // Refuses test events, accepts cluster events: one event failing is not a dead endpoint.
    receiver.respond = (r) =>
      r.path === "/picky" && r.event.type === "webhook.test" ? { status: 500 } : { status: 204 };
    const hook = await createWebhook(t, token, receiver.url("/picky"), [
      "cluster.provisioning",
      "cluster.ready",
    ]);
    const eventId = await ping(t, token, hook.id);
    const cluster = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "picky", speed: "instant" },
    });
    assert.equal(cluster.status, 201);
    await receiver.waitFor("the cluster's events", () => receiver.delivered(at("/picky")).length === 2);
    const failed = await eventually("the test event given up", async () => {
      const item = (await deliveries(t, token, hook.id)).find((d) => d.eventId === eventId);
      return item?.status === "failed" && item;
    });
    assert.match(failed.failureReason, /^gave up after/);
    const webhook = await call(t.app, "GET", `/v1/webhooks/${hook.id}`, { token });
    assert.equal(webhook.body.enabled, true);
    assert.equal(webhook.body.disabledReason, null);
  });
});

describe("a manual retry", () => {
  let t: TestRuntime;
  let token: string;
  const receiver = new Receiver();

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: [],
      // A quick first step, then one longer than the whole window: a second attempt only comes
      // from the first step.
      env: { WEBHOOK_ALLOW_PRIVATE: "1", WEBHOOK_RETRY_SCHEDULE: "0.2,30", WEBHOOK_MAX_RETRY_SECONDS: "1" },
    });
    token = await signup(t, "retry-window@example.com");
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await t.close();
  });

  test("starts the retry schedule again from its first step", async () => {
    receiver.respond = () => ({ status: 500 });
    const hook = await createWebhook(t, token, receiver.url("/flaky"), ["cluster.ready"]);
    await ping(t, token, hook.id);
    const [failed] = await eventually("the delivery given up", async () => {
      const items = await deliveries(t, token, hook.id);
      return items[0]?.status === "failed" && items;
    });
    assert.equal(failed.attempts.length, 2);
    assert.match(failed.failureReason, /^gave up after 2 attempts: /);

    const enabled = await call(t.app, "PATCH", `/v1/webhooks/${hook.id}`, { token, body: { enabled: true } });
    assert.equal(enabled.status, 200);
    const retried = await call(t.app, "POST", `/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`, {
      token,
    });
    assert.equal(retried.status, 202);
    // Two more attempts: the first failure of the new window waits the 0.2 s step, not the 30 s one.
    const [again] = await eventually("the retried delivery given up", async () => {
      const items = await deliveries(t, token, hook.id);
      return items[0]?.status === "failed" && items[0].attempts.length > 2 && items;
    });
    assert.equal(again.attempts.length, 4, JSON.stringify(again));
    assert.match(again.failureReason, /^gave up after 2 attempts: /);
  });
});

describe("webhook destinations checked at connect time", () => {
  let t: TestRuntime;
  let token: string;
  let strict: Runtime;
  let workers: RunningWorkers;
  const receiver = new Receiver();

  before(async () => {
    // An operator allowed private addresses, created webhooks to this machine, then turned the
    // permission off: the API process below still allows them, the worker process does not.
    t = await createTestRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: "1" } });
    token = await signup(t, "ssrf@example.com");
    strict = await openRuntime(
      loadConfig({
        REDIS_PREFIX: t.redis.prefix,
        LOG_LEVEL: "silent",
        SECRETS_KEY: t.runtime.config.secretsKey!,
        WEBHOOK_RETRY_SCHEDULE: "0.1",
        WEBHOOK_MAX_RETRY_SECONDS: "0.5",
      }),
      { databaseUrl: t.database.url, redisUrl: t.redis.url },
      { migrate: false },
    );
    workers = startWorkers(strict, ["webhooks"]);
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await workers.close();
    await strict.close();
    await t.close();
  });

  test("a name resolving to loopback and a loopback literal are refused, the reason recorded", async () => {
    const byName = await createWebhook(t, token, `http://localhost:${receiver.portNumber}/name`, [
      "cluster.ready",
    ]);
    const byLiteral = await createWebhook(t, token, receiver.url("/literal"), ["cluster.ready"]);
    await ping(t, token, byName.id);
    await ping(t, token, byLiteral.id);
    const failedOf = (id: string) =>
      eventually(`the delivery to ${id} given up`, async () => {
        const [item] = await deliveries(t, token, id);
        return item?.status === "failed" && item;
      });
    const name = await failedOf(byName.id);
    for (const attempt of name.attempts) {
      assert.equal(attempt.statusCode, null);
      assert.match(
        attempt.error,
        /^refused to connect to localhost \((127\.0\.0\.1|::1)\): a loopback address; webhooks are only sent to public addresses$/,
      );
    }
    const literal = await failedOf(byLiteral.id);
    for (const attempt of literal.attempts) {
      assert.equal(
        attempt.error,
        "refused to connect to 127.0.0.1: a loopback address; webhooks are only sent to public addresses",
      );
    }
    assert.equal(receiver.requests.length, 0);
  });
});

describe("webhook recovery after Redis lost its jobs", () => {
  let t: TestRuntime;
  let workers: RunningWorkers | undefined;
  const receiver = new Receiver();

  before(async () => {
    t = await createTestRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: "1" } });
    await receiver.start();
  });
  after(async () => {
    await receiver.stop();
    await workers?.close();
    await t.close();
  });

  test("sweeps and dispatches are retried for as long as Postgres stays away", async () => {
    // Without a worker the jobs stay queued, as added. BullMQ gives up on a job after its
    // attempts; the only jobs that repair lost work must not, or an outage would end them.
    await queueSweep(t.runtime.webhookQueue, 60_000);
    await kickWebhookDispatch(t.runtime);
    const jobs = await t.runtime.webhookQueue.getJobs(["delayed", "waiting"]);
    assert.deepEqual(jobs.map((j) => j.name).sort(), ["dispatch", "sweep"]);
    for (const job of jobs) {
      assert.equal(job.opts.attempts, UNTIL_IT_SUCCEEDS.attempts, job.name);
      assert.ok(job.opts.attempts! >= 1_000_000, job.name);
      assert.deepEqual(job.opts.backoff, { type: "fixed", delay: 5_000 }, job.name);
    }
  });

  test("a worker starting sweeps undispatched events and pending deliveries back into the queue", async () => {
    const token = await signup(t, "recovery@example.com");
    const hook = await createWebhook(t, token, receiver.url("/late"), ["cluster.provisioning"]);
    const cluster = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "early", speed: "instant" },
    });
    assert.equal(cluster.status, 201);
    const eventId = await ping(t, token, hook.id);
    const [outbox] = await t.runtime.db.sql<{ undispatched: number }[]>`
      select count(*)::int as undispatched from platform_events where dispatched_at is null`;
    assert.equal(outbox?.undispatched, 1);

    // Redis comes back empty: the dispatch kick and the delivery job are gone.
    await t.redis.cleanup();
    assert.equal(await t.runtime.webhookQueue.count(), 0);

    workers = startWorkers(t.runtime, ["webhooks"]);
    const got = await receiver.waitFor("both events", () => {
      const received = receiver.delivered(at("/late"));
      return received.length === 2 && received;
    });
    assert.deepEqual(got.map((r) => r.event.type).sort(), ["cluster.provisioning", "webhook.test"]);
    assert.ok(got.some((r) => r.id === eventId));
    assert.equal(
      got.find((r) => r.event.type === "cluster.provisioning")?.event.data.clusterId,
      cluster.body.id,
    );
  });
});
