import type { Context, MiddlewareHandler } from "hono";
import type { Principal } from "../auth/tokens.ts";
import { ApiError } from "../errors.ts";
import type { Runtime } from "../platform/runtime.ts";

/**
 * kube-apiserver's 429 (reason TooManyRequests, details.retryAfterSeconds, a Retry-After header):
 * client-go, and so kubectl, wait that long and retry by themselves. /v1 renders it as
 * `{"code": "rate_limited", …}`, with the same header.
 */
function refuse(c: Context, runtime: Runtime, retryAfterSeconds: number): never {
  const { rps, burst } = runtime.config.rateLimit;
  c.header("Retry-After", String(retryAfterSeconds));
  throw new ApiError(
    "TooManyRequests",
    `Too many requests, please try again later: this token may make ${rps} requests per second (bursts of ${burst}); retry after ${retryAfterSeconds}s`,
    { retryAfterSeconds },
    "rate_limited",
  );
}

/**
 * On /k8s/<id>: one admission per HTTP request (a watch counts once, when opened), keyed by the
 * token's id, and counted as a request of that cluster. Throws the 429 past the limit.
 */
export async function admitKubeRequest(
  c: Context,
  runtime: Runtime,
  tokenId: string,
  clusterId: string,
): Promise<void> {
  const admission = await runtime.requestLimiter.admit(tokenId, clusterId);
  if (!admission.admitted) refuse(c, runtime, admission.retryAfterSeconds);
}

/** Runs after authentication on /v1, keyed by the token's id (signup, unauthenticated, is not limited). */
export function tenantRateLimit(
  runtime: Runtime,
): MiddlewareHandler<{ Variables: { principal: Principal } }> {
  return async (c, next) => {
    const admission = await runtime.requestLimiter.admit(c.get("principal").tokenId);
    if (!admission.admitted) refuse(c, runtime, admission.retryAfterSeconds);
    await next();
  };
}
