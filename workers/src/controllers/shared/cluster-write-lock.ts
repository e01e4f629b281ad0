import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { ObjectStore } from "../../../../apps/api/src/kube/store/object-store.ts";
import type { StoreTransaction } from "../../../../apps/api/src/kube/store/transaction.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";

/** What a locked section gets: a client whose writes join the open transaction, and that transaction. */
export interface LockedWrites {
  /** Writes (create, update, delete) run in the open transaction; use `tx` for reads. */
  client: InProcessClient;
  /** Reads here see every committed write of the cluster and this section's own writes. */
  tx: StoreTransaction;
}

/**
 * Runs `work` inside one write transaction of the cluster. Every write transaction of a cluster
 * starts by locking the cluster's version counter row (ObjectStore.transact), so while `work` runs
 * no other write to the cluster can commit, from this process or any other: a check made in `work`
 * ("this ReplicaSet has 2 active pods") still holds when its writes commit. This is the
 * check-and-act that upstream gets from a single leader-elected controller and its expectations; here
 * any number of workers may race on one key and a stale read cannot turn into a double effect.
 *
 * Writes go through the same pipeline as every request (validation, defaulting, admission), and their
 * changes are published after the commit as usual. Keep the section short: it blocks the cluster's
 * other writers. Read only through `tx` inside it; the client's reads would use another connection.
 */
export async function withClusterWriteLock<T>(
  runtime: Runtime,
  clusterId: string,
  fieldManager: string,
  work: (locked: LockedWrites) => Promise<T>,
): Promise<T> {
  return runtime.store.transact(clusterId, async (tx) => {
    // The write pipeline opens its transaction through runtime.store.transact: hand it this one.
    const store: ObjectStore = Object.create(runtime.store);
    store.transact = async <R>(id: string, inner: (t: StoreTransaction) => Promise<R>): Promise<R> => {
      if (id !== clusterId) throw new Error(`a locked section of cluster ${clusterId} cannot write to ${id}`);
      return inner(tx);
    };
    const client = new InProcessClient({ ...runtime, store }, clusterId, fieldManager);
    return work({ client, tx });
  });
}
