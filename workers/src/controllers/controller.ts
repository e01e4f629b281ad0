import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import type { Change } from "../../../apps/api/src/kube/store/types.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../runtime/reconcile-key.ts";
import type { ReconcileResult } from "../runtime/reconcile-worker.ts";

/**
 * A controller: which committed changes wake it (as reconcile keys), and how it converges one key.
 * Reconcile is level-based: it reads the current state, never the change that woke it.
 */
export interface Controller {
  name: string;
  /** The keys a committed change wakes; `previous` is the object it replaced (absent for ADDED). */
  keysFor(change: Change, previous?: KubeObject): ReconcileKey[];
  /**
   * How long a key woken by a change waits before it runs, absorbing the changes that follow
   * (kube-controller-manager's EndpointUpdatesBatchPeriod): one run for a burst of pod changes
   * instead of one per change. Unset: at once.
   */
  batchPeriodMs?: number;
  /**
   * How many keys one worker process reconciles at once (default 16). A controller with a key per
   * pod keeps many in flight: its reconciles mostly wait on reads and on batched commits.
   */
  concurrency?: number;
  reconcile(runtime: Runtime, key: ReconcileKey): Promise<ReconcileResult | undefined>;
}
