import { Redis } from "ioredis";

/**
 * The two ioredis profiles BullMQ's production guide asks for: blocking connections for workers
 * (retry forever, never fail a command) and producer connections that fail fast while Redis is
 * down instead of queueing commands in memory.
 */
export type RedisRole = "worker" | "producer" | "subscriber";

export function createRedis(url: string, role: RedisRole, name?: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === "producer" ? 1 : null,
    enableOfflineQueue: role !== "producer",
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    connectionName: name ?? `sandcastle-${role}`,
  });
}

/** Every key and channel the service uses lives under its prefix, so installs and tests can share a Redis. */
export function redisKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(":");
}
