/** ±20 %: receivers that came back are not hit by every sender's retries in the same second. */
const JITTER = 0.2;

/** The shortest pause a receiver's Retry-After can ask for: `0` or a past date must not spin. */
const MIN_RETRY_AFTER_MS = 1_000;

export interface RetryDecision {
  /** When to try again, or undefined: the retry window is over and the delivery has failed. */
  retryAt?: Date;
}

/**
 * When the next attempt after failed attempt number `attempts` of the current retry window (1 for
 * its first) is due. The schedule gives the pause after each failure, its last entry repeating.
 * Nothing is retried past the end of the window that began with the window's first attempt.
 *
 * A receiver's Retry-After replaces the pause, within limits: never shorter than the schedule's
 * step (nor than a second), so `Retry-After: 0` cannot make a retry loop; and when it reaches past
 * the window, the last attempt is made at the window's end instead of giving up at once.
 */
export function nextAttempt(options: {
  attempts: number;
  now: Date;
  windowStartedAt: Date;
  scheduleMs: readonly number[];
  maxRetryMs: number;
  retryAfterMs?: number;
  random?: () => number;
}): RetryDecision {
  const { attempts, now, scheduleMs } = options;
  const base = scheduleMs[Math.min(Math.max(attempts, 1), scheduleMs.length) - 1] ?? 0;
  const random = options.random ?? Math.random;
  const scheduled = base * (1 - JITTER + 2 * JITTER * random());
  const deadline = options.windowStartedAt.getTime() + options.maxRetryMs;
  if (options.retryAfterMs === undefined) {
    const retryAt = now.getTime() + scheduled;
    return retryAt <= deadline ? { retryAt: new Date(retryAt) } : {};
  }
  const pause = Math.max(options.retryAfterMs, base, MIN_RETRY_AFTER_MS);
  const retryAt = Math.min(now.getTime() + pause, deadline);
  return retryAt > now.getTime() ? { retryAt: new Date(retryAt) } : {};
}
