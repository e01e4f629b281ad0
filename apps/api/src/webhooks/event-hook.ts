import type { TransactionSql } from "postgres";
import type { Change, ChangeSink, CommitHook, PendingChange } from "../kube/store/types.ts";
import { recordClusterObjectEvents } from "./platform-events.ts";
import { type DetectedEvent, detectTransitions } from "./transition-detector.ts";

/**
 * Turns Kubernetes writes into platform events: before commit it records the transitions the
 * write makes (in its transaction, so an event exists exactly when its change committed); after
 * commit it kicks the webhook dispatch, only for writes that recorded something. A write that causes
 * no event costs a map lookup per change and no query.
 */
export class WebhookEventHook implements CommitHook, ChangeSink {
  /** Changes that recorded events; a rolled-back write's entries are simply never looked up again. */
  private readonly recorded = new WeakSet<Change>();

  constructor(private readonly kick: () => Promise<void>) {}

  async beforeCommit(
    sql: TransactionSql,
    clusterId: string,
    changes: readonly PendingChange[],
  ): Promise<void> {
    let events: DetectedEvent[] | undefined;
    for (const { change, previous } of changes) {
      const found = detectTransitions(change, previous);
      if (found.length === 0) continue;
      events = [...(events ?? []), ...found];
      this.recorded.add(change);
    }
    if (events) await recordClusterObjectEvents(sql, clusterId, events);
  }

  async changesCommitted(_clusterId: string, changes: readonly PendingChange[]): Promise<void> {
    if (changes.some(({ change }) => this.recorded.has(change))) await this.kick();
  }
}
