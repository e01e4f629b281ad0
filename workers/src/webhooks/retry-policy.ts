/** ±20 %: receivers that came back are not hit by every sender's retries in the same second. */
const JITTER = 0.2;

export interface RetryDecision {
  /** When to try again, or undefined: the retry window is over and the delivery has failed. */
  retryAt?: Date;
}

/**
 * When the next attempt after failed attempt number `attempts` (1 for the first) is due. The
 * schedule gives the pause after each failure, its last entry repeating; a receiver's Retry-After
 * replaces the pause. Nothing is retried past the end of the window that began with the first
 * attempt.
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
  const base = scheduleMs[Math.min(attempts, scheduleMs.length) - 1] ?? 0;
  const random = options.random ?? Math.random;
  const pause = options.retryAfterMs ?? base * (1 - JITTER + 2 * JITTER * random());
  const retryAt = new Date(now.getTime() + pause);
  const deadline = options.windowStartedAt.getTime() + options.maxRetryMs;
  return retryAt.getTime() <= deadline ? { retryAt } : {};
}
