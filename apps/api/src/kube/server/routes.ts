import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type Context, Hono } from "hono";
import { ApiError } from "../../errors.ts";
import type { Runtime } from "../../platform/runtime.ts";
import { admitKubeRequest } from "../../ratelimit/middleware.ts";
import { keepClusterAwake } from "../../services/hibernation.ts";
import { openApiDocumentResponse, openApiIndexResponse } from "../openapi/responses.ts";
import { openApiV2Response } from "../openapi/v2-responses.ts";
import type { NodeResponse } from "../watch/streaming-response.ts";
import type { WatchHub } from "../watch/watch-hub.ts";
import { authorizeCluster, type ClusterAccess } from "./cluster-access.ts";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from "./discovery.ts";
import { dispatchResource } from "./dispatch.ts";
import type { KubeResponse } from "./handlers/context.ts";
import { parseResourcePath } from "./request-info.ts";
import { KUBERNETES_VERSION } from "./version.ts";

type Env = { Variables: { access: ClusterAccess } };

const notFound = () => new ApiError("NotFound", "the server could not find the requested resource");

/** One Kubernetes API per cluster, mounted at /k8s/:clusterId. */
export function kubeRoutes(runtime: Runtime, watchHub?: WatchHub): Hono<Env> {
  const app = new Hono<Env>();
  app.use("/:clusterId/*", async (c, next) => {
    const authorization = c.req.header("authorization");
    const clusterId = c.req.param("clusterId");
    const claims = await runtime.tokens.claimsOf(authorization);
    if (claims.scope === `cluster:${clusterId}`) {
      // This cluster's own kubeconfig token: its rate limit need not wait for the database's word
      // on the token (revoked or not), so the two go at once.
      const [access] = await Promise.all([
        authorizeCluster(runtime, authorization, clusterId),
        admitKubeRequest(c, runtime, claims.jti, clusterId),
      ]);
      c.set("access", access);
    } else {
      // Any other token counts against this cluster only once it is known to reach it.
      c.set("access", await authorizeCluster(runtime, authorization, clusterId));
      await admitKubeRequest(c, runtime, claims.jti, clusterId);
    }
    await next();
  });
  app.use("/:clusterId/*", async (c, next) => {
    // A hibernated cluster wakes here, before the request is served (and only for a request the
    // rate limit let through): kubectl never sees it asleep.
    const access = c.get("access");
    await keepClusterAwake(runtime, access.clusterId, access.phase);
    await next();
  });
  app.all("/:clusterId/*", async (c) => {
    const clusterId = c.req.param("clusterId");
    const prefix = `/k8s/${clusterId}`;
    const url = new URL(c.req.url);
    const path = url.pathname.slice(prefix.length) || "/";
    return render(await serve(runtime, watchHub, c, clusterId, prefix, path, url));
  });
  return app;
}

async function serve(
  runtime: Runtime,
  watchHub: WatchHub | undefined,
  c: Context<Env>,
  clusterId: string,
  prefix: string,
  path: string,
  url: URL,
): Promise<KubeResponse> {
  const method = c.req.method;
  const accept = c.req.header("accept");
  const trimmed = path.replace(/\/+$/, "") || "/";
  if (method === "GET") {
    switch (trimmed) {
      case "/version":
        return { status: 200, body: KUBERNETES_VERSION };
      case "/healthz":
      case "/livez":
      case "/readyz":
        return { status: 200, body: "ok", contentType: "text/plain; charset=utf-8" };
      case "/api":
      case "/apis": {
        const legacy = trimmed === "/api";
        const aggregated = aggregatedDiscoveryVersion(accept);
        if (aggregated) {
          return {
            status: 200,
            body: aggregatedDiscovery(legacy, aggregated),
            contentType: aggregatedContentType(aggregated),
          };
        }
        return { status: 200, body: legacy ? apiVersions(new URL(c.req.url).host) : apiGroupList() };
      }
      case "/openapi/v2": {
        const res = openApiV2Response(KUBERNETES_VERSION.gitVersion, {
          accept,
          acceptEncoding: c.req.header("accept-encoding"),
          ifNoneMatch: c.req.header("if-none-match"),
        });
        return {
          status: res.status,
          body: res.body,
          headers: res.headers,
          contentType: res.headers["Content-Type"],
        };
      }
      case "/openapi/v3": {
        const res = openApiIndexResponse({ ifNoneMatch: c.req.header("if-none-match") });
        return {
          status: res.status,
          body: res.body,
          headers: res.headers,
          contentType: res.headers["Content-Type"],
        };
      }
    }
    if (trimmed.startsWith("/openapi/v3/")) {
      const res = openApiDocumentResponse(
        trimmed.slice("/openapi/v3/".length),
        {
          hash: url.searchParams.get("hash") ?? undefined,
          ifNoneMatch: c.req.header("if-none-match"),
          pathPrefix: prefix,
        },
        new Date(),
      );
      return {
        status: res.status,
        body: res.body,
        headers: res.headers,
        contentType: res.headers["Content-Type"],
      };
    }
    const parts = trimmed.split("/").filter(Boolean);
    if (parts[0] === "api" && parts.length === 2) {
      const list = apiResourceList("", parts[1]!);
      if (!list) throw notFound();
      return { status: 200, body: list };
    }
    if (parts[0] === "apis" && parts.length === 2) {
      const group = apiGroup(parts[1]!);
      if (!group) throw notFound();
      return { status: 200, body: group };
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const list = apiResourceList(parts[1]!, parts[2]!);
      if (!list) throw notFound();
      return { status: 200, body: list };
    }
  }
  const resourcePath = parseResourcePath(trimmed);
  if (!resourcePath) throw notFound();
  let body: Uint8Array | undefined;
  return dispatchResource(
    {
      runtime,
      clusterId,
      query: url.searchParams,
      accept,
      contentType: c.req.header("content-type"),
      userAgent: c.req.header("user-agent"),
      body: async () => {
        body ??= new Uint8Array(await c.req.arrayBuffer());
        return body;
      },
      now: runtime.clock.now(),
      ...(watchHub ? { watchHub } : {}),
      ...nodeResponseOf(c),
    },
    method,
    resourcePath,
  );
}

/** The Node response under @hono/node-server; absent for in-process app.request() calls. */
function nodeResponseOf(c: Context<Env>): { nodeResponse?: NodeResponse } {
  const outgoing = (c.env as { outgoing?: NodeResponse } | undefined)?.outgoing;
  return outgoing ? { nodeResponse: outgoing } : {};
}

function render(res: KubeResponse): Response {
  if (res.sent) return RESPONSE_ALREADY_SENT;
  const headers = new Headers(res.headers);
  for (const warning of res.warnings ?? []) headers.append("Warning", `299 - ${JSON.stringify(warning)}`);
  headers.set("Content-Type", res.contentType ?? "application/json");
  if (res.body instanceof ReadableStream) return new Response(res.body, { status: res.status, headers });
  const body =
    typeof res.body === "string" || res.body instanceof Uint8Array ? res.body : JSON.stringify(res.body);
  return new Response(res.status === 304 ? null : body, { status: res.status, headers });
}
