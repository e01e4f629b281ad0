import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { MAX_BODY_BYTES } from "../../apps/api/src/app.ts";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

describe("tenant REST API", () => {
  let t: TestRuntime;
  let token: string;

  before(async () => {
    t = await createTestRuntime({ workers: true, env: { MAX_CLUSTERS_PER_TENANT: "3" } });
    const res = await call(t.app, "POST", "/v1/signup", { body: { email: "Learner@Example.com" } });
    assert.equal(res.status, 201);
    assert.equal(res.body.tenant.email, "learner@example.com");
    token = res.body.token;
  });
  after(() => t.close());

  test("signup twice with one email is a 409", async () => {
    const res = await call(t.app, "POST", "/v1/signup", { body: { email: "learner@example.com" } });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "email_taken");
    assert.ok(res.body.requestId);
  });

  test("bad signup bodies are 400s that say what is wrong", async () => {
    const bad = await call(t.app, "POST", "/v1/signup", {
      rawBody: "{nope",
      headers: { "content-type": "application/json" },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /not valid JSON/);
    const wrong = await call(t.app, "POST", "/v1/signup", { body: { email: 42 } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.message, /email/);
    const extra = await call(t.app, "POST", "/v1/signup", { body: { email: "x@y.io", admin: true } });
    assert.equal(extra.status, 400);
    assert.match(extra.body.message, /unknown field\(s\) "admin"/);
  });

  test("missing, malformed and forged tokens are 401 with a JSON error", async () => {
    for (const authorization of [
      undefined,
      "Basic abc",
      "Bearer not.a.jwt",
      `Bearer ${token.slice(0, -4)}AAAA`,
    ]) {
      const res = await call(t.app, "GET", "/v1/clusters", {
        headers: authorization ? { authorization } : {},
      });
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.body.code, "unauthorized");
      assert.equal(typeof res.body.message, "string");
    }
  });

  test("tokens: create, list without secrets, revoke takes effect on the next request", async () => {
    const created = await call(t.app, "POST", "/v1/tokens", { token, body: { name: "ci" } });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^ey/);
    const second = created.body.token as string;
    assert.equal((await call(t.app, "GET", "/v1/clusters", { token: second })).status, 200);
    const list = await call(t.app, "GET", "/v1/tokens", { token });
    assert.deepEqual(
      list.body.items.map((i: { name: string }) => i.name),
      ["signup", "ci"],
    );
    assert.ok(list.body.items.every((i: Record<string, unknown>) => !("token" in i)));
    assert.equal((await call(t.app, "DELETE", `/v1/tokens/${created.body.id}`, { token })).status, 204);
    const after = await call(t.app, "GET", "/v1/clusters", { token: second });
    assert.equal(after.status, 401);
    assert.equal(after.body.message, "token revoked");
    assert.equal((await call(t.app, "DELETE", `/v1/tokens/${created.body.id}`, { token })).status, 404);
  });

  test("an expired token is refused", async () => {
    const created = await call(t.app, "POST", "/v1/tokens", {
      token,
      body: { name: "short", expiresInSeconds: 60 },
    });
    await t.database.db
      .sql`update api_tokens set expires_at = now() - interval '1 second' where id = ${created.body.id}`;
    const res = await call(t.app, "GET", "/v1/clusters", { token: created.body.token });
    assert.equal(res.status, 401);
    assert.equal(res.body.message, "token expired");
  });

  test("a cluster is created Provisioning, becomes Ready and holds what a fresh cluster holds", async () => {
    const res = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "demo", nodes: { count: 2, cpu: "2", memory: "4Gi" } },
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.status.phase, "Provisioning");
    assert.match(res.body.server, new RegExp(`/k8s/${res.body.id}$`));
    const ready = await waitForPhase(t.app, token, res.body.id, "Ready");
    assert.equal(ready.nodes.count, 2);
    assert.ok(ready.readyAt);
    const store = t.runtime.store;
    const names = async (resource: string, namespace?: string, group = "") =>
      (await store.list(res.body.id, { group, resource, namespace })).items.map(
        (o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`,
      );
    assert.deepEqual(await names("namespaces"), [
      "/default",
      "/kube-node-lease",
      "/kube-public",
      "/kube-system",
    ]);
    assert.deepEqual(await names("serviceaccounts"), [
      "default/default",
      "kube-node-lease/default",
      "kube-public/default",
      "kube-system/default",
    ]);
    assert.equal((await names("configmaps")).filter((n) => n.endsWith("/kube-root-ca.crt")).length, 4);
    assert.deepEqual(await names("services"), ["default/kubernetes", "kube-system/kube-dns"]);
    const nodes = (await store.list(res.body.id, { group: "", resource: "nodes" })).items;
    assert.deepEqual(
      nodes.map((n) => n.metadata.name),
      ["demo-control-plane", "demo-worker"],
    );
    const worker = nodes[1] as unknown as {
      metadata: { labels: Record<string, string> };
      // biome-ignore lint/suspicious/noExplicitAny: the node status is asserted field by field.
      status: Record<string, any>;
    };
    assert.equal(worker.metadata.labels["kubernetes.io/hostname"], "demo-worker");
    assert.equal(worker.metadata.labels["node-role.kubernetes.io/worker"], "");
    assert.equal(worker.status.capacity.memory, "4194304Ki");
    assert.equal(worker.status.allocatable.cpu, "2");
    assert.equal(worker.status.conditions.find((c: { type: string }) => c.type === "Ready").status, "True");
    assert.equal(worker.status.addresses[0].type, "InternalIP");
    assert.equal(worker.status.nodeInfo.kubeletVersion, "v1.32.4");
  });

  test("cluster names are DNS-1123 labels, unique per tenant", async () => {
    const bad = await call(t.app, "POST", "/v1/clusters", { token, body: { name: "Bad_Name" } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /DNS-1123 label/);
    const dup = await call(t.app, "POST", "/v1/clusters", { token, body: { name: "demo" } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, "name_taken");
    const types = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "x", nodes: { count: "3" } },
    });
    assert.equal(types.status, 400);
    assert.match(types.body.message, /nodes\.count/);
  });

  test("another tenant's cluster answers 404, the same as a missing one", async () => {
    const other = await call(t.app, "POST", "/v1/signup", { body: { email: "other@example.com" } });
    const mine = (await call(t.app, "GET", "/v1/clusters", { token })).body.items[0];
    for (const path of [`/v1/clusters/${mine.id}`, `/v1/clusters/${mine.id}/kubeconfig`]) {
      const res = await call(t.app, "GET", path, { token: other.body.token });
      assert.equal(res.status, 404);
      assert.equal(res.body.message, `cluster "${mine.id}" not found`);
    }
    assert.equal(
      (await call(t.app, "DELETE", `/v1/clusters/${mine.id}`, { token: other.body.token })).status,
      404,
    );
    const k8s = await call(t.app, "GET", `/k8s/${mine.id}/version`, { token: other.body.token });
    assert.equal(k8s.status, 404);
    assert.equal(k8s.body.kind, "Status");
  });

  test("the kubeconfig points kubectl at the cluster with the CA and a cluster-scoped token", async () => {
    const mine = (await call(t.app, "GET", "/v1/clusters", { token })).body.items[0];
    const res = await call(t.app, "GET", `/v1/clusters/${mine.id}/kubeconfig`, { token });
    assert.equal(res.status, 200);
    const kc = parse(res.body as string);
    assert.equal(kc["current-context"], "demo");
    assert.equal(kc.contexts[0].context.namespace, "default");
    assert.equal(kc.clusters[0].cluster.server, mine.server);
    assert.match(
      Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
      /BEGIN CERTIFICATE/,
    );
    const clusterToken = kc.users[0].user.token as string;
    assert.equal(
      (await call(t.app, "GET", `/k8s/${mine.id}/version`, { token: clusterToken })).body.minor,
      "32",
    );
    // A kubeconfig token reaches its cluster's Kubernetes API only.
    assert.equal((await call(t.app, "GET", "/v1/clusters", { token: clusterToken })).status, 403);
  });

  test("deleting a cluster: 202, its API answers 404, its kubeconfig token 401, its rows are gone", async () => {
    const created = await call(t.app, "POST", "/v1/clusters", {
      token,
      body: { name: "doomed", nodes: { count: 1 } },
    });
    const id = created.body.id as string;
    await waitForPhase(t.app, token, id, "Ready");
    const kc = parse((await call(t.app, "GET", `/v1/clusters/${id}/kubeconfig`, { token })).body);
    const clusterToken = kc.users[0].user.token as string;
    const del = await call(t.app, "DELETE", `/v1/clusters/${id}`, { token });
    assert.equal(del.status, 202);
    assert.equal(del.body.status.phase, "Deleting");
    assert.equal((await call(t.app, "GET", `/v1/clusters/${id}`, { token })).status, 404);
    assert.equal((await call(t.app, "GET", `/k8s/${id}/version`, { token })).status, 404);
    assert.equal((await call(t.app, "GET", `/k8s/${id}/version`, { token: clusterToken })).status, 401);
    // The name is free again at once.
    const again = await call(t.app, "POST", "/v1/clusters", { token, body: { name: "doomed" } });
    assert.equal(again.status, 201);
    const sql = t.database.db.sql;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [counts] = await sql`
        select (select count(*)::int from objects where cluster_id = ${id}) as objects,
               (select count(*)::int from changes where cluster_id = ${id}) as changes,
               (select count(*)::int from cluster_versions where cluster_id = ${id}) as versions,
               (select count(*)::int from clusters where id = ${id}) as clusters`;
      if (Object.values(counts!).every((n) => n === 0)) break;
      assert.ok(Date.now() < deadline, `rows left: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  test("the per-tenant cluster cap answers 403 with a clear message", async () => {
    // demo + doomed(recreated) exist; the cap is 3.
    assert.equal((await call(t.app, "POST", "/v1/clusters", { token, body: { name: "third" } })).status, 201);
    const res = await call(t.app, "POST", "/v1/clusters", { token, body: { name: "fourth" } });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, "cluster_limit_reached");
    assert.match(res.body.message, /already has 3 clusters/);
  });

  test("bodies over 3 MiB are refused with 413", async () => {
    const res = await call(t.app, "POST", "/v1/clusters", {
      token,
      rawBody: JSON.stringify({ name: "x".repeat(MAX_BODY_BYTES) }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(res.status, 413);
  });

  test("health, readiness and JWKS", async () => {
    assert.equal((await call(t.app, "GET", "/healthz")).status, 200);
    const ready = await call(t.app, "GET", "/readyz");
    assert.deepEqual(ready.body, { status: "ready", postgres: "ok", redis: "ok" });
    const jwks = await call(t.app, "GET", "/.well-known/jwks.json");
    assert.equal(jwks.body.keys[0].kty, "OKP");
    assert.equal(jwks.body.keys[0].crv, "Ed25519");
    assert.equal(jwks.body.keys[0].d, undefined);
  });

  test("signing key rotation keeps old tokens valid and signs new ones with the new key", async () => {
    await t.runtime.keys.rotate();
    assert.equal((await call(t.app, "GET", "/v1/clusters", { token })).status, 200);
    const fresh = await call(t.app, "POST", "/v1/tokens", { token, body: { name: "after-rotation" } });
    const kid = JSON.parse(Buffer.from(fresh.body.token.split(".")[0], "base64url").toString()).kid;
    const jwks = (await call(t.app, "GET", "/.well-known/jwks.json")).body.keys.map(
      (k: { kid: string }) => k.kid,
    );
    assert.equal(jwks.length, 2);
    assert.equal(jwks[0], kid);
  });
});

describe("closed signup", () => {
  let t: TestRuntime;
  before(async () => {
    t = await createTestRuntime({ env: { SIGNUP: "closed" } });
  });
  after(() => t.close());

  test("requires the admin token", async () => {
    const { ensureAdminToken } = await import("../../apps/api/src/services/signup.ts");
    const admin = await ensureAdminToken(t.runtime);
    assert.ok(admin);
    assert.equal(await ensureAdminToken(t.runtime), undefined, "shown once");
    assert.equal((await call(t.app, "POST", "/v1/signup", { body: { email: "a@b.io" } })).status, 401);
    assert.equal(
      (await call(t.app, "POST", "/v1/signup", { body: { email: "a@b.io" }, token: "sca_wrong" })).status,
      403,
    );
    assert.equal(
      (await call(t.app, "POST", "/v1/signup", { body: { email: "a@b.io" }, token: admin })).status,
      201,
    );
  });
});
