import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import type { Principal } from "../auth/tokens.ts";
import type { Runtime } from "../platform/runtime.ts";
import { noteClusterActivity } from "../services/cluster-activity.ts";
import { setClusterTtl } from "../services/cluster-ttl.ts";
import type { TenantContext } from "../services/context.ts";
import { hibernateTenantCluster, wakeIfHibernated, wakeTenantCluster } from "../services/hibernation.ts";
import { parseJsonBody } from "./request.ts";
import { patchClusterBody } from "./schemas.ts";

type Env = { Variables: { principal: Principal } };

/**
 * A cluster's lifetime under /v1/clusters/{id}: its TTL, hibernation and waking. Mounted behind the
 * tenant API's authentication.
 */
export function lifecycleRoutes(runtime: Runtime): Hono<Env> {
  const app = new Hono<Env>();
  const ctx = (c: Context<Env>): TenantContext => ({ runtime, principal: c.get("principal") });

  app.patch("/clusters/:id", async (c) => {
    const body = await parseJsonBody(c, patchClusterBody);
    return c.json(await setClusterTtl(ctx(c), c.req.param("id"), body.ttlSeconds), 200);
  });
  // 202 when the phase changes, 200 when the cluster already was in it, so a retry is harmless.
  app.post("/clusters/:id/hibernate", async (c) => {
    const result = await hibernateTenantCluster(ctx(c), c.req.param("id"));
    return c.json(result.cluster, result.changed ? 202 : 200);
  });
  app.post("/clusters/:id/wake", async (c) => {
    const result = await wakeTenantCluster(ctx(c), c.req.param("id"));
    return c.json(result.cluster, result.changed ? 202 : 200);
  });
  return app;
}

/**
 * Counts a successful call to a cluster's /v1 resource as use of the cluster (the idle check reads
 * it), except the calls that end its activity: DELETE, and hibernate itself.
 */
export function clusterActivity(runtime: Runtime): MiddlewareHandler<Env> {
  return async (c, next) => {
    await next();
    const id = c.req.param("id");
    if (!id || c.res.status >= 400 || c.req.method === "DELETE" || c.req.path.endsWith("/hibernate")) return;
    noteClusterActivity(runtime, id);
  };
}

/** Writes to a cluster's objects through /v1 (node failures) wake it first, as a Kubernetes API write would. */
export function wakeBeforeClusterWrite(runtime: Runtime): MiddlewareHandler<Env> {
  return async (c, next) => {
    const id = c.req.param("id");
    if (id && c.req.method !== "GET") await wakeIfHibernated(runtime, id, c.get("principal").tenantId);
    await next();
  };
}
