import type { Redis } from "ioredis";
import type { Logger } from "../../platform/logger.ts";
import { errorFields } from "../../platform/logger.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { type ChangeMessage, changeChannel } from "../store/publish.ts";
import { ClusterFeed, type FeedListener } from "./cluster-feed.ts";

/** How often each cluster with watchers checks its counter for lost messages (and bookmarks). */
export const CHECK_INTERVAL_MS = 1000;

/**
 * The watch fan-out of one API process: one Redis subscriber connection, a channel per cluster
 * that has watchers here (and none for others), one ordered feed per such cluster.
 */
export class WatchHub {
  private readonly feeds = new Map<string, { feed: ClusterFeed; subscribed: Promise<unknown> }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly subscriber: Redis,
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    subscriber.on("message", (channel: string, text: string) => {
      const clusterId = channel.slice(changeChannel(prefix, "").length);
      const entry = this.feeds.get(clusterId);
      if (!entry) return;
      try {
        entry.feed.onMessage(JSON.parse(text) as ChangeMessage);
      } catch (err) {
        this.log.warn("unreadable change message", { clusterId, ...errorFields(err) });
      }
    });
    // After a reconnect ioredis resubscribes; whatever was published meanwhile is read from the log.
    subscriber.on("ready", () => {
      for (const { feed } of this.feeds.values()) void feed.check();
    });
  }

  /** Adds a listener to a cluster's feed, subscribing first; resolves when the feed is ready. */
  async attach(clusterId: string, listener: FeedListener): Promise<ClusterFeed> {
    let entry = this.feeds.get(clusterId);
    if (!entry) {
      const subscribed = this.subscriber.subscribe(changeChannel(this.prefix, clusterId));
      await subscribed;
      entry = this.feeds.get(clusterId);
      if (!entry) {
        const feed = new ClusterFeed(clusterId, this.store, (err) =>
          this.log.error("watch feed failed", { clusterId, ...errorFields(err) }),
        );
        entry = { feed, subscribed };
        this.feeds.set(clusterId, entry);
      }
      this.ensureTimer();
    }
    entry.feed.listeners.add(listener);
    await entry.feed.whenReady();
    return entry.feed;
  }

  detach(clusterId: string, listener: FeedListener): void {
    const entry = this.feeds.get(clusterId);
    if (!entry) return;
    entry.feed.listeners.delete(listener);
    if (entry.feed.listeners.size === 0) {
      this.feeds.delete(clusterId);
      void this.subscriber.unsubscribe(changeChannel(this.prefix, clusterId)).catch(() => undefined);
      if (this.feeds.size === 0) this.stopTimer();
    }
  }

  /** Clusters with watchers in this process (for tests and metrics). */
  activeClusters(): string[] {
    return [...this.feeds.keys()];
  }

  close(): void {
    this.stopTimer();
    for (const { feed } of this.feeds.values()) {
      for (const l of feed.listeners) l.end("cluster-deleted");
    }
    this.feeds.clear();
    this.subscriber.disconnect();
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const { feed } of this.feeds.values()) void feed.check();
    }, CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
