import { errorFields } from "../platform/logger.ts";
import type { Runtime } from "../platform/runtime.ts";

/**
 * Runs follow-up work (Redis: jobs, notifications) once a change is committed. A failure is logged,
 * not thrown: the change stands, so the caller must not answer 500 for it, and each follow-up has
 * its own recovery (the expiry job's periodic re-read, re-arming at worker start, the next request).
 */
export async function afterCommit(
  runtime: Runtime,
  what: string,
  fields: Record<string, unknown>,
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    runtime.log.error(`after commit: could not ${what}`, { ...fields, ...errorFields(err) });
  }
}
