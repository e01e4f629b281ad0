import { badRequest } from "../errors.ts";

/** The longest range one report covers. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export interface UsageRange {
  from: Date;
  to: Date;
}

/**
 * `from` and `to` of `GET /v1/usage`: ISO 8601 timestamps with a zone, or dates (UTC). A date as
 * `from` is its first instant, as `to` its last (the day is included): `from=2026-03-01&to=2026-03-31`
 * is March. Default: the current calendar month (UTC) until now.
 */
export function parseUsageRange(query: { from?: string; to?: string }, now: Date): UsageRange {
  const from =
    query.from === undefined
      ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
      : parseInstant("from", query.from, "start");
  const to = query.to === undefined ? now : parseInstant("to", query.to, "end");
  if (from.getTime() > to.getTime()) {
    throw badRequest(`from (${from.toISOString()}) is after to (${to.toISOString()})`, "invalid_range");
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw badRequest(`the range may span at most ${MAX_RANGE_DAYS} days`, "invalid_range");
  }
  return { from, to };
}

function parseInstant(name: string, value: string, edge: "start" | "end"): Date {
  const isDate = DATE.test(value);
  const parsed =
    isDate || TIMESTAMP.test(value) ? new Date(isDate ? `${value}T00:00:00Z` : value) : undefined;
  // Date accepts 2026-02-31 as March 3rd: a date must read back as written.
  if (!parsed || Number.isNaN(parsed.getTime()) || (isDate && parsed.toISOString().slice(0, 10) !== value)) {
    throw badRequest(
      `${name} must be an ISO 8601 date (2026-03-01) or timestamp with a zone (2026-03-01T12:00:00Z), got "${value}"`,
      "invalid_range",
    );
  }
  return isDate && edge === "end" ? new Date(parsed.getTime() + DAY_MS) : parsed;
}
