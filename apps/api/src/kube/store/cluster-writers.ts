import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The write transactions of one process, one cluster at a time each. Every write transaction locks
 * its cluster's counter row first (ARCHITECTURE §2), so a cluster's writers run one at a time
 * anyway; queueing them here instead of in Postgres keeps a busy cluster from parking every pooled
 * connection on that lock, which would leave the holder none for a read it needs (a deadlock).
 * Writers from other processes still meet at the row lock.
 *
 * A transaction opened inside another of the same cluster would wait for itself for ever: that is
 * a bug. With `checkNesting` (the test suite turns it on) it is reported at once instead. The check
 * needs AsyncLocalStorage, which on Node 20 puts a hook on every promise of the process (measured:
 * awaits 2.5 times as costly), so the service does not pay for it.
 */
export class ClusterWriters {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly held?: AsyncLocalStorage<ReadonlySet<string>>;

  constructor(options: { checkNesting: boolean }) {
    if (options.checkNesting) this.held = new AsyncLocalStorage();
  }

  async run<T>(clusterId: string, work: () => Promise<T>): Promise<T> {
    const held = this.held?.getStore();
    if (held?.has(clusterId)) {
      throw new Error(`a write transaction of cluster ${clusterId} was opened inside another one`);
    }
    const previous = this.tails.get(clusterId);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous ? previous.then(() => done) : done;
    this.tails.set(clusterId, tail);
    try {
      if (previous) await previous;
      if (!this.held) return await work();
      return await this.held.run(new Set([...(held ?? []), clusterId]), work);
    } finally {
      release();
      if (this.tails.get(clusterId) === tail) this.tails.delete(clusterId);
    }
  }
}
