/** How much a watch may have waiting for a client that reads slower than changes arrive. */
export interface BacklogLimits {
  events: number;
  bytes: number;
}

/** Told when the client cancels the stream (it disconnected). */
export interface OutboxOwner {
  cancelled(): void;
}

/**
 * The outgoing side of one watch: a byte stream the HTTP server pulls from as fast as the client
 * reads. Events wait in a queue of our own rather than in the ReadableStream's, so that the queue
 * can be measured (events and bytes), handed over in one write when the client catches up, and
 * dropped at once when the client falls too far behind.
 *
 * Only live events count against the limits: the initial burst (a list or a replay from the change
 * log) is queued before the client can read anything, and may be as large as the list it replaces.
 */
export class WatchOutbox {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private queue: Uint8Array[] = [];
  /** Live events (and their bytes) queued since the client last took what was waiting. */
  private backlogEvents = 0;
  private backlogBytes = 0;
  /** The stream has a read outstanding and nothing to give it: the next event goes straight out. */
  private reading = false;
  private closing = false;
  private done = false;

  constructor(
    private readonly limits: BacklogLimits,
    private readonly owner: OutboxOwner,
  ) {
    // The outbox is the stream's source itself (start, pull, cancel): no closures per watch.
    // Nothing is buffered inside the stream: pull() runs only when the server wants bytes.
    this.stream = new ReadableStream<Uint8Array>(this, { highWaterMark: 0 });
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
  }

  cancel(): void {
    this.done = true;
    this.queue = [];
    this.owner.cancelled();
  }

  /**
   * Queues one event. Returns false, and queues nothing, when a live event would take the backlog
   * past the limits: the caller then gives up on this client.
   */
  push(bytes: Uint8Array, live: boolean): boolean {
    if (this.done || this.closing) return true;
    if (this.reading) {
      this.reading = false;
      this.controller.enqueue(bytes);
      return true;
    }
    if (live) {
      this.backlogEvents += 1;
      this.backlogBytes += bytes.byteLength;
      if (this.backlogEvents > this.limits.events || this.backlogBytes > this.limits.bytes) return false;
    }
    this.queue.push(bytes);
    return true;
  }

  /** Drops everything still waiting, sends `last` instead and ends the stream. */
  abandon(last: Uint8Array): void {
    if (this.done || this.closing) return;
    this.queue = [last];
    this.close();
  }

  /** Ends the stream once the client has read what is queued. */
  close(): void {
    if (this.done || this.closing) return;
    this.closing = true;
    if (this.queue.length === 0) this.end();
    // A read already waiting will not pull again: hand it what is queued (and end) now.
    else if (this.reading) {
      this.reading = false;
      this.pull();
    }
  }

  pull(): void {
    if (this.done) return;
    if (this.queue.length === 0) {
      this.reading = true;
      return;
    }
    const waiting = this.queue;
    this.queue = [];
    this.backlogEvents = 0;
    this.backlogBytes = 0;
    this.controller.enqueue(waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting));
    if (this.closing) this.end();
  }

  private end(): void {
    this.done = true;
    try {
      this.controller.close();
    } catch {
      // The client went away first.
    }
  }
}
