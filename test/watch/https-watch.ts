import type { IncomingMessage } from "node:http";
import { type Agent, request } from "node:https";
import type { WatchEvent } from "../fixtures/watch-client.ts";

/** A watch over a real HTTPS connection, read (or not) as the test decides. */
export interface HttpsWatch {
  response: IncomingMessage;
  events: WatchEvent[];
  /** Starts reading the body; until then the client reads nothing, as a stuck client would. */
  read(): void;
  /** Resolves when at least `n` events arrived (or fails after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` (a watch) with a bearer token; the body stays unread until `read()`. */
export function openHttpsWatch(
  url: string,
  options: { token: string; ca: string; agent?: Agent; read?: boolean },
): Promise<HttpsWatch> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: options.ca,
        ...(options.agent ? { agent: options.agent } : {}),
        headers: { authorization: `Bearer ${options.token}` },
      },
      (response) => {
        if (response.statusCode !== 200) {
          let text = "";
          response.on("data", (d) => {
            text += d;
          });
          response.on("end", () => reject(new Error(`watch failed: ${response.statusCode} ${text}`)));
          return;
        }
        const events: WatchEvent[] = [];
        let buffer = "";
        const ended = new Promise<void>((done) => {
          response.on("end", done);
          response.on("close", done);
          response.on("error", () => done());
        });
        const watch: HttpsWatch = {
          response,
          events,
          ended,
          read() {
            response.setEncoding("utf8");
            response.on("data", (text: string) => {
              buffer += text;
              let newline = buffer.indexOf("\n");
              while (newline >= 0) {
                events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
                buffer = buffer.slice(newline + 1);
                newline = buffer.indexOf("\n");
              }
            });
          },
          async waitFor(n, timeoutMs = 10_000) {
            const deadline = Date.now() + timeoutMs;
            while (events.length < n) {
              if (Date.now() > deadline)
                throw new Error(`only ${events.length} of ${n} events: ${JSON.stringify(events.slice(-2))}`);
              await new Promise((r) => setTimeout(r, 10));
            }
            return events;
          },
          close() {
            req.destroy();
          },
        };
        if (options.read !== false) watch.read();
        resolve(watch);
      },
    );
    req.on("error", reject);
    req.end();
  });
}
