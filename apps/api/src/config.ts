import { z } from "zod";
import { milliValue, parseQuantity } from "./kube/validation/quantity.ts";

/** A non-negative Kubernetes quantity ("64", "1500m", "256Gi"). */
const quantityEnv = (name: string) =>
  z.string().refine((v) => {
    const q = parseQuantity(v);
    return q !== undefined && q.mantissa >= 0n;
  }, `${name} must be a non-negative Kubernetes quantity such as "64", "1500m" or "256Gi"`);

/**
 * Everything the processes read from the environment, parsed and checked once at boot.
 * A bad value stops the process with a message naming the variable, never a surprise later.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(6443),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  /** Namespaces every Redis key and channel, so several installs (or test runs) share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default("sc"),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  SIGNUP: z.enum(["open", "closed"]).default("open"),
  MAX_CLUSTERS_PER_TENANT: z.coerce.number().int().min(0).default(20),
  /** Where a local install keeps what it owns: the embedded Postgres, a private Redis, keys. */
  DATA_DIR: z.string().optional(),
  SIGNING_KEY_MAX_AGE_DAYS: z.coerce.number().positive().default(30),
  /** Changes kept in each cluster's change log; a watch or list from older versions gets 410. */
  CHANGE_LOG_RETENTION: z.coerce.number().int().min(100).default(10_000),
  PROVISION_CONCURRENCY: z.coerce.number().int().min(1).default(32),
  /** How long after a quiet cluster's first change its resync runs (controllers' safety net). */
  RESYNC_SECONDS: z.coerce.number().int().min(1).default(300),
  /** A cluster's lifetime when its creation names none; `ttlSeconds` may ask MIN…MAX. */
  DEFAULT_CLUSTER_TTL_SECONDS: z.coerce.number().int().min(1).default(14_400),
  MIN_CLUSTER_TTL_SECONDS: z.coerce.number().int().min(1).default(60),
  MAX_CLUSTER_TTL_SECONDS: z.coerce.number().int().min(1).default(604_800),
  /** How long before its expiry a cluster sends `cluster.expiring`. */
  CLUSTER_EXPIRY_WARNING_SECONDS: z.coerce.number().int().min(0).default(900),
  /** A cluster without API calls for this long hibernates; 0 turns idle hibernation off. */
  IDLE_HIBERNATE_SECONDS: z.coerce.number().int().min(0).default(1800),
  /** base64 of 32 bytes: the AES-256-GCM key sealing Secret data at rest. */
  SECRETS_KEY: z.string().optional(),
  /** Seconds between webhook attempts after each failure; the last one repeats. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, "a comma-separated list of seconds, e.g. 1,5,30")
    .default("1,5,30,120,600,1800,3600,10800"),
  /** How long a delivery keeps being retried before it is marked failed. */
  WEBHOOK_MAX_RETRY_SECONDS: z.coerce.number().positive().default(86_400),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().max(120).default(10),
  /** Deliveries one worker process sends at once. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).default(32),
  /** 1: webhooks may target loopback and private addresses (local development, tests). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(["0", "1", "false", "true"]).default("0"),
  /** Per-cluster quota (Events are not counted as objects); a write beyond it is refused with 403. */
  MAX_OBJECTS_PER_CLUSTER: z.coerce.number().int().min(0).default(5000),
  MAX_PODS_PER_CLUSTER: z.coerce.number().int().min(0).default(1000),
  /**
   * Sum of the cluster's pods' CPU and memory requests, as Kubernetes quantities. Far above any
   * sandbox's nodes: a learner's pod that asks for more than the nodes have must stay Pending with
   * "Insufficient cpu", as on a real cluster, not be refused by a quota they never created.
   */
  MAX_CPU_PER_CLUSTER: quantityEnv("MAX_CPU_PER_CLUSTER").default("1000"),
  MAX_MEMORY_PER_CLUSTER: quantityEnv("MAX_MEMORY_PER_CLUSTER").default("4Ti"),
  /** Per-token request rate (a token bucket refilled at this rate, holding BURST); 0 turns limiting off. */
  RATE_LIMIT_RPS: z.coerce.number().min(0).default(50),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  /** How often an API process moves its Kubernetes API request counts from Redis to PostgreSQL. */
  USAGE_FLUSH_SECONDS: z.coerce.number().int().min(1).default(30),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  /** Base URL written into kubeconfigs; unset means https://127.0.0.1:<port>. */
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  signup: "open" | "closed";
  maxClustersPerTenant: number;
  dataDir: string | undefined;
  signingKeyMaxAgeDays: number;
  changeLogRetention: number;
  provisionConcurrency: number;
  resyncMs: number;
  clusterTtl: { defaultSeconds: number; minSeconds: number; maxSeconds: number; warningSeconds: number };
  /** 0: idle clusters never hibernate by themselves. */
  idleHibernateMs: number;
  logLevel: Env["LOG_LEVEL"];
  secretsKey: string | undefined;
  quota: ClusterQuotaLimits;
  /** rps 0: no rate limiting. */
  rateLimit: { rps: number; burst: number };
  usageFlushMs: number;
  webhooks: {
    retryScheduleMs: number[];
    maxRetryMs: number;
    timeoutMs: number;
    concurrency: number;
    allowPrivate: boolean;
  };
}

/** What one cluster may hold (see quotas/). */
export interface ClusterQuotaLimits {
  objects: number;
  pods: number;
  cpuMillis: number;
  memoryBytes: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  }
  if (
    e.MIN_CLUSTER_TTL_SECONDS > e.DEFAULT_CLUSTER_TTL_SECONDS ||
    e.DEFAULT_CLUSTER_TTL_SECONDS > e.MAX_CLUSTER_TTL_SECONDS
  ) {
    throw new ConfigError(
      "cluster TTLs must satisfy MIN_CLUSTER_TTL_SECONDS <= DEFAULT_CLUSTER_TTL_SECONDS <= MAX_CLUSTER_TTL_SECONDS",
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    databaseUrl: e.DATABASE_URL || undefined,
    redisUrl: e.REDIS_URL || undefined,
    redisPrefix: e.REDIS_PREFIX,
    tlsCertFile: e.TLS_CERT_FILE,
    tlsKeyFile: e.TLS_KEY_FILE,
    signup: e.SIGNUP,
    maxClustersPerTenant: e.MAX_CLUSTERS_PER_TENANT,
    dataDir: e.DATA_DIR,
    signingKeyMaxAgeDays: e.SIGNING_KEY_MAX_AGE_DAYS,
    changeLogRetention: e.CHANGE_LOG_RETENTION,
    provisionConcurrency: e.PROVISION_CONCURRENCY,
    resyncMs: e.RESYNC_SECONDS * 1000,
    clusterTtl: {
      defaultSeconds: e.DEFAULT_CLUSTER_TTL_SECONDS,
      minSeconds: e.MIN_CLUSTER_TTL_SECONDS,
      maxSeconds: e.MAX_CLUSTER_TTL_SECONDS,
      warningSeconds: e.CLUSTER_EXPIRY_WARNING_SECONDS,
    },
    idleHibernateMs: e.IDLE_HIBERNATE_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
    secretsKey: e.SECRETS_KEY || undefined,
    quota: {
      objects: e.MAX_OBJECTS_PER_CLUSTER,
      pods: e.MAX_PODS_PER_CLUSTER,
      cpuMillis: Number(milliValue(parseQuantity(e.MAX_CPU_PER_CLUSTER)!)),
      memoryBytes: Math.ceil(Number(milliValue(parseQuantity(e.MAX_MEMORY_PER_CLUSTER)!)) / 1000),
    },
    rateLimit: { rps: e.RATE_LIMIT_RPS, burst: e.RATE_LIMIT_BURST },
    usageFlushMs: e.USAGE_FLUSH_SECONDS * 1000,
    webhooks: {
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE.split(",").map((s) => Number(s.trim()) * 1000),
      maxRetryMs: e.WEBHOOK_MAX_RETRY_SECONDS * 1000,
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
      concurrency: e.WEBHOOK_CONCURRENCY,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === "1" || e.WEBHOOK_ALLOW_PRIVATE === "true",
    },
  };
}

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sandcastle";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";

/** The base URL clients use to reach this install (written into kubeconfigs). */
export function publicUrlOf(config: Config): string {
  return config.publicUrl ?? `https://127.0.0.1:${config.port}`;
}
