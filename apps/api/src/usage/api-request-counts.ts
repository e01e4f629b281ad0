import type { Redis } from "ioredis";
import type { Db } from "../../../../db/client.ts";
import { errorFields, type Logger } from "../platform/logger.ts";
import { redisKey } from "../platform/redis.ts";
import { LuaScript } from "../ratelimit/lua-script.ts";

export const HOUR_MS = 3_600_000;
/** Counts nobody flushed (every API process that counted them died first) are kept this long. */
const UNFLUSHED_TTL_SECONDS = 2 * 86_400;

/** Takes an hour's counts out of Redis in one step: a count is in Redis or on its way to Postgres. */
const CLAIM = new LuaScript(`
local counts = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return counts`);

/** The hour a moment falls in, as hours since the epoch. */
export const hourOf = (date: Date): number => Math.floor(date.getTime() / HOUR_MS);

/**
 * Kubernetes API requests per cluster and hour. The admission script (ratelimit/) counts each
 * admitted request in Redis: one hash per hour, a field per cluster. Every API process moves the hours
 * it counted in to Postgres a few seconds later (USAGE_FLUSH_SECONDS), claiming the whole hour so
 * that what other processes counted moves too; nothing runs while no request comes. Readers add what
 * Redis still holds to what Postgres has, so a report is exact even before a flush.
 */
export class ApiRequestCounts {
  private readonly dirty = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: { redis: Redis; db: Db; redisPrefix: string; flushMs: number; log: Logger },
  ) {}

  key(hour: number): string {
    return redisKey(this.deps.redisPrefix, "usage", "api-requests", String(hour));
  }

  readonly keyTtlSeconds = UNFLUSHED_TTL_SECONDS;

  /** This process counted a request in `hour`: move that hour to Postgres soon. */
  counted(hour: number): void {
    this.dirty.add(hour);
    if (this.closed) return;
    this.timer ??= setTimeout(() => void this.flush(), this.deps.flushMs).unref();
  }

  /** Moves every hour this process counted in to Postgres; one flush at a time. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const hours = [...this.dirty];
    this.dirty.clear();
    this.flushing = this.flushing.then(async () => {
      for (const hour of hours) await this.flushHour(hour);
    });
    // flushHour handles its failures; a bug must not stop every later flush either.
    this.flushing = this.flushing.catch((err: unknown) =>
      this.deps.log.error("API request counts: flush failed", errorFields(err)),
    );
    return this.flushing;
  }

  /** Requests per cluster still in Redis for the hours [fromHour, toHour]. */
  async pending(
    clusterIds: readonly string[],
    fromHour: number,
    toHour: number,
  ): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    if (clusterIds.length === 0) return totals;
    const oldest = Math.max(fromHour, toHour - Math.ceil(UNFLUSHED_TTL_SECONDS / 3600));
    const pipeline = this.deps.redis.pipeline();
    for (let hour = oldest; hour <= toHour; hour++) pipeline.hmget(this.key(hour), ...clusterIds);
    for (const [err, values] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      (values as (string | null)[]).forEach((v, i) => {
        if (v) totals.set(clusterIds[i]!, (totals.get(clusterIds[i]!) ?? 0) + Number(v));
      });
    }
    return totals;
  }

  /** A last flush at shutdown; what fails to move stays in Redis for the next process to find. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async flushHour(hour: number): Promise<void> {
    const { redis, db, log } = this.deps;
    let counts: Map<string, number>;
    try {
      const flat = (await CLAIM.run(redis, [this.key(hour)], [])) as string[];
      counts = new Map();
      for (let i = 0; i < flat.length; i += 2) counts.set(flat[i]!, Number(flat[i + 1]));
    } catch (err) {
      log.warn("API request counts: Redis unreachable, will retry", { hour, ...errorFields(err) });
      this.counted(hour);
      return;
    }
    if (counts.size === 0) return;
    try {
      await db.sql`
        insert into usage_api_requests (cluster_id, hour, requests)
        select cluster_id, ${new Date(hour * HOUR_MS).toISOString()}::timestamptz, requests
        from unnest(${db.sql.array([...counts.keys()])}::text[], ${db.sql.array([...counts.values()].map(String))}::bigint[])
          as t(cluster_id, requests)
        on conflict (cluster_id, hour) do update set requests = usage_api_requests.requests + excluded.requests`;
    } catch (err) {
      // Give the counts back to Redis so a later flush moves them; lost only if Redis fails as well.
      log.warn("API request counts: flush to Postgres failed, will retry", { hour, ...errorFields(err) });
      const pipeline = redis.pipeline();
      for (const [clusterId, n] of counts) pipeline.hincrby(this.key(hour), clusterId, n);
      pipeline.expire(this.key(hour), UNFLUSHED_TTL_SECONDS);
      await pipeline.exec().catch(() => undefined);
      this.counted(hour);
    }
  }
}
