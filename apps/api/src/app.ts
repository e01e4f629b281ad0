import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { decodeJwt } from "jose";
import { ApiError } from "./errors.ts";
import { kubeRoutes } from "./kube/server/routes.ts";
import { failureStatus, toApiError } from "./kube/server/status.ts";
import type { WatchHub } from "./kube/watch/watch-hub.ts";
import { errorFields } from "./platform/logger.ts";
import type { Runtime } from "./platform/runtime.ts";
import { TenantClusterWatches } from "./tenant/cluster-watch.ts";
import { tenantRoutes } from "./tenant/routes.ts";

/** kube-apiserver's request size limit, applied to both APIs. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface AppOptions {
  runtime: Runtime;
  /** The CA that kubeconfigs tell kubectl to trust. */
  caPem: string;
  /** Serves watch streams; without it, ?watch answers 405. */
  watchHub?: WatchHub;
  /** Serves `GET /v1/clusters?watch=1`; the owner closes it at shutdown. */
  clusterWatches?: TenantClusterWatches;
}

/** Mounts /v1 and /k8s, health endpoints and JWKS; renders every error in one place. */
export function createApp({ runtime, caPem, watchHub, clusterWatches }: AppOptions): Hono {
  const app = new Hono();

  app.use("*", async (c, next) => {
    c.header("x-request-id", c.req.header("x-request-id") ?? randomUUID());
    await next();
  });
  const tooLarge = () =>
    new ApiError("RequestEntityTooLarge", `Request entity too large: limit is ${MAX_BODY_BYTES}`);
  // Hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a full fetch
  // Request whose AbortSignal lingers in WeakRefs until a full GC: on every GET, that was most of
  // what the young generation had to promote (its scavenges were the API's slowest requests). So a
  // declared length is checked here, and only a body of unknown length is counted by bodyLimit.
  const limitUnsizedBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
  app.use("*", (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined)
      return limitUnsizedBody(c, next);
    if (Number(length) > MAX_BODY_BYTES) throw tooLarge();
    return next();
  });

  app.get("/healthz", (c) => c.text("ok"));
  app.get("/readyz", async (c) => {
    const checks = await Promise.allSettled([runtime.db.sql`select 1`, runtime.redis.ping()]);
    const [pg, redis] = checks.map((r) => (r.status === "fulfilled" ? "ok" : "unreachable"));
    const ready = pg === "ok" && redis === "ok";
    return c.json({ status: ready ? "ready" : "not ready", postgres: pg, redis }, ready ? 200 : 503);
  });
  app.get("/.well-known/jwks.json", (c) => c.json(runtime.keys.jwks()));

  app.route("/v1", tenantRoutes(runtime, caPem, clusterWatches ?? new TenantClusterWatches(runtime)));
  app.route("/k8s", kubeRoutes(runtime, watchHub));

  // kubectl sends `get --raw /path` to the host root, without the kubeconfig's /k8s/<id> prefix. A
  // kubeconfig token names its cluster, so such requests are served by that cluster's API.
  app.all("*", async (c, next) => {
    const clusterId = c.req.path.startsWith("/k8s/")
      ? undefined
      : clusterOfBearer(c.req.header("authorization"));
    if (!clusterId) return next();
    const url = new URL(c.req.url);
    url.pathname = `/k8s/${clusterId}${url.pathname}`;
    return app.fetch(new Request(url, c.req.raw), c.env);
  });

  app.notFound((c) => {
    if (c.req.path.startsWith("/k8s/")) {
      const err = new ApiError("NotFound", "the server could not find the requested resource");
      return c.json(failureStatus(err), 404);
    }
    return c.json(
      {
        code: "not_found",
        message: `no route for ${c.req.method} ${c.req.path}`,
        requestId: c.res.headers.get("x-request-id"),
      },
      404,
    );
  });

  app.onError((err, c) => {
    const apiErr = toApiError(err);
    if (!(err instanceof ApiError))
      runtime.log.error("unhandled error", { path: c.req.path, ...errorFields(err) });
    const requestId = c.res.headers.get("x-request-id") ?? c.req.header("x-request-id") ?? randomUUID();
    if (c.req.path.startsWith("/k8s/")) {
      // kube-apiserver never says why a credential failed; kubectl prints "(Unauthorized)".
      const shown = apiErr.reason === "Unauthorized" ? new ApiError("Unauthorized", "Unauthorized") : apiErr;
      return c.json(failureStatus(shown), shown.status as 400);
    }
    return c.json({ code: apiErr.code, message: apiErr.message, requestId }, apiErr.status as 400);
  });
  return app;
}

/** The cluster a kubeconfig token is scoped to, read without verification (the /k8s routes verify). */
function clusterOfBearer(authorization: string | undefined): string | undefined {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return undefined;
  try {
    const scope = decodeJwt(token).scp;
    return typeof scope === "string" && scope.startsWith("cluster:")
      ? scope.slice("cluster:".length)
      : undefined;
  } catch {
    return undefined;
  }
}
