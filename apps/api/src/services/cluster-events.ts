import { errorFields } from "../platform/logger.ts";
import { redisKey } from "../platform/redis.ts";
import type { Runtime } from "../platform/runtime.ts";

/** The channel that tells a tenant's watch streams to look at its clusters again. */
export function tenantClustersChannel(prefix: string, tenantId: string): string {
  return redisKey(prefix, "tenant-clusters", tenantId);
}

/**
 * Nudges the tenant's `GET /v1/clusters?watch=1` streams after a cluster changed. The message only
 * says "look again": streams re-read the clusters, so a lost message costs a little latency (the
 * streams also re-read periodically), never a wrong event.
 */
export async function announceClusterChange(runtime: Runtime, tenantId: string): Promise<void> {
  await runtime.redis
    .publish(tenantClustersChannel(runtime.config.redisPrefix, tenantId), "changed")
    .catch((err: unknown) => {
      runtime.log.warn("could not announce a cluster change", { tenantId, ...errorFields(err) });
    });
}
