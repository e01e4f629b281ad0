import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

// biome-ignore lint/suspicious/noExplicitAny: tests read payloads field by field and assert each one.
type Json = any;

/** One request the receiver got, and what it answered. */
export interface Received {
  path: string;
  id: string;
  timestamp: number;
  signatures: string[];
  contentType: string | undefined;
  body: string;
  event: Json;
  /** Date.now() on arrival. */
  at: number;
  status: number;
}

export type Responder = (
  request: Received,
  previous: readonly Received[],
) => {
  status: number;
  headers?: Record<string, string>;
};

/**
 * A webhook receiver on 127.0.0.1: records every request and answers what `respond` says (204 by
 * default). It can be stopped and started again on the same port, as a receiver that was down.
 */
export class Receiver {
  readonly requests: Received[] = [];
  respond: Responder = () => ({ status: 204 });
  private server: http.Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const received: Received = {
          path: req.url ?? "/",
          id: String(req.headers["webhook-id"]),
          timestamp: Number(req.headers["webhook-timestamp"]),
          signatures: String(req.headers["webhook-signature"] ?? "").split(" "),
          contentType: req.headers["content-type"],
          body,
          event: JSON.parse(body),
          at: Date.now(),
          status: 0,
        };
        const answer = this.respond(received, [...this.requests]);
        received.status = answer.status;
        this.requests.push(received);
        res.writeHead(answer.status, answer.headers);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  url(path = "/"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get portNumber(): number {
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests answered with a 2xx. */
  delivered(filter: (r: Received) => boolean = () => true): Received[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300 && filter(r));
  }

  /** Polls until `check` returns something, or fails after `timeoutMs` with what was received. */
  async waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) {
        const seen = this.requests.map((r) => `${r.path} ${r.event?.type} ${r.id} → ${r.status}`);
        throw new Error(`${what} did not arrive; received:\n${seen.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * Checks a request as a receiver following Standard Webhooks would: which of the given secrets
 * produced one of its signatures. Written apart from the service's signer on purpose.
 */
export function signedWith(request: Received, secrets: readonly string[]): string[] {
  const content = `${request.id}.${request.timestamp}.${request.body}`;
  return secrets.filter((secret) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const expected = createHmac("sha256", key).update(content).digest();
    return request.signatures.some((entry) => {
      const [version, value] = entry.split(",");
      const given = Buffer.from(value ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
  });
}
