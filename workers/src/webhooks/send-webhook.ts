import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import {
  guardedLookup,
  refusedAddressKind,
  refusedMessage,
} from "../../../apps/api/src/webhooks/address-guard.ts";

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: skip the address guard. */
  allowPrivate: boolean;
}

export interface WebhookResponse {
  /** A 2xx answer. */
  ok: boolean;
  statusCode?: number;
  durationMs: number;
  /** Why no answer came (refused address, connection error, timeout), or which status was not 2xx. */
  error?: string;
  /** The receiver's Retry-After, in milliseconds from now. */
  retryAfterMs?: number;
}

/** What is read of a receiver's answer before the connection is dropped: only the status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;

// Agents whose every connection goes through the address guard, chosen per request so the
// WEBHOOK_ALLOW_PRIVATE setting of the runtime decides, not a process-wide default.
const lookup = guardedLookup as unknown as LookupFunction;
const guardedAgents = { http: new http.Agent({ lookup }), https: new https.Agent({ lookup }) };
const openAgents = { http: new http.Agent(), https: new https.Agent() };

/**
 * POSTs one webhook with node:http(s), never throwing: every outcome is a result to record. The
 * address guard runs in the agent's `lookup`, at connect time, on the address actually connected
 * to; IP literals, which skip the lookup, are checked here first.
 */
export function sendWebhook(
  request: WebhookRequest,
  nowMs: () => number = Date.now,
): Promise<WebhookResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve({ ok: false, durationMs: 0, error: `invalid URL ${request.url}` });
  }
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") {
    return Promise.resolve({ ok: false, durationMs: 0, error: `unsupported protocol ${url.protocol}` });
  }
  // Names are judged after resolution, in the agent's lookup; literals never get there.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literalKind = isIP(host) ? refusedAddressKind(host) : undefined;
  if (!request.allowPrivate && literalKind) {
    return Promise.resolve({ ok: false, durationMs: 0, error: refusedMessage(host, host, literalKind) });
  }
  const agents = request.allowPrivate ? openAgents : guardedAgents;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookResponse, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const req = (secure ? https : http).request(
      url,
      {
        method: "POST",
        agent: secure ? agents.https : agents.http,
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      },
      (res) => {
        const statusCode = res.statusCode ?? 0;
        const ok = statusCode >= 200 && statusCode < 300;
        const retryAfterMs = ok ? undefined : parseRetryAfter(res.headers["retry-after"], nowMs());
        const done = () =>
          finish({
            ok,
            statusCode,
            ...(ok ? {} : { error: `HTTP ${statusCode}${res.statusMessage ? ` ${res.statusMessage}` : ""}` }),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          });
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${request.timeoutMs / 1000} s`));
    }, request.timeoutMs);
    req.on("error", (err) => finish({ ok: false, error: err.message }));
    req.end(request.body);
  });
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
