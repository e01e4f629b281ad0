import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { rearmExpiryJob } from "../../../apps/api/src/services/cluster-ttl.ts";
import { scheduleLifecycleJob } from "../../../apps/api/src/services/lifecycle-jobs.ts";

/** Idle checks added per round trip batch at a re-arm. */
const BATCH = 100;

/**
 * Re-creates, from Postgres, the delayed lifecycle jobs Redis may have lost (a flush, a restart
 * without persistence): the install's expiry job, and the idle check of every active cluster that
 * has none (one that has one keeps it as it is). Run when a lifecycle worker starts and when its
 * Redis connection comes back; the one query over active clusters runs only then.
 */
export async function rearmLifecycleJobs(runtime: Runtime): Promise<{ idleChecks: number }> {
  await rearmExpiryJob(runtime);
  if (runtime.config.idleHibernateMs === 0) return { idleChecks: 0 };
  const active = await runtime.db.sql<{ id: string }[]>`
    select id from clusters where phase in ('Provisioning', 'Ready')`;
  // Due at once: the check reads the recorded activity, and starts the idle window if Redis lost it.
  const now = runtime.clock.now().getTime();
  for (let i = 0; i < active.length; i += BATCH) {
    await Promise.all(
      active
        .slice(i, i + BATCH)
        .map(({ id }) => scheduleLifecycleJob(runtime, "idle-check", id, now, { keepPending: true })),
    );
  }
  return { idleChecks: active.length };
}
