import { goQuote } from "../../../validation/go-format.ts";
import { parseGoDuration } from "./go-duration.ts";

/*
 * The cron dialect of CronJob.spec.schedule: github.com/robfig/cron/v3's ParseStandard (five fields,
 * names for months and weekdays, `*`/`?`, ranges, steps, lists, and the @yearly … @hourly and
 * @every <duration> descriptors), with its exact error texts, which kube-apiserver returns verbatim as
 * `spec.schedule: Invalid value: "<schedule>": <error>`.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field's allowed values; `star` when it was written `*` or `?` (it changes day matching). */
export interface CronField {
  values: ReadonlySet<number>;
  star: boolean;
}

/** A parsed schedule: five fields, or a fixed interval from `@every`. */
export type CronSchedule =
  | {
      kind: "spec";
      minute: CronField;
      hour: CronField;
      dom: CronField;
      month: CronField;
      dow: CronField;
      timeZone?: string;
    }
  | { kind: "every"; intervalMs: number };

/** strconv.Atoi with Go's error text. */
function atoi(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new Error(`strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`);
  const n = Number(expr);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63 - 1) {
    throw new Error(`strconv.Atoi: parsing ${goQuote(expr)}: value out of range`);
  }
  return n;
}

function mustParseInt(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (e) {
    throw new Error(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

function parseRange(expr: string, r: Bounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0] ?? "", r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] ?? "", r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1] ?? "");
    // "N/step" means "N-max/step".
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function parseField(field: string, r: Bounds): CronField {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(",").filter((e) => e !== "")) {
    if (parseRange(expr, r, values)) star = true;
  }
  return { values, star };
}

function fullField(r: Bounds, star: boolean): CronField {
  const values = new Set<number>();
  for (let v = r.min; v <= r.max; v++) values.add(v);
  return { values, star };
}

function single(v: number): CronField {
  return { values: new Set([v]), star: false };
}

function parseDescriptor(descriptor: string, timeZone: string | undefined): CronSchedule {
  const daily = { minute: single(0), hour: single(0) };
  switch (descriptor) {
    case "@yearly":
    case "@annually":
      return {
        kind: "spec",
        ...daily,
        dom: single(1),
        month: single(1),
        dow: fullField(DOW, true),
        timeZone,
      };
    case "@monthly":
      return {
        kind: "spec",
        ...daily,
        dom: single(1),
        month: fullField(MONTHS, true),
        dow: fullField(DOW, true),
        timeZone,
      };
    case "@weekly":
      return {
        kind: "spec",
        ...daily,
        dom: fullField(DOM, true),
        month: fullField(MONTHS, true),
        dow: single(0),
        timeZone,
      };
    case "@daily":
    case "@midnight":
      return {
        kind: "spec",
        ...daily,
        dom: fullField(DOM, true),
        month: fullField(MONTHS, true),
        dow: fullField(DOW, true),
        timeZone,
      };
    case "@hourly":
      return {
        kind: "spec",
        minute: single(0),
        hour: fullField(HOURS, true),
        dom: fullField(DOM, true),
        month: fullField(MONTHS, true),
        dow: fullField(DOW, true),
        timeZone,
      };
  }
  const every = "@every ";
  if (descriptor.startsWith(every)) {
    let intervalMs: number;
    try {
      intervalMs = parseGoDuration(descriptor.slice(every.length));
    } catch (e) {
      throw new Error(`failed to parse duration ${descriptor}: ${(e as Error).message}`);
    }
    // cron.Every rounds up to whole seconds, at least one.
    return { kind: "every", intervalMs: Math.max(1000, Math.ceil(intervalMs / 1000) * 1000) };
  }
  throw new Error(`unrecognized descriptor: ${descriptor}`);
}

/** Whether the IANA zone exists, spelled as Go's time.LoadLocation would find it (case-sensitive). */
export function isKnownTimeZone(name: string): boolean {
  if (name === "UTC" || name === "Local") return true;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    return resolved.toLowerCase() !== name.toLowerCase() || resolved === name;
  } catch {
    return false;
  }
}

/**
 * cron.ParseStandard. Throws Error carrying robfig/cron's message, e.g.
 * `expected exactly 5 fields, found 1: [hello]` or `end of range (60) above maximum (59): 60`.
 */
export function parseCronSchedule(input: string): CronSchedule {
  let spec = input;
  if (spec.length === 0) throw new Error("empty spec string");
  let timeZone: string | undefined;
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    const eq = spec.indexOf("=");
    const name = space < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, space);
    if (!isKnownTimeZone(name)) throw new Error(`provided bad location ${name}: unknown time zone ${name}`);
    timeZone = name;
    spec = space < 0 ? "" : spec.slice(space).trim();
  }
  if (spec.startsWith("@")) return parseDescriptor(spec, timeZone);
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) {
    throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return {
    kind: "spec",
    minute: parseField(minute, MINUTES),
    hour: parseField(hour, HOURS),
    dom: parseField(dom, DOM),
    month: parseField(month, MONTHS),
    dow: parseField(dow, DOW),
    timeZone,
  };
}

/** The error robfig/cron gives for a schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    parseCronSchedule(schedule);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function dayMatches(s: Extract<CronSchedule, { kind: "spec" }>, d: Date): boolean {
  const domMatch = s.dom.values.has(d.getUTCDate());
  const dowMatch = s.dow.values.has(d.getUTCDay());
  return s.dom.star || s.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
}

/**
 * SpecSchedule.Next: the first activation strictly after `after`, evaluated in UTC (the zone of the
 * simulated controller manager); undefined when none exists within five years, as robfig/cron gives up.
 */
export function nextActivation(schedule: CronSchedule, after: Date): Date | undefined {
  if (schedule.kind === "every") {
    const t = Math.floor(after.getTime() / 1000) * 1000;
    return new Date(t + schedule.intervalMs);
  }
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const limit = after.getUTCFullYear() + 5;
  while (t.getUTCFullYear() <= limit) {
    if (!schedule.month.values.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hour.values.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minute.values.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  return undefined;
}
