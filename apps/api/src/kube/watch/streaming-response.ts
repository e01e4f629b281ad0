import { Http2ServerResponse } from "node:http2";

/**
 * The Node response of the HTTP request that opened a stream: what http.ServerResponse (HTTP/1.1)
 * and http2.Http2ServerResponse have in common, as far as a long-lived stream uses it.
 */
export interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders?(): void;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  on(event: "drain" | "close", listener: () => void): unknown;
}

/** Where the body of a started stream goes. */
export interface ResponseSink {
  /** False: the transport's buffer is full; wait for "drain". */
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  on(event: "drain" | "close", listener: () => void): unknown;
}

/**
 * Node's compatibility layer listens on every HTTP/2 stream for its request and response objects.
 * Each of these looks the objects up on the stream and does nothing once they are gone; the
 * per-event arrays and per-stream closures they keep are what is worth dropping. The no-op error
 * listener is replaced by ours below.
 */
const COMPATIBILITY_LISTENERS = new Set([
  "onStreamAbortedRequest",
  "onStreamAbortedResponse",
  "onStreamCloseRequest",
  "onStreamCloseResponse",
  "onStreamData",
  "onStreamDrain",
  "onStreamEnd",
  "onStreamError",
  "onStreamTimeout",
  "onStreamTrailers",
  "onStreamTrailersReady",
]);

/**
 * Sends the head of a 200 response whose body is written for minutes or hours (a watch), and
 * returns where the body goes.
 *
 * Over HTTP/2 that is the bare stream. Node's compatibility layer gives every stream a request and
 * a response object (with their own stream states, header maps and listeners), and the adapter
 * under Hono hangs a request wrapper and a closure on them: ~2.5 KiB of heap, ~4 KiB of RSS per
 * stream, which an idle watch would hold for its whole life for nothing. The stream knows them
 * only through two properties, which are cleared, and its listeners, which are removed. The head is
 * then sent on the stream itself, so that the compatibility response never asks for trailers.
 * Should a Node release link them differently, the response goes through the compatibility layer
 * as before: it costs memory, not correctness.
 */
export function startStreamingResponse(
  response: NodeResponse,
  headers: Record<string, string>,
): ResponseSink {
  const stream = response instanceof Http2ServerResponse ? releasedStream(response) : undefined;
  if (stream) {
    const head: Record<string, string | number> = { ":status": 200 };
    for (const [name, value] of Object.entries(headers)) head[name.toLowerCase()] = value;
    stream.respond(head);
    return stream;
  }
  response.writeHead(200, headers);
  // A watch may stay quiet for minutes: the client learns it is open from the head, now.
  response.flushHeaders?.();
  return response;
}

/** The response's HTTP/2 stream, no longer linked to its compatibility request and response. */
function releasedStream(response: Http2ServerResponse) {
  const stream = response.stream;
  if (stream.headersSent || stream.destroyed) return undefined;
  // A HEAD answer has no body, which the compatibility response knows to leave out.
  if (response.req.method !== "GET") return undefined;
  const request: unknown = response.req;
  const links = Object.getOwnPropertySymbols(stream).filter((key) => {
    const value: unknown = Reflect.get(stream, key);
    return value === response || value === request;
  });
  if (links.length !== 2) return undefined;
  for (const key of links) Reflect.set(stream, key, undefined);
  for (const event of stream.eventNames()) {
    for (const listener of stream.listeners(event)) {
      if (COMPATIBILITY_LISTENERS.has(listener.name)) stream.removeListener(event, listener as () => void);
    }
  }
  // A reset by the client also arrives as an error; "close" follows, and that is what the owner of
  // the stream acts on. Without a listener, the error would be thrown.
  stream.on("error", ignoreStreamError);
  return stream;
}

function ignoreStreamError(): void {}
