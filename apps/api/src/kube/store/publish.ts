import type { Redis } from "ioredis";
import { redisKey } from "../../platform/redis.ts";
import type { Change, ChangeSink, PendingChange } from "./types.ts";

/** The Redis channel carrying a cluster's committed changes to every API process watching it. */
export function changeChannel(prefix: string, clusterId: string): string {
  return redisKey(prefix, "changes", clusterId);
}

/**
 * What travels on a cluster's channel, one message per commit: the changes themselves, or for a big
 * commit (provisioning, bulk deletes) only the range of versions, which watchers read from the change
 * log. Either way a watcher learns of every version, so it can tell a gap from a quiet channel.
 */
export type ChangeMessage =
  | { changes: Change[] }
  | { range: { from: number; to: number } }
  /** Not a change: the cluster hibernated, and every watch of it ends (a re-watch wakes it). */
  | { end: "hibernated" };

/** Commits larger than this are announced by range: most have no watcher, and Redis need not carry them. */
export const INLINE_MESSAGE_LIMIT = 16 * 1024;

export class RedisChangePublisher implements ChangeSink {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async changesCommitted(clusterId: string, pending: readonly PendingChange[]): Promise<void> {
    const inline = `{"changes":[${pending.map(changeJson).join(",")}]}`;
    const first = pending[0]!.change.rv;
    const last = pending[pending.length - 1]!.change.rv;
    const message =
      inline.length <= INLINE_MESSAGE_LIMIT ? inline : JSON.stringify({ range: { from: first, to: last } });
    await this.redis.publish(changeChannel(this.prefix, clusterId), message);
  }
}

/** A change as JSON, its object's part spliced in from the write's own serialisation where there is one. */
function changeJson({ change, objectJson }: PendingChange): string {
  if (objectJson === undefined) return JSON.stringify(change);
  const { object: _, ...rest } = change;
  const head = JSON.stringify(rest);
  return `${head.slice(0, -1)},"object":${objectJson}}`;
}
