import type { Redis } from "ioredis";
import type { Logger } from "../../platform/logger.ts";
import { errorFields } from "../../platform/logger.ts";
import type { ObjectStore } from "../store/object-store.ts";
import { type ChangeMessage, changeChannel } from "../store/publish.ts";
import { ClusterFeed, type FeedListener } from "./cluster-feed.ts";
import type { ReadClusterVersions } from "./cluster-versions.ts";

/** How often each cluster with watchers checks its counter for lost messages (and bookmarks). */
export const CHECK_INTERVAL_MS = 1000;
/** How long a new watch waits for its cluster's SUBSCRIBE before starting without it. */
const SUBSCRIBE_WAIT_MS = 500;

/**
 * The watch fan-out of one API process: one Redis subscriber connection, a channel per cluster
 * that has watchers here (and none for others), one ordered feed per such cluster.
 */
export class WatchHub {
  private readonly feeds = new Map<string, { feed: ClusterFeed; subscribed: Promise<unknown> }>();
  private timer: NodeJS.Timeout | undefined;
  private disconnected = false;
  private checking = false;
  /** Each watched cluster's version as the previous check read it. */
  private observed = new Map<string, number>();

  constructor(
    private readonly subscriber: Redis,
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly readVersions: ReadClusterVersions,
    /** Each check's clusters with watchers here: an open watch is use of its cluster (idle checks). */
    private readonly onWatched: (clusterIds: readonly string[]) => void = () => {},
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
      if (this.disconnected) this.log.info("watch subscriber reconnected");
      this.disconnected = false;
      void this.checkAll(true);
    });
    // Without a listener ioredis prints every failed reconnect; one line per outage is enough, and
    // watches go on meanwhile, fed from the change log by the counter checks.
    subscriber.on("error", (err: unknown) => {
      if (this.disconnected) return;
      this.disconnected = true;
      this.log.warn("watch subscriber lost Redis; serving watches from the change log", errorFields(err));
    });
  }

  /** Adds a listener to a cluster's feed, subscribing first; resolves when the feed is ready. */
  async attach(clusterId: string, listener: FeedListener): Promise<ClusterFeed> {
    let entry = this.feeds.get(clusterId);
    if (!entry) {
      const subscribed = this.subscriber
        .subscribe(changeChannel(this.prefix, clusterId))
        .catch(() => undefined);
      // Subscribed before the feed reads the counter, the first change arrives by message. The
      // subscription is only a shortcut, though: while Redis is down (the SUBSCRIBE waits in
      // ioredis's offline queue) the feed starts without it and the counter checks deliver.
      if (this.subscriber.status === "ready") await withTimeout(subscribed, SUBSCRIBE_WAIT_MS);
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
      this.tickAll();
      void this.checkAll();
    }, CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Lets every listener act on the time. One may leave (and its feed go) meanwhile: a Map or Set
   * iteration skips what is deleted during it.
   */
  private tickAll(): void {
    const now = Date.now();
    for (const { feed } of this.feeds.values()) {
      for (const listener of feed.listeners) listener.tick?.(now);
    }
  }

  /**
   * Reads every watched cluster's counter in one query and lets each feed catch up to the version
   * it read one round earlier: a change gets a whole interval to arrive by message before it is
   * counted lost and read from the log. Chasing the version just read instead would read from the
   * log every change still on its way, and under load, when messages wait longest, that extra
   * reading makes them wait longer still. After a reconnect (`lost`), messages were lost for sure.
   */
  private async checkAll(lost = false): Promise<void> {
    if (this.checking) return; // the previous round is still reading: skip a beat, not pile up
    this.checking = true;
    try {
      const feeds = [...this.feeds.values()].map((e) => e.feed);
      if (feeds.length === 0) return;
      this.onWatched(feeds.map((f) => f.clusterId));
      const versions = await this.readVersions(feeds.map((f) => f.clusterId));
      const previous = this.observed;
      this.observed = new Map();
      for (const feed of feeds) {
        const version = versions.get(feed.clusterId);
        if (version) this.observed.set(feed.clusterId, version.rv);
        const target = lost ? version?.rv : previous.get(feed.clusterId);
        void feed.checkAt(version && { rv: target ?? 0 });
      }
    } catch (err) {
      this.log.error("watch counter check failed", errorFields(err));
    } finally {
      this.checking = false;
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Ends every watch of the cluster in every API process (a message on its change channel, which each
 * process watching it is subscribed to): a hibernated cluster keeps no subscription.
 */
export async function endClusterWatches(redis: Redis, prefix: string, clusterId: string): Promise<void> {
  const message: ChangeMessage = { end: "hibernated" };
  await redis.publish(changeChannel(prefix, clusterId), JSON.stringify(message));
}
