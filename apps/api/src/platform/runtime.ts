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
import { ClusterUsageHook } from "../quotas/cluster-usage-hook.ts";
import { RequestLimiter } from "../ratelimit/request-limiter.ts";
import { ApiRequestCounts } from "../usage/api-request-counts.ts";
import { kickWebhookDispatch } from "../webhooks/dispatch.ts";
import { WebhookEventHook } from "../webhooks/event-hook.ts";
import { createWebhookQueue } from "../webhooks/queue.ts";
import { SecretBox } from "../webhooks/secret-box.ts";
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
  /** Webhook dispatch and delivery jobs (apps/api/src/webhooks/queue.ts). */
  webhookQueue: Queue;
  /** Seals webhook signing secrets at rest under SECRETS_KEY. */
  webhookSecrets: SecretBox;
  /** Per-token rate limits and per-cluster Kubernetes API request counts (ratelimit/, usage/). */
  requestLimiter: RequestLimiter;
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
  const secretsKey = await loadSecretsKey(config, log);
  const secretCipher = new SecretCipher(secretsKey);
  const store = new ObjectStore(db, { retention: config.changeLogRetention, log, secretCipher });
  store.addSink(new RedisChangePublisher(redis, config.redisPrefix));
  const keys = new SigningKeys(db.orm, config.signingKeyMaxAgeDays);
  await keys.init();
  const tokens = new TokenService(db, keys);
  const clusterQueue = createClusterLifecycleQueue(redis, config.redisPrefix);
  const reconcileQueue = new ReconcileQueue(
    redis,
    config.redisPrefix,
    CONTROLLERS.filter((c) => c.batchPeriodMs).map((c) => c.name),
  );
  store.addSink(new ReconcileSink(reconcileQueue, CONTROLLERS));
  const webhookQueue = createWebhookQueue(redis, config.redisPrefix);
  const webhookEvents = new WebhookEventHook(() => kickWebhookDispatch({ webhookQueue, log }));
  store.addCommitHook(webhookEvents);
  store.addSink(webhookEvents);
  // Quota counters and the pod usage ledger, kept in every write transaction. The hook reads the
  // runtime's clock at each write: tests move runtime.clock.
  let runtime: Runtime | undefined;
  store.addCommitHook(new ClusterUsageHook(config.quota, () => (runtime?.clock ?? systemClock).now()));
  const requestLimiter = new RequestLimiter({
    redis,
    redisPrefix: config.redisPrefix,
    rateLimit: config.rateLimit,
    counts: new ApiRequestCounts({
      redis,
      db,
      redisPrefix: config.redisPrefix,
      flushMs: config.usageFlushMs,
      log,
    }),
    log,
    now: () => (runtime?.clock ?? systemClock).now(),
  });
  runtime = {
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
    webhookQueue,
    webhookSecrets: new SecretBox(secretsKey),
    requestLimiter,
    async close() {
      await requestLimiter.counts.close();
      await clusterQueue.close();
      await reconcileQueue.close();
      await webhookQueue.close();
      redis.disconnect();
      await db.close();
    },
  };
  return runtime;
}
