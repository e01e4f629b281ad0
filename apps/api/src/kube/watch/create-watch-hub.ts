import { createRedis } from "../../platform/redis.ts";
import type { Runtime } from "../../platform/runtime.ts";
import { WatchHub } from "./watch-hub.ts";

/** The watch hub of an API process, on a Redis connection of its own (subscribers cannot run commands). */
export function createWatchHub(runtime: Runtime): WatchHub {
  return new WatchHub(
    createRedis(runtime.redisUrl, "subscriber"),
    runtime.store,
    runtime.config.redisPrefix,
    runtime.log,
  );
}
