import { Redis } from "ioredis";
import { changeChannel } from "../../apps/api/src/kube/store/publish.ts";
import { MAX_QUEUED_EVENTS } from "../../apps/api/src/kube/watch/watch-stream.ts";
import { type ApiServer, startApiServer } from "../../apps/api/src/server.ts";
import { loadOrCreateCa } from "../../apps/api/src/tls/server-tls.ts";
import { createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";
import { createReadyClusters } from "./direct-clusters.ts";

/** The HTTPS server (HTTP/1.1 and HTTP/2) over a test runtime, for watches over a real transport. */
export interface ServedWatches {
  t: TestRuntime;
  server: ApiServer;
  ca: string;
  token: string;
  clusterIds: string[];
  /** Watchers of the cluster in any process: the server's hub unsubscribes when its last one ends. */
  subscribers(clusterId: string): Promise<number>;
  /**
   * Writes 64 KiB ConfigMaps to the cluster, ten per transaction, until the server lets go of its
   * one watch (a client that does not read) or the event limit is reached; returns how many.
   */
  writeUntilLetGo(clusterId: string): Promise<number>;
  close(): Promise<void>;
}

export async function serveWatches(clusters: number): Promise<ServedWatches> {
  const t = await createTestRuntime({ env: { PORT: "0", HOST: "127.0.0.1" } });
  const server = await startApiServer(t.runtime);
  const ca = (await loadOrCreateCa(t.runtime.db.orm)).certPem;
  const { token, clusterIds } = await createReadyClusters(t.runtime, clusters);
  const admin = new Redis(t.redis.url);
  const subscribers = async (clusterId: string) => {
    const [, count] = (await admin.pubsub("NUMSUB", changeChannel(t.redis.prefix, clusterId))) as [
      string,
      number,
    ];
    return count;
  };
  const value = "x".repeat(64 * 1024);
  return {
    t,
    server,
    ca,
    token,
    clusterIds,
    subscribers,
    async writeUntilLetGo(clusterId) {
      let written = 0;
      while ((await subscribers(clusterId)) > 0 && written < MAX_QUEUED_EVENTS) {
        await t.runtime.store.transact(clusterId, async (tx) => {
          for (let i = 0; i < 10; i++, written++) {
            const name = `big-${written}`;
            await tx.create(
              { group: "", resource: "configmaps", namespace: "default", name },
              {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name, namespace: "default" },
                data: { value },
              },
            );
          }
        });
      }
      return written;
    },
    async close() {
      admin.disconnect();
      await server.close();
      await t.close();
    },
  };
}
