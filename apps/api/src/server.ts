import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { publicUrlOf } from "./config.ts";
import { createWatchHub } from "./kube/watch/create-watch-hub.ts";
import type { Runtime } from "./platform/runtime.ts";
import { TenantClusterWatches } from "./tenant/cluster-watch.ts";
import { loadServerTls } from "./tls/server-tls.ts";

export interface ApiServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/** Serves the app over HTTPS (kubectl sends bearer tokens only over TLS). */
export async function startApiServer(runtime: Runtime): Promise<ApiServer> {
  const { config } = runtime;
  const tls = await loadServerTls(runtime.db.orm, config, publicUrlOf(config));
  const watchHub = createWatchHub(runtime);
  const clusterWatches = new TenantClusterWatches(runtime);
  const app = createApp({ runtime, caPem: tls.caPem, watchHub, clusterWatches });
  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    createServer,
    serverOptions: { cert: tls.cert, key: tls.key },
  });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  runtime.log.info("api listening", {
    url: `https://${config.host}:${port}`,
    publicUrl: publicUrlOf(config),
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Open watch streams would hold their connections (and close()) forever: end them first;
        // clients re-watch from their last version on another replica.
        watchHub.close();
        clusterWatches.close();
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; busy ones finish their request first.
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
