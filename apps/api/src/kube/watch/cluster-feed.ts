import type { ObjectStore } from "../store/object-store.ts";
import type { ChangeMessage } from "../store/publish.ts";
import type { Change } from "../store/types.ts";

/** Receives a cluster's changes strictly in resourceVersion order, each exactly once. */
export interface FeedListener {
  deliver(change: Change): void;
  /** The periodic check ran: the cluster stands at `rv` (the source of BOOKMARKs). */
  progress?(rv: number): void;
  /** The hub's clock, once a second: for deadlines, without a timer per listener. */
  tick?(now: number): void;
  /** The cluster is gone, or changes were compacted before delivery (the client must relist). */
  end(reason: "cluster-deleted" | "expired"): void;
}

/**
 * One cluster's ordered change stream inside one API process. Pub/sub messages may be lost,
 * duplicated by reconnects, or arrive out of order (writers publish after commit, concurrently);
 * versions are contiguous, so the feed delivers N+1 after N and reads whatever it has not seen from
 * the change log (ARCHITECTURE §3). A periodic check of the cluster's counter catches a lost tail.
 */
export class ClusterFeed {
  readonly listeners = new Set<FeedListener>();
  /** Highest version delivered; everything ≤ it was delivered in order. */
  lastRv = 0;
  private ready: Promise<void>;
  private chain: Promise<void> = Promise.resolve();
  private pending = new Map<number, Change>();
  private ended = false;

  constructor(
    readonly clusterId: string,
    private readonly store: ObjectStore,
    private readonly onError: (err: unknown) => void,
  ) {
    // Subscribed before this runs (the hub awaits the SUBSCRIBE first), so nothing falls between.
    this.ready = this.store.versions(clusterId).then((v) => {
      if (!v) this.endAll();
      else this.lastRv = v.rv;
    });
  }

  /** Resolves once the feed knows where the cluster stands. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** A pub/sub message arrived. */
  onMessage(message: ChangeMessage): void {
    this.enqueue(async () => {
      if ("changes" in message) {
        for (const change of message.changes)
          if (change.rv > this.lastRv) this.pending.set(change.rv, change);
        const top = message.changes[message.changes.length - 1]?.rv ?? 0;
        await this.advanceTo(top);
      } else if ("range" in message) {
        await this.advanceTo(message.range.to);
      } else {
        this.endAll();
      }
    });
  }

  /**
   * The periodic check (the hub reads every cluster's counter at once): fills from the log what
   * lost messages left out up to `version.rv`; `undefined` means the cluster is gone.
   */
  checkAt(version: { rv: number } | undefined): Promise<void> {
    return this.enqueue(async () => {
      if (!version) return this.endAll();
      await this.advanceTo(version.rv);
      for (const l of this.listeners) l.progress?.(this.lastRv);
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(() => this.ready).then(work);
    this.chain = next.catch(this.onError);
    return this.chain;
  }

  /** Delivers every version up to `target`, from pending messages or the change log. */
  private async advanceTo(target: number): Promise<void> {
    while (!this.ended && this.lastRv < target) {
      const next = this.pending.get(this.lastRv + 1);
      if (next) {
        this.pending.delete(next.rv);
        this.dispatch(next);
        continue;
      }
      const fromLog = await this.store.changesSince(
        this.clusterId,
        this.lastRv,
        Math.min(1000, target - this.lastRv),
      );
      if (fromLog.length === 0 || fromLog[0]!.rv !== this.lastRv + 1) {
        // Not committed yet (a writer published before we could read it) or compacted: the next
        // message or check picks it up; a compacted gap ends the streams so clients relist.
        const v = await this.store.versions(this.clusterId);
        if (v && v.compactedRv > this.lastRv) this.skipCompacted(v.compactedRv);
        return;
      }
      for (const change of fromLog) {
        this.pending.delete(change.rv);
        this.dispatch(change);
      }
    }
    for (const rv of this.pending.keys()) if (rv <= this.lastRv) this.pending.delete(rv);
  }

  private dispatch(change: Change): void {
    this.lastRv = change.rv;
    for (const l of this.listeners) l.deliver(change);
  }

  /** Changes were compacted before this process saw them: streams cannot continue without a gap. */
  private skipCompacted(to: number): void {
    this.lastRv = to;
    for (const l of this.listeners) l.end("expired");
    this.listeners.clear();
  }

  private endAll(): void {
    this.ended = true;
    for (const l of this.listeners) l.end("cluster-deleted");
    this.listeners.clear();
  }
}
