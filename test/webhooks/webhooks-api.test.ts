import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PLATFORM_EVENT_TYPES } from "../../apps/api/src/webhooks/platform-events.ts";
import { call, createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";

describe("webhooks REST API", () => {
  let t: TestRuntime;
  let token: string;
  let otherToken: string;

  before(async () => {
    // Without WEBHOOK_ALLOW_PRIVATE, as in production.
    t = await createTestRuntime();
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "hooks@example.com" } })).body.token;
    otherToken = (await call(t.app, "POST", "/v1/signup", { body: { email: "other@example.com" } })).body
      .token;
  });
  after(() => t.close());

  const create = (body: unknown, as = token) => call(t.app, "POST", "/v1/webhooks", { token: as, body });

  test("create shows the secret once; get and list never do", async () => {
    const created = await create({ url: "https://hooks.example.com/sandcastle", events: ["cluster.ready"] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.id, /^wh_/);
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(created.body.url, "https://hooks.example.com/sandcastle");
    assert.deepEqual(created.body.events, ["cluster.ready"]);
    assert.equal(created.body.clusterId, null);
    assert.equal(created.body.enabled, true);
    assert.equal(created.body.disabledReason, null);

    const got = await call(t.app, "GET", `/v1/webhooks/${created.body.id}`, { token });
    assert.equal(got.status, 200);
    assert.equal(got.body.id, created.body.id);
    assert.equal("secret" in got.body, false);
    const list = await call(t.app, "GET", "/v1/webhooks", { token });
    assert.ok(list.body.items.some((w: { id: string }) => w.id === created.body.id));
    assert.ok(list.body.items.every((w: object) => !("secret" in w)));
    // Sealed at rest: the database does not hold the secret in clear.
    const [row] = await t.runtime.db.sql`select secret from webhook_endpoints where id = ${created.body.id}`;
    assert.ok(!String(row?.secret).includes(created.body.secret.slice(6)));
  });

  test("validation errors are 400s that say what is wrong", async () => {
    const cases: [unknown, RegExp][] = [
      [{ url: "not a url", events: ["cluster.ready"] }, /url "not a url" is not a valid absolute URL/],
      [
        { url: "ftp://files.example.com/x", events: ["cluster.ready"] },
        /url must use http or https, not ftp/,
      ],
      [
        { url: "https://x.example.com", events: ["cluster.exploded"] },
        /unknown event type "cluster.exploded"; known types: cluster.provisioning/,
      ],
      [{ url: "https://x.example.com", events: [] }, /events must name at least one event type/],
      [{ url: "https://x.example.com" }, /events/],
      [{ events: ["cluster.ready"] }, /url/],
      [
        { url: "https://x.example.com", events: ["cluster.ready"], secret: "mine" },
        /unknown field\(s\) "secret"/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof res.body.code, "string");
      assert.match(res.body.message, message, JSON.stringify(res.body));
      assert.ok(res.body.requestId);
    }
  });

  test("every platform event type can be subscribed to, duplicates collapse", async () => {
    const res = await create({
      url: "https://x.example.com",
      events: [...PLATFORM_EVENT_TYPES, "cluster.ready"],
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.events, [...PLATFORM_EVENT_TYPES]);
  });

  test("private and loopback destinations are refused when created or changed", async () => {
    const refused: [string, RegExp][] = [
      [
        "http://127.0.0.1:8080/hook",
        /127\.0\.0\.1 is a loopback address; webhooks are only sent to public addresses/,
      ],
      ["http://localhost/hook", /localhost is a loopback address/],
      ["http://[::1]/hook", /is a loopback address/],
      ["http://[::ffff:127.0.0.1]/hook", /is a loopback address/],
      ["http://10.0.0.5/hook", /is a private address/],
      ["http://192.168.1.10/hook", /is a private address/],
      ["http://169.254.169.254/latest/meta-data", /is a cloud metadata address/],
      ["http://100.64.1.1/", /is a carrier-grade NAT address/],
      ["http://0.0.0.0/", /is an unspecified address/],
    ];
    for (const [url, message] of refused) {
      const res = await create({ url, events: ["cluster.ready"] });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.code, "url_not_allowed");
      assert.match(res.body.message, message);
    }
    const ok = await create({ url: "https://hooks.example.com/", events: ["cluster.ready"] });
    const patched = await call(t.app, "PATCH", `/v1/webhooks/${ok.body.id}`, {
      token,
      body: { url: "http://127.0.0.1/" },
    });
    assert.equal(patched.status, 400);
    assert.match(patched.body.message, /loopback/);
  });

  test("clusterId must be a cluster of this tenant", async () => {
    const missing = await create({
      url: "https://x.example.com",
      events: ["cluster.ready"],
      clusterId: "cnope",
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'cluster "cnope" not found');
    const cluster = await call(t.app, "POST", "/v1/clusters", {
      token: otherToken,
      body: { name: "theirs", speed: "instant" },
    });
    assert.equal(cluster.status, 201);
    const theirs = await create({
      url: "https://x.example.com",
      events: ["cluster.ready"],
      clusterId: cluster.body.id,
    });
    assert.equal(theirs.status, 404);
    const scoped = await create(
      { url: "https://x.example.com", events: ["cluster.ready"], clusterId: cluster.body.id },
      otherToken,
    );
    assert.equal(scoped.status, 201);
    assert.equal(scoped.body.clusterId, cluster.body.id);
  });

  test("patch changes url, events and enabled; delete is 204 then 404", async () => {
    const created = await create({ url: "https://a.example.com", events: ["cluster.ready"] });
    const id = created.body.id;
    const patched = await call(t.app, "PATCH", `/v1/webhooks/${id}`, {
      token,
      body: { url: "https://b.example.com/in", events: ["job.failed", "pod.failed"] },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.url, "https://b.example.com/in");
    assert.deepEqual(patched.body.events, ["job.failed", "pod.failed"]);
    const off = await call(t.app, "PATCH", `/v1/webhooks/${id}`, { token, body: { enabled: false } });
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.disabledReason, "disabled by request");
    assert.ok(off.body.disabledAt);
    const test = await call(t.app, "POST", `/v1/webhooks/${id}/test`, { token });
    assert.equal(test.status, 409);
    assert.match(test.body.message, /is disabled; enable it first/);
    const on = await call(t.app, "PATCH", `/v1/webhooks/${id}`, { token, body: { enabled: true } });
    assert.equal(on.body.enabled, true);
    assert.equal(on.body.disabledReason, null);
    assert.equal(on.body.disabledAt, null);
    const bad = await call(t.app, "PATCH", `/v1/webhooks/${id}`, { token, body: { enabled: "yes" } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /enabled must be true or false/);

    assert.equal((await call(t.app, "DELETE", `/v1/webhooks/${id}`, { token })).status, 204);
    assert.equal((await call(t.app, "GET", `/v1/webhooks/${id}`, { token })).status, 404);
    assert.equal((await call(t.app, "DELETE", `/v1/webhooks/${id}`, { token })).status, 404);
  });

  test("rotation returns a new secret; the old one is kept for 24 h", async () => {
    const created = await create({ url: "https://a.example.com", events: ["cluster.ready"] });
    const rotated = await call(t.app, "POST", `/v1/webhooks/${created.body.id}/rotate-secret`, { token });
    assert.equal(rotated.status, 200);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, created.body.secret);
    const overlap = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    assert.ok(overlap > 23.9 * 3600_000 && overlap <= 24 * 3600_000, String(overlap));
    const got = await call(t.app, "GET", `/v1/webhooks/${created.body.id}`, { token });
    assert.equal(got.body.previousSecretExpiresAt, rotated.body.previousSecretExpiresAt);
    assert.equal("secret" in got.body, false);
  });

  test("another tenant's webhook answers 404 on every route", async () => {
    const created = await create({ url: "https://a.example.com", events: ["cluster.ready"] });
    const id = created.body.id;
    const routes: [string, string, unknown?][] = [
      ["GET", `/v1/webhooks/${id}`],
      ["PATCH", `/v1/webhooks/${id}`, { enabled: false }],
      ["DELETE", `/v1/webhooks/${id}`],
      ["POST", `/v1/webhooks/${id}/test`],
      ["POST", `/v1/webhooks/${id}/rotate-secret`],
      ["GET", `/v1/webhooks/${id}/deliveries`],
      ["POST", `/v1/webhooks/${id}/deliveries/whd_x/retry`],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(t.app, method, path, { token: otherToken, ...(body ? { body } : {}) });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.message, `webhook "${id}" not found`);
    }
    const list = await call(t.app, "GET", "/v1/webhooks", { token: otherToken });
    assert.ok(list.body.items.every((w: { id: string }) => w.id !== id));
    // Untouched by the other tenant's attempts.
    assert.equal((await call(t.app, "GET", `/v1/webhooks/${id}`, { token })).body.enabled, true);
  });

  test("deliveries: an unknown delivery is 404, a bad limit 400", async () => {
    const created = await create({ url: "https://a.example.com", events: ["cluster.ready"] });
    const id = created.body.id;
    const retry = await call(t.app, "POST", `/v1/webhooks/${id}/deliveries/whd_nope/retry`, { token });
    assert.equal(retry.status, 404);
    assert.match(retry.body.message, /delivery "whd_nope" of webhook/);
    const bad = await call(t.app, "GET", `/v1/webhooks/${id}/deliveries?limit=0`, { token });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /limit must be an integer from 1 to 200/);
    const empty = await call(t.app, "GET", `/v1/webhooks/${id}/deliveries`, { token });
    assert.deepEqual(empty.body, { items: [] });
  });

  test("without a token: 401", async () => {
    const res = await call(t.app, "GET", "/v1/webhooks");
    assert.equal(res.status, 401);
  });
});
