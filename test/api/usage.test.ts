import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, kubeCall, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

const HOUR = 3_600_000;
/** The runtime's clock is set here and moved by hand: every ledger time is exact. */
const T0 = Date.parse("2030-03-10T00:00:00Z");
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

describe("GET /v1/usage", () => {
  let t: TestRuntime;
  let token: string;
  let clusterA: string;
  let clusterB: string;
  let now = T0;
  const moveTo = (hours: number) => {
    now = T0 + hours * HOUR;
  };

  const kube = (id: string, method: string, path: string, body?: unknown, contentType?: string) =>
    kubeCall(t.app, token, id, method, path, body, contentType);
  const createPod = async (id: string, name: string) => {
    const res = await kube(id, "POST", "/api/v1/namespaces/default/pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };
  const createCluster = async (name: string) => {
    const res = await call(t.app, "POST", "/v1/clusters", {
      token,
      // The story moves the clock on by hours: a default TTL (4 h) would expire cluster A in it.
      body: { name, nodes: { count: 1 }, speed: "instant", ttlSeconds: 7 * 86_400 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await waitForPhase(t.app, token, res.body.id, "Ready");
    return res.body.id as string;
  };
  const usage = async (query = "") => {
    const res = await call(t.app, "GET", `/v1/usage${query}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  /*
   * The story, in hours after T0 (every /k8s request to A is counted in the hour it was made):
   *   0  cluster A created
   *   1  pods p1, p2 created in A                       (2 requests)
   *   2  p1 Succeeded                                   (1 request)
   *   3  p2 deleted, p3 created                         (2 requests)
   *   4  cluster B created
   *   5  cluster A deleted: p3 ends with it
   *   6  now
   */
  before(async () => {
    t = await createTestRuntime({
      workers: true,
      controllers: [],
      env: { RATE_LIMIT_RPS: "0", IDLE_HIBERNATE_SECONDS: "0" },
    });
    t.runtime.clock = { now: () => new Date(now) };
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "usage@example.com" } })).body.token;
    clusterA = await createCluster("a");
    moveTo(1);
    await createPod(clusterA, "p1");
    await createPod(clusterA, "p2");
    moveTo(2);
    const finished = await kube(
      clusterA,
      "PATCH",
      "/api/v1/namespaces/default/pods/p1/status",
      { status: { phase: "Succeeded" } },
      "application/merge-patch+json",
    );
    assert.equal(finished.status, 200);
    moveTo(3);
    assert.equal(
      (await kube(clusterA, "DELETE", "/api/v1/namespaces/default/pods/p2?gracePeriodSeconds=0")).status,
      200,
    );
    await createPod(clusterA, "p3");
    moveTo(4);
    clusterB = await createCluster("b");
    moveTo(5);
    assert.equal((await call(t.app, "DELETE", `/v1/clusters/${clusterA}`, { token })).status, 202);
    moveTo(6);
    // The removal job drops A's rows; its usage stays in the ledger.
    for (let i = 0; ; i++) {
      const [row] = await t.runtime.db.sql`select 1 from clusters where id = ${clusterA}`;
      if (!row) break;
      assert.ok(i < 200, "cluster A was never removed");
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  after(() => t.close());

  test("by default: the current calendar month until now, deleted clusters included", async () => {
    const report = await usage();
    assert.equal(report.from, "2030-03-01T00:00:00.000Z");
    assert.equal(report.to, at(6));
    assert.deepEqual(report.clusters, [
      {
        clusterId: clusterA,
        name: "a",
        createdAt: at(0),
        deletedAt: at(5),
        clusterHours: 5,
        // p1 1 h (until Succeeded), p2 2 h (until deleted), p3 2 h (until the cluster went).
        podHours: 5,
        apiRequests: 5,
      },
      {
        clusterId: clusterB,
        name: "b",
        createdAt: at(4),
        deletedAt: null,
        clusterHours: 2,
        podHours: 0,
        apiRequests: 0,
      },
    ]);
    assert.deepEqual(report.totals, { clusterHours: 7, podHours: 5, apiRequests: 5 });
  });

  test("a range cuts lifetimes and pod time; API requests count by the hours it touches", async () => {
    const report = await usage(`?from=${at(2.5)}&to=${at(4.5)}`);
    assert.equal(report.from, at(2.5));
    assert.equal(report.to, at(4.5));
    const [a, b] = report.clusters;
    // p2 2.5–3 h, p3 3–4.5 h; requests of the hours 2, 3 and 4.
    assert.deepEqual([a.clusterHours, a.podHours, a.apiRequests], [2, 2, 3]);
    assert.deepEqual([b.clusterHours, b.podHours, b.apiRequests], [0.5, 0, 0]);
    assert.deepEqual(report.totals, { clusterHours: 2.5, podHours: 2, apiRequests: 3 });

    const later = await usage(`?from=${at(5.5)}`);
    assert.deepEqual(
      later.clusters.map((c: { name: string; clusterHours: number }) => [c.name, c.clusterHours]),
      [["b", 0.5]],
      "a cluster deleted before the range is not in it",
    );
  });

  test("dates: `to` includes its whole day; a range ending in the future is measured until now", async () => {
    const report = await usage("?from=2030-03-10&to=2030-03-10");
    assert.equal(report.from, at(0));
    assert.equal(report.to, at(6));
    assert.deepEqual(report.totals, { clusterHours: 7, podHours: 5, apiRequests: 5 });
    const future = await usage("?from=2030-03-11&to=2030-03-12");
    assert.equal(future.to, future.from, "nothing after now is measured");
    assert.deepEqual(future.clusters, []);
  });

  test("API request counts read the same once flushed from Redis to Postgres", async () => {
    await t.runtime.requestLimiter.counts.flush();
    const rows = await t.runtime.db.sql<{ hour: string; requests: number }[]>`
      select hour, requests from usage_api_requests where cluster_id = ${clusterA} order by hour`;
    assert.deepEqual(
      rows.map((r) => [new Date(r.hour).toISOString(), r.requests]),
      [
        [at(1), 2],
        [at(2), 1],
        [at(3), 2],
      ],
    );
    assert.equal((await usage()).totals.apiRequests, 5);
    // More requests after the flush: Postgres and Redis add up.
    moveTo(6.5);
    assert.equal((await kube(clusterB, "GET", "/api/v1/namespaces")).status, 200);
    const report = await usage();
    assert.deepEqual(
      report.clusters.map((c: { name: string; apiRequests: number }) => [c.name, c.apiRequests]),
      [
        ["a", 5],
        ["b", 1],
      ],
    );
    moveTo(6);
  });

  test("another tenant sees none of it", async () => {
    const other = (await call(t.app, "POST", "/v1/signup", { body: { email: "other@example.com" } })).body
      .token;
    const res = await call(t.app, "GET", "/v1/usage", { token: other });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.clusters, []);
    assert.deepEqual(res.body.totals, { clusterHours: 0, podHours: 0, apiRequests: 0 });
  });

  test("bad ranges are 400s that say what is wrong", async () => {
    for (const [query, message] of [
      ["?from=yesterday", /from must be an ISO 8601 date/],
      ["?to=2030-02-30", /to must be an ISO 8601 date/],
      ["?from=2030-03-10T00:00:00", /timestamp with a zone/],
      [`?from=${at(5)}&to=${at(1)}`, /is after to/],
      ["?from=2028-01-01&to=2030-01-01", /at most 366 days/],
    ] as const) {
      const res = await call(t.app, "GET", `/v1/usage${query}`, { token });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, "invalid_range");
      assert.match(res.body.message, message);
    }
  });
});
