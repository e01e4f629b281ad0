import { type Config, loadConfig } from "../config.ts";
import { createLogger } from "../platform/logger.ts";
import { openRuntime, type Runtime } from "../platform/runtime.ts";
import { ensureAdminToken } from "../services/signup.ts";
import { resolveLocalServices } from "./local-services.ts";

export interface Booted {
  config: Config;
  runtime: Runtime;
  /** Closes the runtime, then stops any local Postgres/Redis this process started. */
  close(): Promise<void>;
}

/** The start of every process: config, Postgres and Redis (found or started), migrations, runtime. */
export async function boot(component: string): Promise<Booted> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, component);
  const services = await resolveLocalServices(config, (line) => log.info(line));
  const runtime = await openRuntime(config, services).catch(async (err: unknown) => {
    await services.stop();
    throw err;
  });
  const adminToken = await ensureAdminToken(runtime);
  if (adminToken) {
    // Shown once, at the first start of an install; only its hash is kept.
    process.stdout.write(
      `\nAdmin token (shown once; required by POST /v1/signup when SIGNUP=closed):\n  ${adminToken}\n\n`,
    );
  }
  return {
    config,
    runtime,
    async close() {
      await runtime.close();
      await services.stop();
    },
  };
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0 (1 if stopping failed). A second signal
 * while stopping exits at once.
 */
export function onShutdown(stop: () => Promise<void>, log: (msg: string) => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal} received: finishing in-flight work`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
}
