import type { Redis } from "ioredis";
import { errorFields } from "../platform/logger.ts";
import { createRedis } from "../platform/redis.ts";
import type { Runtime } from "../platform/runtime.ts";
import { tenantClustersChannel } from "../services/cluster-events.ts";
import type { ClusterView } from "../services/cluster-view.ts";
import { listClusters } from "../services/clusters.ts";
import type { TenantContext } from "../services/context.ts";

/** Streams re-read their clusters this often even without a nudge (a lost message costs this much). */
const RESYNC_MS = 5000;
const encoder = new TextEncoder();

interface Stream {
  refresh(): Promise<void>;
  close(): void;
}

/**
 * `GET /v1/clusters?watch=1`: the tenant's clusters as watch events (ADDED, MODIFIED, DELETED, one
 * JSON object per line, as Kubernetes frames them). Cluster changes nudge the streams over Redis;
 * each stream re-reads and sends what differs from what it sent, so events are never wrong or
 * duplicated, and a periodic re-read covers lost nudges. One subscriber connection per process.
 */
export class TenantClusterWatches {
  private subscriber: Redis | undefined;
  private readonly streams = new Map<string, Set<Stream>>();

  constructor(private readonly runtime: Runtime) {}

  async open(ctx: TenantContext, timeoutSeconds: number): Promise<ReadableStream<Uint8Array>> {
    const tenantId = ctx.principal.tenantId;
    const sent = new Map<string, string>();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    let running: Promise<void> = Promise.resolve();
    const emit = (type: string, object: ClusterView) => {
      if (!closed) controller.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`));
    };
    const diff = async () => {
      const current = await listClusters(ctx);
      const seen = new Set<string>();
      for (const cluster of current) {
        seen.add(cluster.id);
        const text = JSON.stringify(cluster);
        const before = sent.get(cluster.id);
        if (before === text) continue;
        sent.set(cluster.id, text);
        emit(before ? "MODIFIED" : "ADDED", cluster);
      }
      for (const [id, text] of sent) {
        if (seen.has(id)) continue;
        sent.delete(id);
        const last = JSON.parse(text) as ClusterView;
        emit("DELETED", { ...last, status: { ...last.status, phase: "Deleting" } });
      }
    };
    const stream: Stream = {
      refresh: () => {
        // One re-read at a time per stream, in order.
        running = running
          .then(diff)
          .catch((err: unknown) => this.runtime.log.warn("cluster watch refresh failed", errorFields(err)));
        return running;
      },
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(resync);
        clearTimeout(timeout);
        this.remove(tenantId, stream);
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      },
    };
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
      },
      cancel: () => stream.close(),
    });
    await this.add(tenantId, stream);
    await stream.refresh();
    const resync = setInterval(() => void stream.refresh(), RESYNC_MS);
    const timeout = setTimeout(() => stream.close(), timeoutSeconds * 1000);
    return body;
  }

  close(): void {
    for (const set of this.streams.values()) for (const s of [...set]) s.close();
    this.subscriber?.disconnect();
  }

  private async add(tenantId: string, stream: Stream): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = createRedis(this.runtime.redisUrl, "subscriber");
      this.subscriber.on("message", (channel: string) => {
        const id = channel.slice(tenantClustersChannel(this.runtime.config.redisPrefix, "").length);
        for (const s of this.streams.get(id) ?? []) void s.refresh();
      });
    }
    let set = this.streams.get(tenantId);
    if (!set) {
      set = new Set();
      this.streams.set(tenantId, set);
      await this.subscriber.subscribe(tenantClustersChannel(this.runtime.config.redisPrefix, tenantId));
    }
    set.add(stream);
  }

  private remove(tenantId: string, stream: Stream): void {
    const set = this.streams.get(tenantId);
    if (!set) return;
    set.delete(stream);
    if (set.size === 0) {
      this.streams.delete(tenantId);
      void this.subscriber
        ?.unsubscribe(tenantClustersChannel(this.runtime.config.redisPrefix, tenantId))
        .catch(() => undefined);
    }
  }
}
