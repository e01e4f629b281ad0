import { ApiError } from "../../../../apps/api/src/errors.ts";
import {
  CORE_V1,
  InProcessClient,
  type ResourceId,
} from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  type LabelSelectorObject,
  matchesLabels,
  selectorFromLabelSelector,
} from "../../../../apps/api/src/kube/selectors/index.ts";
import { type BudgetStatus, budgetStatus } from "../../../../apps/api/src/kube/server/handlers/eviction.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { type EventInput, recordEvent } from "../../events/record-event.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { ReconcileResult } from "../../runtime/reconcile-worker.ts";
import type { Controller } from "../controller.ts";
import { fanOut, isNamespaceKey, namespaceKey } from "../shared/namespace-keys.ts";
import { countHealthy, disruptedPods, failSafeStatus, nextStatus } from "./budget-status.ts";
import { type BudgetSpec, expectedPodCount } from "./expected-pods.ts";
import { formatSelector } from "./selector-text.ts";

const NAME = "disruption";
const PDBS: ResourceId = { group: "policy", version: "v1", resource: "poddisruptionbudgets" };
/** The event source of kube-controller-manager's disruption controller. */
const SOURCE = { component: "controllermanager" };
/** Workloads whose scale a budget's expected pod count follows. */
const SCALED = new Set([
  "apps/deployments",
  "apps/replicasets",
  "apps/statefulsets",
  "/replicationcontrollers",
]);

/**
 * pkg/controller/disruption (release-1.32): keeps each PodDisruptionBudget's status — expected and
 * healthy pods, how many must stay healthy, how many disruptions are allowed now, and the
 * DisruptionAllowed condition — which the Eviction API then spends. Entries the Eviction API added
 * to disruptedPods are dropped once their pod is deleting, or after DeletionTimeout.
 */
export const disruptionController: Controller = {
  name: NAME,
  // A burst of pod changes recomputes a budget once.
  batchPeriodMs: 200,
  keysFor(change) {
    if (change.group === "policy" && change.resource === "poddisruptionbudgets") {
      return [
        { clusterId: change.clusterId, controller: NAME, namespace: change.namespace, name: change.name },
      ];
    }
    if (change.group === "" && change.resource === "pods") return [namespaceKey(change, NAME)];
    if (SCALED.has(`${change.group}/${change.resource}`)) return [namespaceKey(change, NAME)];
    return [];
  },
  async reconcile(runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, "disruption-controller");
    if (isNamespaceKey(key)) {
      const budgets = await client.list(PDBS, key.namespace);
      await fanOut(
        runtime,
        key,
        budgets.map((pdb) => pdb.metadata.name ?? ""),
      );
      return undefined;
    }
    return syncBudget(runtime, client, key);
  },
};

async function syncBudget(
  runtime: Runtime,
  client: InProcessClient,
  key: ReconcileKey,
): Promise<ReconcileResult | undefined> {
  const pdb = await client.get(PDBS, key.namespace, key.name);
  if (!pdb) return undefined;
  const now = runtime.clock.now();
  const event = (involved: KubeObject, input: EventInput) =>
    recordEvent(client, SOURCE, involved, input, now);
  const budget = { ...pdb, apiVersion: "policy/v1", kind: "PodDisruptionBudget" };
  const status = budgetStatus(pdb);
  const write = (next: BudgetStatus) =>
    client.update(
      PDBS,
      key.namespace,
      key.name,
      (latest) => ({
        ...latest,
        metadata: { ...latest.metadata, resourceVersion: pdb.metadata.resourceVersion },
        status: next,
      }),
      "status",
    );
  try {
    const spec = (pdb.spec ?? {}) as BudgetSpec & { selector?: LabelSelectorObject | null };
    let pods: KubeObject[];
    try {
      const selector = selectorFromLabelSelector(spec.selector);
      pods = (await client.list(CORE_V1("pods"), key.namespace)).filter((pod) =>
        matchesLabels(selector, pod.metadata.labels),
      );
    } catch (err) {
      await event(budget, {
        type: "Warning",
        reason: "NoPods",
        message: `Failed to get pods: ${message(err)}`,
      });
      throw err;
    }
    if (pods.length === 0) {
      await event(budget, { type: "Normal", reason: "NoPods", message: "No matching pods found" });
    }
    let expected: Awaited<ReturnType<typeof expectedPodCount>>;
    try {
      expected = await expectedPodCount(client, spec, pods, key.namespace);
    } catch (err) {
      await event(budget, {
        type: "Warning",
        reason: "CalculateExpectedPodCountFailed",
        message: `Failed to calculate the number of expected pods: ${message(err)}`,
      });
      throw err;
    }
    if (expected.unmanagedPods.length > 0) {
      await event(budget, {
        type: "Warning",
        reason: "UnmanagedPods",
        message:
          `Pods selected by this PodDisruptionBudget (selector: ${formatSelector(spec.selector)}) were found ` +
          "to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. " +
          'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      });
    }
    const disrupted = disruptedPods(pods, status, now);
    for (const pod of disrupted.notDeleted) {
      // Upstream names the budget "<namespace>/<namespace>" in this message; kept as it reads.
      await event(
        { ...pod, apiVersion: "v1", kind: "Pod" },
        {
          type: "Warning",
          reason: "NotDeleted",
          message: `Pod was expected by PDB ${key.namespace}/${key.namespace} to be deleted but it wasn't`,
        },
      );
    }
    const next = nextStatus(
      pdb,
      status,
      {
        currentHealthy: countHealthy(pods, disrupted.pending, now),
        desiredHealthy: expected.desiredHealthy,
        expectedPods: expected.expectedCount,
      },
      disrupted.pending,
      now,
    );
    if (next) await write(next);
    // An eviction's entry is checked again when it expires.
    return disrupted.recheckAt === undefined
      ? undefined
      : { requeueAfterMs: disrupted.recheckAt - now.getTime() };
  } catch (err) {
    // A conflict is retried with fresh state; anything else closes the budget until the next sync.
    if (err instanceof ApiError && err.reason === "Conflict") throw err;
    await write(failSafeStatus(status, message(err), now));
    return undefined;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
