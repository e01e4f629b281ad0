/**
 * How often the sweep re-queues pending deliveries while any exist. It repairs only lost jobs (a
 * failed Redis write, a job that ran out of attempts while Postgres was away), so a minute is
 * plenty; with nothing pending no sweep is scheduled at all.
 */
export const SWEEP_INTERVAL_MS = 60_000;
