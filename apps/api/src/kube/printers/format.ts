/**
 * Cell formatting shared by the printers: ages and durations (apimachinery `util/duration`), the
 * timestamp helpers of `pkg/printers/internalversion/printers.go`, and its small string helpers.
 */

import { type JsonObject, objectsAt, stringAt } from "./json.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * `duration.HumanDuration`: ~2–3 significant figures, e.g. `45s`, `5m2s`, `3h12m`, `3d4h`, `2y30d`.
 * Takes milliseconds. Go truncates toward zero when converting durations to units; so does this.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  // Up to 2s in the future is tolerated as clock skew and shown as "0s".
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

/**
 * A metav1.Time / MicroTime as epoch milliseconds; undefined for an absent, unparsable or zero
 * (`0001-01-01T00:00:00Z`) time, which Go's `IsZero()` would report.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || new Date(ms).getUTCFullYear() <= 1) return undefined;
  return ms;
}

/** `translateTimestampSince`: the age of a timestamp, `<unknown>` when it is unset. */
export function translateTimestampSince(value: unknown, now: Date): string {
  const ms = parseTimestamp(value);
  return ms === undefined ? "<unknown>" : humanDuration(now.getTime() - ms);
}

/** The object's age (`translateTimestampSince(obj.CreationTimestamp)`), the usual Age cell. */
export function age(obj: JsonObject, now: Date): string {
  return translateTimestampSince(stringAt(obj, "metadata", "creationTimestamp"), now);
}

/**
 * `time.Time.UTC().Format(time.RFC3339)`: second precision, `Z` suffix. An unset time formats as Go's
 * zero time, as the default table convertor does for an object without a creationTimestamp.
 */
export function formatRFC3339(value: unknown): string {
  const ms = parseTimestamp(value);
  if (ms === undefined) return "0001-01-01T00:00:00Z";
  return new Date(Math.floor(ms / SECOND) * SECOND).toISOString().replace(".000Z", "Z");
}

/** `printBoolPtr`: `True` / `False`, `<unset>` for a nil pointer. */
export function printBoolPtr(value: boolean | undefined): string {
  if (value === undefined) return "<unset>";
  return value ? "True" : "False";
}

/** `intstr.IntOrString.String()`. */
export function intOrStringToString(value: unknown): string {
  if (typeof value === "number") return String(Math.trunc(value));
  return typeof value === "string" ? value : "0";
}

/** `listWithMoreString`: `a,b,c + 2 more...`, `<unset>` when empty. */
export function listWithMoreString(
  list: readonly string[],
  more: boolean,
  count: number,
  max: number,
): string {
  const joined = list.join(",");
  if (more) return `${joined} + ${count - max} more...`;
  return joined === "" ? "<unset>" : joined;
}

/** `layoutContainerCells`: container names and images, each comma-joined in spec order. */
export function layoutContainerCells(podSpec: unknown): { names: string; images: string } {
  const containers = objectsAt(podSpec, "containers");
  return {
    names: containers.map((c) => stringAt(c, "name")).join(","),
    images: containers.map((c) => stringAt(c, "image")).join(","),
  };
}

/** Go's `sort.Strings` order: by UTF-16 code unit, which matches byte order for the BMP. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
