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
  keysFor(change: Change): ReconcileKey[];
  reconcile(runtime: Runtime, key: ReconcileKey): Promise<ReconcileResult | undefined>;
}
