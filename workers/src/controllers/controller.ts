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
  reconcile(runtime: Runtime, key: ReconcileKey): Promise<ReconcileResult | undefined>;
}
