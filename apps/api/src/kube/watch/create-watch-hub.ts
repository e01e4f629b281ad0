import { createRedis } from "../../platform/redis.ts";
import type { Runtime } from "../../platform/runtime.ts";
import { noteClusterActivity } from "../../services/cluster-activity.ts";
import { clusterVersionsReader } from "./cluster-versions.ts";
import { WatchHub } from "./watch-hub.ts";

/**
 * The watch hub of an API process, on a Redis connection of its own (subscribers cannot run
 * commands). Its periodic check notes activity for every watched cluster (throttled), so an open
 * `kubectl get -w` keeps its cluster from hibernating.
 */
export function createWatchHub(runtime: Runtime): WatchHub {
  // Named after the install's prefix, so an operator (or a fault test) can find it in CLIENT LIST.
  const subscriber = createRedis(
    runtime.redisUrl,
    "subscriber",
    `sandcastle-watch-${runtime.config.redisPrefix}`,
  );
  return new WatchHub(
    subscriber,
    runtime.store,
    runtime.config.redisPrefix,
    runtime.log,
    clusterVersionsReader(runtime.db),
    (clusterIds) => {
      for (const id of clusterIds) noteClusterActivity(runtime, id);
    },
  );
}
