import { MalformedProtobufError } from "./errors.ts";

/** Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which metav1.Time encodes as JSON null. */
export const GO_ZERO_TIME_UNIX = -62135596800n;
const MAX_RFC3339_UNIX = 253402300799n; // 9999-12-31T23:59:59Z

/**
 * metav1.Time as JSON: RFC 3339 in UTC at whole seconds (apimachinery time.go MarshalJSON), or null
 * for the zero time. Go refuses years outside 0000–9999, so do we.
 */
export function formatTime(seconds: bigint): string | null {
  if (seconds === GO_ZERO_TIME_UNIX) return null;
  return `${isoDateTime(seconds)}Z`;
}

/**
 * metav1.MicroTime as JSON: RFC 3339 with exactly six fractional digits (RFC3339Micro in
 * apimachinery micro_time.go), nanoseconds truncated to microseconds as its protobuf Unmarshal does.
 */
export function formatMicroTime(seconds: bigint, nanos: bigint): string | null {
  // time.Unix normalises nanoseconds outside [0, 1e9) into the seconds.
  const total = seconds * 1_000_000_000n + nanos;
  let whole = total / 1_000_000_000n;
  let fraction = total % 1_000_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000_000n;
    whole -= 1n;
  }
  const micros = fraction / 1000n;
  if (whole === GO_ZERO_TIME_UNIX && micros === 0n) return null;
  return `${isoDateTime(whole)}.${micros.toString().padStart(6, "0")}Z`;
}

function isoDateTime(seconds: bigint): string {
  if (seconds < -62167219200n || seconds > MAX_RFC3339_UNIX) {
    throw new MalformedProtobufError("Time.MarshalJSON: year outside of range [0,9999]");
  }
  const iso = new Date(Number(seconds) * 1000).toISOString();
  // Year 0 prints as "0000" in ISO strings; years 1–9999 are always four digits, so cutting the
  // milliseconds and "Z" leaves exactly "YYYY-MM-DDTHH:MM:SS".
  return iso.slice(0, 19);
}

/** time.Duration.String(): "0s", "1.5s", "1h0m0s", "300ms", "2µs", "-1m30s". */
export function formatGoDuration(nanoseconds: bigint): string {
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u === 0n) return "0s";
  if (u < 1_000_000_000n) {
    let unit: string;
    let precision: number;
    if (u < 1000n) {
      unit = "ns";
      precision = 0;
    } else if (u < 1_000_000n) {
      unit = "µs";
      precision = 3;
    } else {
      unit = "ms";
      precision = 6;
    }
    const [whole, fraction] = splitFraction(u, precision);
    text = `${whole}${fraction}${unit}`;
  } else {
    const [wholeSeconds, fraction] = splitFraction(u, 9);
    u = wholeSeconds;
    text = `${u % 60n}${fraction}s`;
    u /= 60n;
    if (u > 0n) {
      text = `${u % 60n}m${text}`;
      u /= 60n;
      if (u > 0n) text = `${u}h${text}`;
    }
  }
  return negative ? `-${text}` : text;
}

/** Go's fmtFrac: v / 10^precision as integer part and ".digits" without trailing zeros ("" if none). */
function splitFraction(v: bigint, precision: number): [bigint, string] {
  const scale = 10n ** BigInt(precision);
  const fraction = v % scale;
  const digits = precision === 0 || fraction === 0n ? "" : fraction.toString().padStart(precision, "0");
  const trimmed = digits.replace(/0+$/, "");
  return [v / scale, trimmed ? `.${trimmed}` : ""];
}
