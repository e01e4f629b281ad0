import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type Db, ensureDatabase, migrateDb, openDb } from "../../../../db/client.ts";
import { CONTROLLERS } from "../../../../workers/src/controllers/index.ts";
import { ReconcileQueue } from "../../../../workers/src/runtime/reconcile-queue.ts";
import { ReconcileSink } from "../../../../workers/src/runtime/reconcile-sink.ts";
import { SigningKeys } from "../auth/signing-keys.ts";
import { TokenService } from "../auth/tokens.ts";
import type { Config } from "../config.ts";
import { ObjectStore } from "../kube/store/object-store.ts";
import { RedisChangePublisher } from "../kube/store/publish.ts";
import { SecretCipher } from "../kube/store/secret-encryption.ts";
import { type Clock, systemClock } from "./clock.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createClusterLifecycleQueue } from "./queues.ts";
import { createRedis } from "./redis.ts";
import { loadSecretsKey } from "./secrets-key.ts";

/**
 * What every API and worker process holds: pools, the store, keys and queues. Nothing in here is
 * per cluster; the processes are stateless and any number of them can run.
 */
export interface Runtime {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Db;
  redisUrl: string;
  /** Fail-fast connection for publishing and enqueueing. */
  redis: Redis;
  store: ObjectStore;
  keys: SigningKeys;
  tokens: TokenService;
  clusterQueue: Queue;
  /** Reconcile keys for the controllers; every commit enqueues the keys of the controllers that care. */
  reconcileQueue: ReconcileQueue;
  close(): Promise<void>;
}

export interface ServiceUrls {
  databaseUrl: string;
  redisUrl: string;
}

/** Prepares the database (create, migrate) and opens every shared connection. */
export async function openRuntime(
  config: Config,
  urls: ServiceUrls,
  options: { migrate?: boolean } = {},
): Promise<Runtime> {
  const log = createLogger(config.logLevel);
  if (options.migrate !== false) {
    await ensureDatabase(urls.databaseUrl);
    await migrateDb(urls.databaseUrl);
  }
  const db = openDb(urls.databaseUrl);
  const redis = createRedis(urls.redisUrl, "producer");
  // A producer connection fails fast while Redis is down; wait for the first connection before use.
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  const secretCipher = new SecretCipher(await loadSecretsKey(config, log));
  const store = new ObjectStore(db, { retention: config.changeLogRetention, log, secretCipher });
  store.addSink(new RedisChangePublisher(redis, config.redisPrefix));
  const keys = new SigningKeys(db.orm, config.signingKeyMaxAgeDays);
  await keys.init();
  const tokens = new TokenService(db, keys);
  const clusterQueue = createClusterLifecycleQueue(redis, config.redisPrefix);
  const reconcileQueue = new ReconcileQueue(redis, config.redisPrefix);
  store.addSink(new ReconcileSink(reconcileQueue, CONTROLLERS));
  return {
    config,
    log,
    clock: systemClock,
    db,
    redisUrl: urls.redisUrl,
    redis,
    store,
    keys,
    tokens,
    clusterQueue,
    reconcileQueue,
    async close() {
      await clusterQueue.close();
      await reconcileQueue.close();
      redis.disconnect();
      await db.close();
    },
  };
}
