import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { publicUrlOf } from "./config.ts";
import { createWatchHub } from "./kube/watch/create-watch-hub.ts";
import type { Runtime } from "./platform/runtime.ts";
import { TenantClusterWatches } from "./tenant/cluster-watch.ts";
import { loadServerTls } from "./tls/server-tls.ts";

const CLOSE_GRACE_MS = 2000;

export interface ApiServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

/**
 * Serves the app over HTTPS (kubectl sends bearer tokens only over TLS), HTTP/2 when the client
 * offers it: kubectl and client-go then multiplex every request and watch over one connection, so a
 * watch costs a stream instead of a TLS socket. HTTP/1.1 clients are served on the same port.
 */
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
    createServer: createSecureServer,
    serverOptions: { cert: tls.cert, key: tls.key, allowHTTP1: true },
  }) as Http2SecureServer;
  const sockets = new Set<TLSSocket>();
  server.on("secureConnection", (socket: TLSSocket) => {
    releaseAlpnCopy(socket);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
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
        // HTTP/2 sessions would hold close() open: a GOAWAY lets their in-flight streams finish and
        // takes no new ones. Idle HTTP/1.1 keep-alive connections end when their socket times out.
        for (const session of sessions) session.close();
        // HTTP/1.1 keep-alive connections have no idle-close on an HTTP/2 server: give requests in
        // flight a moment, then cut what is left.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, CLOSE_GRACE_MS).unref();
      }),
  };
}

/**
 * Node copies the server's ALPN list into each TLS socket's options with Buffer.from, which slices
 * the shared 8 KiB allocation pool: the 12-byte copy then keeps a whole pool slab alive for as long
 * as the connection lasts (other allocations fill the rest of the slab and die). The copy was handed
 * to OpenSSL when the socket was set up and is not read again; let it go.
 */
function releaseAlpnCopy(socket: TLSSocket): void {
  const options = (socket as unknown as { _tlsOptions?: { ALPNProtocols?: unknown } })._tlsOptions;
  if (options?.ALPNProtocols !== undefined) options.ALPNProtocols = undefined;
}
