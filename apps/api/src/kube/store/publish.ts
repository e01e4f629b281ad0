import type { Redis } from "ioredis";
import { redisKey } from "../../platform/redis.ts";
import type { Change, ChangeSink } from "./types.ts";

/** The Redis channel carrying a cluster's committed changes to every API process watching it. */
export function changeChannel(prefix: string, clusterId: string): string {
  return redisKey(prefix, "changes", clusterId);
}

/** Publishes each commit's changes as one message: `{"changes": Change[]}` in version order. */
export class RedisChangePublisher implements ChangeSink {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async changesCommitted(clusterId: string, changes: readonly Change[]): Promise<void> {
    await this.redis.publish(changeChannel(this.prefix, clusterId), JSON.stringify({ changes }));
  }
}
