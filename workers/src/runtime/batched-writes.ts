import { ApiError } from "../../../apps/api/src/errors.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { type LockedWrites, withClusterWriteLock } from "../controllers/shared/cluster-write-lock.ts";
import { type PreparedEvent, storeEventsLocked } from "../events/record-event.ts";

/** Sections per shared transaction: long enough to pay off, short enough to let other writers in. */
const SECTIONS_PER_BATCH = 64;

const batchers = new WeakMap<Runtime, BatchedWrites>();

/** What a section of a batch gets: the batch's transaction, and a place for the events it reports. */
export interface BatchSection extends LockedWrites {
  /**
   * Events to store once every section of the batch has written: the batch looks them up and
   * inserts them together (one query and one insert instead of one each per section). Only a
   * section that succeeds has its events stored.
   */
  recordEvents(events: readonly PreparedEvent[]): void;
}

interface Section {
  work: (section: BatchSection) => Promise<unknown>;
  settle: (outcome: { value: unknown } | { error: unknown }) => void;
}

/**
 * Group commit for small locked sections of one cluster: the sections that reconciles of this
 * process ask for while a batch is being written wait for the next batch, and each batch runs its
 * sections in one transaction (withClusterWriteLock) — one lock, one change-log insert and one
 * commit for a node full of starting pods instead of one each.
 *
 * The sections of a batch run side by side in the transaction, so their statements share round
 * trips: they must write different objects (a kubelet's sections are different pods). A section's
 * result is delivered after the commit. A refusal (ApiError) is that section's alone, so a section
 * must refuse before it writes, as the write pipeline does; any other error fails the whole batch,
 * and every reconcile in it is retried.
 */
export class BatchedWrites {
  /** The process's batcher for this runtime. */
  static of(runtime: Runtime): BatchedWrites {
    let batcher = batchers.get(runtime);
    if (!batcher) {
      batcher = new BatchedWrites(runtime);
      batchers.set(runtime, batcher);
    }
    return batcher;
  }

  private readonly queues = new Map<string, Section[]>();
  private readonly writing = new Set<string>();

  constructor(private readonly runtime: Runtime) {}

  run<T>(clusterId: string, fieldManager: string, work: (section: BatchSection) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const key = `${clusterId}\u0000${fieldManager}`;
      const queue = this.queues.get(key) ?? [];
      this.queues.set(key, queue);
      queue.push({
        work,
        settle: (outcome) => ("value" in outcome ? resolve(outcome.value as T) : reject(outcome.error)),
      });
      // Sections asked for in the same turn of the event loop join the first batch.
      if (!this.writing.has(key) && queue.length === 1) {
        setImmediate(() => void this.write(key, clusterId, fieldManager));
      }
    });
  }

  private async write(key: string, clusterId: string, fieldManager: string): Promise<void> {
    if (this.writing.has(key)) return;
    this.writing.add(key);
    try {
      for (;;) {
        const queue = this.queues.get(key) ?? [];
        const batch = queue.splice(0, SECTIONS_PER_BATCH);
        if (queue.length === 0) this.queues.delete(key);
        if (batch.length === 0) return;
        await this.commit(clusterId, fieldManager, batch);
      }
    } finally {
      this.writing.delete(key);
    }
  }

  private async commit(clusterId: string, fieldManager: string, batch: readonly Section[]): Promise<void> {
    let outcomes: ({ value: unknown } | { error: unknown })[];
    try {
      outcomes = await withClusterWriteLock(this.runtime, clusterId, fieldManager, async (locked) => {
        // Side by side: their statements share round trips on the transaction's connection. All
        // finish before the transaction does, whatever fails.
        const events = batch.map((): PreparedEvent[] => []);
        const settled = await Promise.allSettled(
          batch.map((section, i) =>
            section.work({ ...locked, recordEvents: (reported) => events[i]!.push(...reported) }),
          ),
        );
        const succeeded = events.filter((_, i) => settled[i]!.status === "fulfilled");
        await storeEventsLocked(locked, succeeded.flat(), this.runtime.clock.now());
        return settled.map((s) => {
          if (s.status === "fulfilled") return { value: s.value };
          if (s.reason instanceof ApiError) return { error: s.reason };
          throw s.reason;
        });
      });
    } catch (error) {
      for (const section of batch) section.settle({ error });
      return;
    }
    batch.forEach((section, i) => {
      section.settle(outcomes[i]!);
    });
  }
}
