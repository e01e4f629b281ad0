import { type NodeResponse, type ResponseSink, startStreamingResponse } from "./streaming-response.ts";

/**
 * The outbox each response feeds. The response's listeners are functions shared by every watch,
 * which find their outbox here: a closure per watch (and its context) would cost memory per watch.
 */
const outboxOfSink = new WeakMap<ResponseSink, WatchOutbox>();
function onSinkDrain(this: ResponseSink): void {
  outboxOfSink.get(this)?.pull();
}
function onSinkClose(this: ResponseSink): void {
  const outbox = outboxOfSink.get(this);
  if (outbox && !outbox.finished) outbox.cancel();
}

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
 * The outgoing side of one watch. Its bytes go either straight into the Node response (the server:
 * no web stream, request or reader kept per watch, which is most of an idle watch's memory) or into
 * a ReadableStream the caller pulls from (in-process requests). Either way the consumer takes bytes
 * as fast as the client reads. Events wait in a queue of our own rather than in the stream's, so
 * that the queue can be measured (events and bytes), handed over in one write when the client
 * catches up, and dropped at once when the client falls too far behind.
 *
 * Only live events count against the limits: the initial burst (a list or a replay from the change
 * log) is queued before the client can read anything, and may be as large as the list it replaces.
 */
export class WatchOutbox {
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private response: ResponseSink | undefined;
  private queue: Uint8Array[] = [];
  /** Live events (and their bytes) queued since the client last took what was waiting. */
  private backlogEvents = 0;
  private backlogBytes = 0;
  /** The consumer can take bytes now (a read is outstanding, or the socket has room). */
  private reading = false;
  private closing = false;
  private done = false;

  /** Nothing more goes out: ended, or the client went away. */
  get finished(): boolean {
    return this.done;
  }

  constructor(
    private readonly limits: BacklogLimits,
    private readonly owner: OutboxOwner,
  ) {}

  /** Consumes the outbox as a web stream, for callers that have no Node response. */
  toReadableStream(): ReadableStream<Uint8Array> {
    // The outbox is the stream's source itself (start, pull, cancel): no closures per watch.
    // Nothing is buffered inside the stream: pull() runs only when the server wants bytes.
    return new ReadableStream<Uint8Array>(this, { highWaterMark: 0 });
  }

  /** Writes the response head and then every event straight into `response`, as the client reads. */
  sendTo(nodeResponse: NodeResponse, headers: Record<string, string>): void {
    const response = startStreamingResponse(nodeResponse, headers);
    this.response = response;
    outboxOfSink.set(response, this);
    response.on("drain", onSinkDrain);
    response.on("close", onSinkClose);
    this.pull();
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
      this.emit(bytes);
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
    // Before a consumer is attached, attaching it delivers what is queued and ends.
    if (!this.controller && !this.response) return;
    if (this.queue.length === 0) this.end();
    // A consumer already waiting will not ask again: hand it what is queued (and end) now.
    else if (this.reading) this.pull();
  }

  /** The consumer wants bytes. */
  pull(): void {
    if (this.done) return;
    if (this.queue.length === 0) {
      if (this.closing) this.end();
      else this.reading = true;
      return;
    }
    const waiting = this.queue;
    this.queue = [];
    this.backlogEvents = 0;
    this.backlogBytes = 0;
    this.emit(waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting));
    if (this.closing) this.end();
  }

  private emit(bytes: Uint8Array): void {
    if (this.response) {
      // false: the socket's buffer is full; 'drain' asks again.
      this.reading = this.response.write(bytes);
    } else {
      this.reading = false;
      this.controller!.enqueue(bytes);
    }
  }

  private end(): void {
    this.done = true;
    try {
      if (this.response) this.response.end();
      else this.controller?.close();
    } catch {
      // The client went away first.
    }
  }
}
