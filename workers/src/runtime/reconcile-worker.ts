import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { ApiError } from "../../../apps/api/src/errors.ts";
import type { Logger } from "../../../apps/api/src/platform/logger.ts";
import { errorFields } from "../../../apps/api/src/platform/logger.ts";
import { bullPrefix } from "../../../apps/api/src/platform/queues.ts";
import type { ReconcileKey } from "./reconcile-key.ts";
import { type ReconcileQueue, reconcileQueueName, TIMER_QUEUE } from "./reconcile-queue.ts";

/** What a reconcile asks for next. */
export interface ReconcileResult {
  /** Reconcile again after this long even if nothing changes (timed behaviour). */
  requeueAfterMs?: number;
}

/**
 * A level-triggered reconciler: re-reads the state named by the key, converges it, writes with
 * version preconditions. It may run more than once for the same state (at-least-once delivery).
 * Throw `TerminalReconcileError` for errors no retry can fix; any other error is retried with
 * capped exponential back-off (Conflicts included: the next run re-reads).
 */
export type Reconciler = (key: ReconcileKey) => Promise<ReconcileResult | undefined>;

export class TerminalReconcileError extends Error {}

export interface ReconcileWorkerOptions {
  connection: Redis;
  redisPrefix: string;
  queue: ReconcileQueue;
  reconcilers: Readonly<Record<string, Reconciler>>;
  log: Logger;
  /** Keys reconciled at once per controller, by controller name (default 16). */
  concurrency?: Readonly<Record<string, number>>;
  /** How long a job's lock lives before another worker takes a stalled job over. */
  lockDurationMs?: number;
}

export interface RunningReconcileWorker {
  close(): Promise<void>;
}

/**
 * Runs the given controllers' reconcile jobs (one BullMQ worker per controller queue) and fires
 * due timers. Any number of processes may run the same controllers: the queues share the work.
 */
export function startReconcileWorker(options: ReconcileWorkerOptions): RunningReconcileWorker {
  const { queue, reconcilers, log } = options;
  const prefix = bullPrefix(options.redisPrefix);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const workers: Worker[] = Object.entries(reconcilers).map(([controller, reconciler]) => {
    const worker = new Worker(
      reconcileQueueName(controller),
      async (job: Job<ReconcileKey>) => {
        try {
          const result = await reconciler(job.data);
          await queue.replaceTimer(job.data, result?.requeueAfterMs);
        } catch (err) {
          if (err instanceof TerminalReconcileError) throw new UnrecoverableError(err.message);
          // A deleted cluster leaves nothing to converge.
          if (
            err instanceof ApiError &&
            err.reason === "NotFound" &&
            /^cluster ".*" not found$/.test(err.message)
          )
            return;
          throw err;
        }
      },
      {
        connection: options.connection,
        prefix,
        concurrency: options.concurrency?.[controller] ?? 16,
        lockDuration,
        stalledInterval: Math.min(lockDuration, 30_000),
      },
    );
    worker.on("failed", (job, err) => {
      log.warn("reconcile failed", { key: job?.data, attempts: job?.attemptsMade, ...errorFields(err) });
    });
    worker.on("error", (err) => log.error("reconcile worker error", { controller, ...errorFields(err) }));
    return worker;
  });
  const timers = new Worker(TIMER_QUEUE, async (job: Job<ReconcileKey>) => queue.enqueue(job.data), {
    connection: options.connection,
    prefix,
    concurrency: 8,
  });
  timers.on("error", (err) => log.error("reconcile timer worker error", errorFields(err)));
  return {
    async close() {
      await Promise.all([...workers, timers].map((w) => w.close()));
    },
  };
}
