import type { ChangeSink, PendingChange } from "../../../apps/api/src/kube/store/types.ts";
import type { Controller } from "../controllers/controller.ts";
import { keyId, type ReconcileKey } from "./reconcile-key.ts";
import type { ReconcileQueue } from "./reconcile-queue.ts";

/**
 * Turns every commit into reconcile keys for the controllers that care (ARCHITECTURE §4). Runs in
 * whichever process wrote, API or worker, right after the commit.
 */
export class ReconcileSink implements ChangeSink {
  constructor(
    private readonly queue: ReconcileQueue,
    private readonly controllers: readonly Controller[],
  ) {}

  async changesCommitted(_clusterId: string, changes: readonly PendingChange[]): Promise<void> {
    const keys = new Map<string, { key: ReconcileKey; batchMs: number }>();
    for (const { change, previous } of changes) {
      for (const controller of this.controllers) {
        const batchMs = controller.batchPeriodMs ?? 0;
        for (const key of controller.keysFor(change, previous)) keys.set(keyId(key), { key, batchMs });
      }
    }
    await Promise.all([...keys.values()].map(({ key, batchMs }) => this.queue.enqueue(key, batchMs)));
  }
}
