/*
 * Wall-clock time in an IANA zone, through Intl (what Go's time.LoadLocation + t.In(loc) give the
 * CronJob controller). UTC takes the direct path.
 */

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

const isUtc = (zone: string) => zone === "UTC" || zone === "Etc/UTC" || zone === "Local";

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(zone, f);
  }
  return f;
}

export function wallTime(ms: number, zone: string): WallTime {
  if (isUtc(zone)) {
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? 0,
  };
}

/** The zone's UTC offset at this instant, in milliseconds (east positive). */
export function zoneOffsetMs(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  const w = wallTime(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time names in the zone (fields may overflow: day 32 is next month's 1st).
 * A time skipped by a DST jump comes out shifted by the jump, as Go's time.Date does.
 */
export function instantOf(
  wall: Pick<WallTime, "year" | "month" | "day" | "hour" | "minute">,
  zone: string,
): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  if (isUtc(zone)) return asUtc;
  const guess = asUtc - zoneOffsetMs(asUtc, zone);
  return asUtc - zoneOffsetMs(guess, zone);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** Go's time.RFC3339 of the instant in the zone: `2024-03-01T09:00:00+01:00`, `Z` for a zero offset. */
export function formatRfc3339In(ms: number, zone: string): string {
  const w = wallTime(ms, zone);
  const offsetMinutes = Math.round(zoneOffsetMs(ms, zone) / 60_000);
  const offset =
    offsetMinutes === 0
      ? "Z"
      : `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offset}`;
}
