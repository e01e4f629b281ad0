import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";

/** Who reports an event: `kubelet` on a node, `default-scheduler`, `deployment-controller` … */
export interface EventSource {
  component: string;
  host?: string;
}

export interface EventInput {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** The part of the object the event is about: `spec.containers{nginx}`. */
  fieldPath?: string;
}

/** What to write for an event, and whether the spam filter lets it be written now. */
export interface CorrelatedEvent {
  input: EventInput;
  /** The event stands for similar ones with other messages: its identity leaves the message out. */
  combined: boolean;
  /** False: held back; the caller notes it with hold() so that a later write counts it. */
  admitted: boolean;
}

/** client-go's defaults (tools/record/events_cache.go). */
const CACHE_ENTRIES = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;

/**
 * client-go's EventCorrelator, the part that decides what reaches the API (one per process, as
 * one per recorder upstream):
 * - similar events (same source, object, type and reason) with more than nine different messages
 *   within ten minutes become one event, "(combined from similar events): <latest message>",
 *   counted from then on (a ReplicaSet scaled to 2,000 records nine `Created pod: …` and one
 *   combined event, as kube-controller-manager does);
 * - each source may write 25 events about one object at once, then one every five minutes (a
 *   token bucket); what is held back is not lost but counted (see `held`), and the next write of
 *   that event carries the count, as client-go's event cache does.
 * Identical events are counted by the recorder (record-event.ts), not here.
 */
export class EventCorrelator {
  private readonly similar = new BoundedMap<string, { messages: Set<string>; lastMs: number }>(CACHE_ENTRIES);
  private readonly buckets = new BoundedMap<string, { tokens: number; atMs: number }>(CACHE_ENTRIES);
  private readonly heldBack = new BoundedMap<string, number>(CACHE_ENTRIES);

  /** The event to write for `input`, and whether it may be written now. */
  correlate(source: EventSource, involved: KubeObject, input: EventInput, now: Date): CorrelatedEvent {
    const nowMs = now.getTime();
    const objectKey = [
      source.component,
      source.host ?? "",
      involved.kind ?? "",
      involved.metadata.namespace ?? "",
      involved.metadata.name ?? "",
      involved.metadata.uid ?? "",
      involved.apiVersion ?? "",
    ].join("\u0000");
    const similar = this.aggregate(`${objectKey}\u0000${input.type}\u0000${input.reason}`, input, nowMs);
    return { ...similar, admitted: this.admit(objectKey, nowMs) };
  }

  /** Notes one more occurrence of the event named `eventName` that was held back. */
  hold(eventName: string): void {
    this.heldBack.set(eventName, (this.heldBack.get(eventName) ?? 0) + 1);
  }

  /** The occurrences of `eventName` held back since its last write; forgets them. */
  held(eventName: string): number {
    const count = this.heldBack.get(eventName) ?? 0;
    this.heldBack.delete(eventName);
    return count;
  }

  private aggregate(key: string, input: EventInput, nowMs: number): Omit<CorrelatedEvent, "admitted"> {
    let record = this.similar.get(key);
    if (!record || nowMs - record.lastMs > AGGREGATE_INTERVAL_MS)
      record = { messages: new Set(), lastMs: nowMs };
    record.messages.add(input.message);
    record.lastMs = nowMs;
    this.similar.set(key, record);
    if (record.messages.size < AGGREGATE_MAX_EVENTS) return { input, combined: false };
    // Keep the set below the threshold, as upstream pops one message.
    const first = record.messages.values().next().value;
    if (first !== undefined) record.messages.delete(first);
    return {
      input: { ...input, message: `(combined from similar events): ${input.message}` },
      combined: true,
    };
  }

  /** The token bucket of one source and object. */
  private admit(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: SPAM_BURST, atMs: nowMs };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (nowMs - bucket.atMs) / SPAM_REFILL_MS);
    bucket.atMs = nowMs;
    const admitted = bucket.tokens >= 1;
    if (admitted) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return admitted;
  }
}

/** A Map that forgets its least recently set entries beyond `capacity` (upstream's LRU caches). */
class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}

/** The process's correlator, shared by every recorder in it. */
export const eventCorrelator = new EventCorrelator();
