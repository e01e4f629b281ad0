import type { Redis } from "ioredis";
import { errorFields, type Logger } from "../platform/logger.ts";
import { redisKey } from "../platform/redis.ts";
import { type ApiRequestCounts, hourOf } from "../usage/api-request-counts.ts";
import { LuaScript } from "./lua-script.ts";

/**
 * One call per request: the token bucket (KEYS[1]: tokens left and when last refilled, refilled by
 * the time elapsed on Redis' clock, so every API replica agrees) and, when admitted, the request's
 * count for its cluster and hour (KEYS[2], optional). Returns {admitted 0|1, tokens left, ms until
 * the next token}.
 * ARGV: rate per second (0: no limit), burst, cluster id, TTL of the hour's counts (seconds).
 */
const ADMIT = new LuaScript(`
local admitted, left, waitMs = 1, -1, 0
local rate = tonumber(ARGV[1])
if rate > 0 then
  local burst = tonumber(ARGV[2])
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
  local tokens = tonumber(state[1]) or burst
  local at = tonumber(state[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
  if tokens >= 1 then
    tokens = tokens - 1
  else
    admitted = 0
    waitMs = math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
  left = math.floor(tokens)
end
if admitted == 1 and #KEYS > 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
return {admitted, left, waitMs}`);

/** A slow Redis must not slow every request down: past this, the request goes through. */
const REDIS_TIMEOUT_MS = 200;
const FAILURE_LOG_INTERVAL_MS = 10_000;

export interface Admission {
  admitted: boolean;
  /** Whole seconds until a token is free again (for Retry-After); 0 when admitted. */
  retryAfterSeconds: number;
}

const ADMITTED: Admission = { admitted: true, retryAfterSeconds: 0 };

/**
 * Per-token rate limits (RATE_LIMIT_RPS, RATE_LIMIT_BURST) and the count of Kubernetes API requests
 * per cluster, in one Redis round trip per request. Redis unreachable or slow: requests are admitted
 * (and not counted) and a warning is logged, at most every 10 s.
 */
export class RequestLimiter {
  private lastFailureLog = 0;

  constructor(
    private readonly deps: {
      redis: Redis;
      redisPrefix: string;
      rateLimit: { rps: number; burst: number };
      counts: ApiRequestCounts;
      log: Logger;
      now: () => Date;
    },
  ) {}

  get counts(): ApiRequestCounts {
    return this.deps.counts;
  }

  /** Takes one request from the token's bucket; counts it for `clusterId` when admitted. */
  async admit(tokenId: string, clusterId?: string): Promise<Admission> {
    const { redis, redisPrefix, rateLimit, counts } = this.deps;
    if (rateLimit.rps <= 0 && !clusterId) return ADMITTED;
    const keys = [redisKey(redisPrefix, "ratelimit", tokenId)];
    const hour = clusterId ? hourOf(this.deps.now()) : undefined;
    if (hour !== undefined) keys.push(counts.key(hour));
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = (await Promise.race([
        ADMIT.run(redis, keys, [rateLimit.rps, rateLimit.burst, clusterId ?? "", counts.keyTtlSeconds]),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)),
            REDIS_TIMEOUT_MS,
          );
        }),
      ])) as [number, number, number];
      const [admitted, , waitMs] = reply;
      if (!admitted) return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      if (hour !== undefined) counts.counted(hour);
      return ADMITTED;
    } catch (err) {
      this.logFailure(err);
      return ADMITTED;
    } finally {
      clearTimeout(timer);
    }
  }

  private logFailure(err: unknown): void {
    const now = Date.now();
    if (now - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLog = now;
    this.deps.log.warn("rate limiter: Redis unavailable, admitting requests unlimited", errorFields(err));
  }
}
