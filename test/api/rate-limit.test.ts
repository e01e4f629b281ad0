import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import type { Logger } from "../../apps/api/src/platform/logger.ts";
import { createRedis } from "../../apps/api/src/platform/redis.ts";
import { RequestLimiter } from "../../apps/api/src/ratelimit/request-limiter.ts";
import { call, createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";

const RPS = 2;
const BURST = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for any bucket to be full again. */
const refill = () => sleep((BURST / RPS) * 1000 + 100);

describe("per-token rate limits", () => {
  let t: TestRuntime;
  let token: string;
  let second: string;
  let clusterId: string;
  let clusterToken: string;

  /** A request that waits out 429s, for the setup. */
  const patiently = async (method: string, path: string, options: { token: string; body?: unknown }) => {
    for (;;) {
      const res = await call(t.app, method, path, options);
      if (res.status !== 429) return res;
      await sleep(Number(res.headers.get("retry-after")) * 1000);
    }
  };

  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: [],
      env: { RATE_LIMIT_RPS: String(RPS), RATE_LIMIT_BURST: String(BURST), USAGE_FLUSH_SECONDS: "1" },
    });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "limits@example.com" } })).body.token;
    second = (await patiently("POST", "/v1/tokens", { token, body: { name: "second" } })).body.token;
    const created = await patiently("POST", "/v1/clusters", {
      token,
      body: { name: "limited", nodes: { count: 1 }, speed: "instant" },
    });
    clusterId = created.body.id;
    while ((await patiently("GET", `/v1/clusters/${clusterId}`, { token })).body.status.phase !== "Ready") {
      await sleep(100);
    }
    const kubeconfig = await patiently("GET", `/v1/clusters/${clusterId}/kubeconfig`, { token });
    clusterToken = parse(kubeconfig.body).users[0].user.token;
  });
  after(() => t.close());

  test("the Kubernetes API answers 429 TooManyRequests with Retry-After past the burst; later requests pass", async () => {
    await refill();
    const path = `/k8s/${clusterId}/api/v1/namespaces/default/configmaps`;
    for (let i = 0; i < BURST; i++) {
      assert.equal((await call(t.app, "GET", path, { token: clusterToken })).status, 200, `request ${i + 1}`);
    }
    const refused = await call(t.app, "GET", path, { token: clusterToken });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.deepEqual(refused.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        "Too many requests, please try again later: this token may make 2 requests per second (bursts of 3); retry after 1s",
      reason: "TooManyRequests",
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
    await sleep(1000);
    assert.equal((await call(t.app, "GET", path, { token: clusterToken })).status, 200, "after Retry-After");
  });

  test("the REST API answers a JSON 429 with Retry-After; each token has its own bucket", async () => {
    await refill();
    for (let i = 0; i < BURST; i++) {
      assert.equal((await call(t.app, "GET", "/v1/clusters", { token })).status, 200, `request ${i + 1}`);
    }
    const refused = await call(t.app, "GET", "/v1/clusters", { token });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal(refused.body.code, "rate_limited");
    assert.match(refused.body.message, /^Too many requests, please try again later/);
    assert.equal(typeof refused.body.requestId, "string");

    // The tenant's other token, and the cluster's kubeconfig token, are not held back.
    for (let i = 0; i < BURST; i++) {
      assert.equal((await call(t.app, "GET", "/v1/clusters", { token: second })).status, 200);
    }
    assert.equal((await call(t.app, "GET", "/v1/clusters", { token: second })).status, 429);
    assert.equal(
      (await call(t.app, "GET", `/k8s/${clusterId}/version`, { token: clusterToken })).status,
      200,
    );
    await sleep(1000);
    assert.equal((await call(t.app, "GET", "/v1/clusters", { token })).status, 200, "after Retry-After");
  });

  test("admitted Kubernetes API requests are counted for their cluster and flushed to Postgres", async () => {
    await refill();
    const before = await flushedRequests();
    for (let i = 0; i < BURST; i++)
      await call(t.app, "GET", `/k8s/${clusterId}/version`, { token: clusterToken });
    // Refused requests are not counted.
    assert.equal(
      (await call(t.app, "GET", `/k8s/${clusterId}/version`, { token: clusterToken })).status,
      429,
    );
    for (let i = 0; ; i++) {
      if ((await flushedRequests()) === before + BURST) break;
      assert.ok(i < 100, "the counts never reached Postgres");
      await sleep(50);
    }
  });

  const flushedRequests = async () => {
    const [row] = await t.runtime.db.sql<{ n: number }[]>`
      select coalesce(sum(requests), 0)::int as n from usage_api_requests where cluster_id = ${clusterId}`;
    return row!.n;
  };

  test("signup is not limited", async () => {
    for (let i = 0; i < BURST + 2; i++) {
      const res = await call(t.app, "POST", "/v1/signup", { body: { email: `someone-${i}@example.com` } });
      assert.equal(res.status, 201);
    }
  });

  test("without Redis the limiter lets requests through and says so in the log", async () => {
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (msg) => warnings.push(msg), error() {} };
    // Nothing listens on port 1: every command fails at once.
    const unreachable = createRedis("redis://127.0.0.1:1", "producer");
    unreachable.on("error", () => {});
    try {
      const limiter = new RequestLimiter({
        redis: unreachable,
        redisPrefix: t.redis.prefix,
        rateLimit: { rps: 1, burst: 1 },
        counts: t.runtime.requestLimiter.counts,
        log,
        now: () => new Date(),
      });
      for (let i = 0; i < 5; i++)
        assert.deepEqual(await limiter.admit("tok_x", clusterId), { admitted: true, retryAfterSeconds: 0 });
      assert.deepEqual(
        warnings,
        ["rate limiter: Redis unavailable, admitting requests unlimited"],
        "logged once",
      );
    } finally {
      unreachable.disconnect();
    }
  });

  test("RATE_LIMIT_RPS=0 turns the limit off", async () => {
    const limiter = new RequestLimiter({
      redis: t.runtime.redis,
      redisPrefix: t.redis.prefix,
      rateLimit: { rps: 0, burst: 1 },
      counts: t.runtime.requestLimiter.counts,
      log: t.runtime.log,
      now: () => new Date(),
    });
    for (let i = 0; i < 20; i++) assert.equal((await limiter.admit("tok_unlimited")).admitted, true);
  });
});
