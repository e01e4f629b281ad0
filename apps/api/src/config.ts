import { z } from "zod";

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
  /** base64 of 32 bytes: the AES-256-GCM key sealing Secret data at rest. */
  SECRETS_KEY: z.string().optional(),
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
  logLevel: Env["LOG_LEVEL"];
  secretsKey: string | undefined;
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
    logLevel: e.LOG_LEVEL,
    secretsKey: e.SECRETS_KEY || undefined,
  };
}

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sandcastle";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";

/** The base URL clients use to reach this install (written into kubeconfigs). */
export function publicUrlOf(config: Config): string {
  return config.publicUrl ?? `https://127.0.0.1:${config.port}`;
}
