import {
  type CronSchedule,
  isKnownTimeZone,
  parseCronSchedule,
} from "../../../../apps/api/src/kube/registry/batch/cronjobs/schedule.ts";
import { instantOf, type WallTime, wallTime } from "./zoned-time.ts";

export type { CronSchedule };

type SpecSchedule = Extract<CronSchedule, { kind: "spec" }>;

/**
 * formatSchedule (cronjob_controllerv2.go): the text robfig/cron parses — the schedule as written when
 * it carries its own TZ=/CRON_TZ= prefix, else prefixed with spec.timeZone when that zone exists.
 * Without either, the controller manager's local zone applies: UTC.
 */
export function effectiveSchedule(schedule: string, timeZone: string | undefined): string {
  if (schedule.includes("TZ")) return schedule;
  if (timeZone !== undefined && isKnownTimeZone(timeZone)) return `TZ=${timeZone} ${schedule}`;
  return schedule;
}

/** cron.ParseStandard of the effective schedule; throws robfig/cron's error text. */
export function parseSchedule(schedule: string, timeZone?: string): CronSchedule {
  return parseCronSchedule(effectiveSchedule(schedule, timeZone));
}

function dayMatches(s: SpecSchedule, w: WallTime): boolean {
  const dom = s.dom.values.has(w.day);
  const dow = s.dow.values.has(w.weekday);
  return s.dom.star || s.dow.star ? dom && dow : dom || dow;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Schedule.Next: the first activation strictly after `after`, in the schedule's zone (UTC when it has
 * none); undefined when there is none within five years, where robfig/cron gives up. Walks real
 * instants as robfig/cron does, so a time skipped by a DST jump never fires and one repeated by it
 * fires twice.
 */
export function nextScheduleAfter(schedule: CronSchedule, after: Date): Date | undefined {
  if (schedule.kind === "every") {
    return new Date(Math.floor(after.getTime() / 1000) * 1000 + schedule.intervalMs);
  }
  const zone = schedule.timeZone ?? "UTC";
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  const limit = wallTime(t, zone).year + 5;
  // Each step moves forward by at least a minute; the bound only guards against a zone database surprise.
  for (let steps = 0; steps < 1_000_000; steps++) {
    const w = wallTime(t, zone);
    if (w.year > limit) return undefined;
    let next: number;
    if (!schedule.month.values.has(w.month)) {
      next = instantOf({ year: w.year, month: w.month + 1, day: 1, hour: 0, minute: 0 }, zone);
    } else if (!dayMatches(schedule, w)) {
      next = instantOf({ year: w.year, month: w.month, day: w.day + 1, hour: 0, minute: 0 }, zone);
    } else if (!schedule.hour.values.has(w.hour)) {
      next = t - w.minute * MINUTE + HOUR;
    } else if (!schedule.minute.values.has(w.minute)) {
      next = t + MINUTE;
    } else {
      return new Date(t);
    }
    // A midnight that a DST jump skips can map before `t`: never go back.
    t = next > t ? next : t + HOUR;
  }
  return undefined;
}

/** What the CronJob status and metadata say about its past runs. */
export interface ScheduleState {
  creationTimestamp: string;
  lastScheduleTime?: string;
  startingDeadlineSeconds?: number;
}

export interface MostRecentSchedule {
  /** The last schedule time, or the creation time (or the starting deadline, when later). */
  earliest: Date;
  /** The latest schedule time not after now and after `earliest`; undefined when none is due. */
  mostRecent?: Date;
  missed: "none" | "few" | "many";
}

/**
 * mostRecentScheduleTime (pkg/controller/cronjob/utils.go): the latest activation due since the last
 * one run, and roughly how many were missed. Throws when two consecutive activations are less than a
 * second apart (a schedule such as `59 23 31 2 *` that never fires).
 */
export function mostRecentScheduleTime(
  state: ScheduleState,
  now: Date,
  schedule: CronSchedule,
  includeStartingDeadline: boolean,
): MostRecentSchedule {
  let earliest = new Date(state.lastScheduleTime ?? state.creationTimestamp);
  if (includeStartingDeadline && state.startingDeadlineSeconds !== undefined) {
    const deadline = new Date(now.getTime() - state.startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  // robfig/cron answers the zero time when nothing fires within five years; upstream then finds
  // the two "activations" 0 s apart and calls the schedule invalid.
  const invalid = () => new Error("time difference between two schedules is less than 1 second");
  const t1 = nextScheduleAfter(schedule, earliest);
  if (!t1) throw invalid();
  if (now < t1) return { earliest, missed: "none" };
  const t2 = nextScheduleAfter(schedule, t1);
  if (!t2) throw invalid();
  if (now < t2) return { earliest, mostRecent: t1, missed: "none" };
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw invalid();
  const elapsed = Math.trunc((now.getTime() - t1.getTime()) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // Jump close to now by whole intervals, then let the schedule find the exact latest time.
  let t: Date | undefined = new Date(t1.getTime() + (missedCount - 2) * between * 1000);
  let mostRecent: Date | undefined;
  for (t = nextScheduleAfter(schedule, t); t && t <= now; t = nextScheduleAfter(schedule, t)) mostRecent = t;
  const missed = missedCount > 100 ? "many" : "few";
  return mostRecent ? { earliest, mostRecent, missed } : { earliest, missed };
}

/** nextScheduleDelta: wake a little after the activation so clock skew cannot make it early. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/**
 * nextScheduleTimeDuration: how long until the activation after the last one due (or after now when
 * some were missed), plus the delta — the one timer an idle CronJob keeps.
 */
export function nextScheduleDelayMs(
  state: ScheduleState,
  now: Date,
  schedule: CronSchedule,
): number | undefined {
  let from: Date;
  try {
    const { earliest, mostRecent, missed } = mostRecentScheduleTime(state, now, schedule, false);
    from = mostRecent ?? (missed === "none" ? earliest : now);
  } catch {
    from = now;
  }
  const next = nextScheduleAfter(schedule, from);
  return next ? next.getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime() : undefined;
}
