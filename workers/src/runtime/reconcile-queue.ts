import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { bullPrefix } from "../../../apps/api/src/platform/queues.ts";
import { keyId, type ReconcileKey } from "./reconcile-key.ts";

/** One queue per controller, so a worker process runs exactly the controllers of its roles. */
export const reconcileQueueName = (controller: string) => `reconcile-${controller}`;
export const TIMER_QUEUE = "reconcile-timers";
/** How long a timer's reference outlives its due time (then it is garbage: the timer fired). */
const TIMER_REF_GRACE_MS = 60_000;

/**
 * Records a timer in its cluster's set, unless the cluster's timers are suspended (hibernation).
 * Atomic with suspendTimers' flag, so a timer armed while a cluster hibernates is either in the set
 * the hibernation sweeps or refused here. Fired timers are pruned as the set is written.
 * KEYS: suspended flag, timer set. ARGV: job id, due, prune-before, set lifetime (ms).
 */
const TRACK_TIMER = `
if redis.call('exists', KEYS[1]) == 1 then return 0 end
redis.call('zadd', KEYS[2], ARGV[2], ARGV[1])
redis.call('zremrangebyscore', KEYS[2], '-inf', ARGV[3])
if redis.call('pttl', KEYS[2]) < tonumber(ARGV[4]) then redis.call('pexpire', KEYS[2], ARGV[4]) end
return 1`;

/**
 * Workqueue semantics on BullMQ (client-go util/workqueue): a key waiting in the queue absorbs
 * further enqueues; a key being processed gets exactly one follow-up run after the current one
 * (BullMQ deduplication with keepLastIfActive), so no change is lost and no key runs twice at once.
 * Timed wake-ups are separate timer jobs that enqueue the key when due, so a later timer never
 * postpones an earlier one and an immediate enqueue never waits for a timer.
 */
export class ReconcileQueue {
  private readonly queues = new Map<string, Queue>();
  readonly timers: Queue;
  private readonly prefix: string;

  constructor(
    private readonly connection: Redis,
    redisPrefix: string,
    /** Controllers whose keys may wait a batch period (delayed jobs a hibernation must remove). */
    private readonly batchedControllers: readonly string[] = [],
  ) {
    this.prefix = bullPrefix(redisPrefix);
    this.timers = new Queue(TIMER_QUEUE, {
      connection,
      prefix: this.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000 },
    });
  }

  /**
   * Asks for a reconcile of `key` as soon as possible, or after `batchMs`: a key already waiting
   * absorbs the request either way.
   */
  async enqueue(key: ReconcileKey, batchMs = 0): Promise<void> {
    await this.queueOf(key.controller).add(key.controller, key, {
      deduplication: { id: keyId(key), keepLastIfActive: true },
      ...(batchMs > 0 ? { delay: batchMs } : {}),
    });
  }

  /** Asks for a reconcile of `key` after `delayMs` (a container start, a back-off, a TTL …). */
  async enqueueAfter(key: ReconcileKey, delayMs: number): Promise<void> {
    if (delayMs <= 0) return this.enqueue(key);
    // One timer per key and due time (to the 10 ms): retries of the same request do not pile up.
    const due = Math.ceil((Date.now() + delayMs) / 10) * 10;
    const jobId = `${keyId(key)}@${due}`;
    await this.timers.add("timer", key, { jobId, delay: due - Date.now() });
    // Recorded after the add, so a suspension between the two still finds the job to remove.
    const keepMs = due - Date.now() + TIMER_REF_GRACE_MS;
    const results = await this.connection
      .pipeline()
      .set(this.timerRefKey(key), jobId, "PX", keepMs)
      .eval(
        TRACK_TIMER,
        2,
        this.suspendedKey(key.clusterId),
        this.clusterTimersKey(key.clusterId),
        jobId,
        due,
        Date.now() - TIMER_REF_GRACE_MS,
        keepMs,
      )
      .exec();
    for (const [err] of results ?? []) if (err) throw err;
    if (results?.[1]?.[1] === 0) {
      // The cluster hibernated: its controllers re-arm their timers when it wakes.
      await this.timers.remove(jobId).catch(() => 0);
      await this.connection.del(this.timerRefKey(key));
    }
  }

  /**
   * Hibernation: removes every timer of the cluster and refuses new ones for `graceMs` (reconciles
   * still in flight may ask for some). Its controllers re-arm what they need when resynced on wake.
   * Returns how many timers were removed.
   */
  async suspendTimers(clusterId: string, graceMs: number): Promise<number> {
    await this.connection.set(this.suspendedKey(clusterId), "1", "PX", graceMs);
    const jobIds = await this.connection.zrange(this.clusterTimersKey(clusterId), 0, -1);
    const removed = await Promise.all(
      jobIds.map(async (jobId) => {
        const count = await this.timers.remove(jobId).catch(() => 0);
        await this.connection.del(`${this.prefix}:timer-of:${jobId.slice(0, jobId.lastIndexOf("@"))}`);
        return count;
      }),
    );
    await this.connection.del(this.clusterTimersKey(clusterId));
    return removed.reduce((a, b) => a + b, 0) + (await this.removeBatchedKeys(clusterId));
  }

  /** Keys of the cluster waiting out a batch period: a hibernated cluster keeps nothing scheduled. */
  private async removeBatchedKeys(clusterId: string): Promise<number> {
    let removed = 0;
    for (const controller of this.batchedControllers) {
      const queue = this.queueOf(controller);
      for (const job of await queue.getDelayed()) {
        if ((job.data as ReconcileKey | undefined)?.clusterId !== clusterId) continue;
        // Already promoted or running: it is an in-flight reconcile like any other.
        removed += await job
          .remove()
          .then(() => 1)
          .catch(() => 0);
      }
    }
    return removed;
  }

  /**
   * The hibernation committed: timers stay refused until resumeTimers (wake, or the cluster's
   * removal), however long it sleeps. The refusal had a time limit only until then, so a process
   * dying between suspendTimers and the commit cannot leave an awake cluster without timers.
   */
  async holdTimersSuspended(clusterId: string): Promise<void> {
    await this.connection.persist(this.suspendedKey(clusterId));
  }

  /** Waking: the cluster's controllers may arm timers again. */
  async resumeTimers(clusterId: string): Promise<void> {
    await this.connection.del(this.suspendedKey(clusterId));
  }

  /**
   * What a finished reconcile asks for: its key's timer becomes exactly that (a reconcile is
   * level-based, so its answer supersedes any timer set before), or none. A rollout that completed
   * drops the deadline timer it no longer needs, so an idle cluster keeps nothing scheduled.
   */
  async replaceTimer(key: ReconcileKey, delayMs: number | undefined): Promise<void> {
    const previous = await this.connection.get(this.timerRefKey(key));
    if (previous) {
      await this.timers.remove(previous).catch(() => {
        // Already fired or being fired: the reconcile it causes is harmless.
      });
      await this.connection.del(this.timerRefKey(key));
    }
    if (delayMs !== undefined) await this.enqueueAfter(key, delayMs);
  }

  private timerRefKey(key: ReconcileKey): string {
    return `${this.prefix}:timer-of:${keyId(key)}`;
  }

  // Hash-tagged by cluster: TRACK_TIMER touches both keys, which Redis Cluster wants in one slot.
  private suspendedKey(clusterId: string): string {
    return `${this.prefix}:timers-suspended:{${clusterId}}`;
  }

  private clusterTimersKey(clusterId: string): string {
    return `${this.prefix}:timers-of-cluster:{${clusterId}}`;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values(), this.timers].map((q) => q.close()));
  }

  private queueOf(controller: string): Queue {
    let queue = this.queues.get(controller);
    if (!queue) {
      queue = new Queue(reconcileQueueName(controller), {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: {
          removeOnComplete: true,
          removeOnFail: 1000,
          attempts: 8,
          backoff: { type: "exponential", delay: 50 },
        },
      });
      this.queues.set(controller, queue);
    }
    return queue;
  }
}
