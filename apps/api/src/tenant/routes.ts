import { Hono } from "hono";
import type { Principal } from "../auth/tokens.ts";
import { forbidden } from "../errors.ts";
import type { Runtime } from "../platform/runtime.ts";
import { getClusterQuota } from "../quotas/cluster-quota.ts";
import { tenantRateLimit } from "../ratelimit/middleware.ts";
import { createCluster, deleteCluster, getCluster, listClusters } from "../services/clusters.ts";
import type { TenantContext } from "../services/context.ts";
import { getKubeconfig } from "../services/kubeconfig.ts";
import { failNode, recoverNode } from "../services/node-failures.ts";
import { signup } from "../services/signup.ts";
import { createToken, listTokens, revokeToken } from "../services/tokens.ts";
import { usageReport } from "../usage/usage-report.ts";
import type { TenantClusterWatches } from "./cluster-watch.ts";
import { clusterActivity, lifecycleRoutes, wakeBeforeClusterWrite } from "./lifecycle-routes.ts";
import { parseJsonBody } from "./request.ts";
import { createClusterBody, createTokenBody, signupBody } from "./schemas.ts";
import { webhookRoutes } from "./webhook-routes.ts";

type Env = { Variables: { principal: Principal } };

/** The tenant REST API under /v1: parse, authenticate, delegate to services/. */
export function tenantRoutes(
  runtime: Runtime,
  caPem: string,
  clusterWatches: TenantClusterWatches,
): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = (principal: Principal): TenantContext => ({ runtime, principal });

  app.post("/signup", async (c) => {
    const body = await parseJsonBody(c, signupBody);
    return c.json(await signup(runtime, body.email, c.req.header("authorization")), 201);
  });

  app.use("*", async (c, next) => {
    const principal = await runtime.tokens.authenticate(c.req.header("authorization"));
    // Kubeconfig tokens reach one cluster's Kubernetes API, never the tenant API.
    if (principal.kind !== "tenant")
      throw forbidden("this token is scoped to one cluster's Kubernetes API", "token_scope");
    c.set("principal", principal);
    await next();
  });
  app.use("*", tenantRateLimit(runtime));

  app.post("/tokens", async (c) => {
    const body = await parseJsonBody(c, createTokenBody);
    return c.json(await createToken(ctx(c.get("principal")), body), 201);
  });
  app.get("/tokens", async (c) => c.json({ items: await listTokens(ctx(c.get("principal"))) }));
  app.delete("/tokens/:id", async (c) => {
    await revokeToken(ctx(c.get("principal")), c.req.param("id"));
    return c.body(null, 204);
  });
  app.route("/webhooks", webhookRoutes(runtime));

  app.use("/clusters/:id", clusterActivity(runtime));
  app.use("/clusters/:id/*", clusterActivity(runtime));
  app.use("/clusters/:id/nodes/*", wakeBeforeClusterWrite(runtime));
  app.route("/", lifecycleRoutes(runtime));

  app.post("/clusters", async (c) => {
    const body = await parseJsonBody(c, createClusterBody);
    return c.json(await createCluster(ctx(c.get("principal")), body), 201);
  });
  app.get("/clusters", async (c) => {
    const watch = c.req.query("watch");
    if (watch === "1" || watch === "true") {
      const timeout = Number(c.req.query("timeoutSeconds") ?? 1800);
      const seconds = Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, 3600) : 1800;
      const stream = await clusterWatches.open(ctx(c.get("principal")), seconds);
      return new Response(stream, {
        headers: { "content-type": "application/json", "cache-control": "no-cache" },
      });
    }
    return c.json({ items: await listClusters(ctx(c.get("principal"))) });
  });
  app.get("/clusters/:id", async (c) => c.json(await getCluster(ctx(c.get("principal")), c.req.param("id"))));
  app.get("/clusters/:id/quota", async (c) =>
    c.json(await getClusterQuota(ctx(c.get("principal")), c.req.param("id"))),
  );
  app.get("/usage", async (c) =>
    c.json(await usageReport(ctx(c.get("principal")), { from: c.req.query("from"), to: c.req.query("to") })),
  );
  app.delete("/clusters/:id", async (c) =>
    c.json(await deleteCluster(ctx(c.get("principal")), c.req.param("id")), 202),
  );
  app.get("/clusters/:id/kubeconfig", async (c) => {
    const yaml = await getKubeconfig(ctx(c.get("principal")), c.req.param("id"), caPem);
    return c.body(yaml, 200, { "content-type": "application/yaml; charset=utf-8" });
  });
  // Simulated node failures: 202 when the state changes (the cluster reacts over the next moments),
  // 200 when the node already was in that state, so a retried request is harmless.
  app.post("/clusters/:id/nodes/:name/fail", async (c) => {
    const result = await failNode(ctx(c.get("principal")), c.req.param("id"), c.req.param("name"));
    return c.json(result.node, result.changed ? 202 : 200);
  });
  app.post("/clusters/:id/nodes/:name/recover", async (c) => {
    const result = await recoverNode(ctx(c.get("principal")), c.req.param("id"), c.req.param("name"));
    return c.json(result.node, result.changed ? 202 : 200);
  });
  return app;
}
