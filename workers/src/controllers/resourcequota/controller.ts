import { hardOf, objectsCounted, quotaUsed } from "../../../../apps/api/src/kube/admission/quota-usage.ts";
import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { Change } from "../../../../apps/api/src/kube/store/types.ts";
import { formatQuantity, type Quantity } from "../../../../apps/api/src/kube/validation/quantity.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { fanOut, isNamespaceKey, namespaceKey } from "../shared/namespace-keys.ts";

const NAME = "resourcequota";
const MANAGER = "resourcequota-controller";
const QUOTAS = CORE_V1("resourcequotas");

/**
 * pkg/controller/resourcequota (release-1.32): keeps each ResourceQuota's status — hard as its spec
 * says, used as the namespace's objects hold — so `kubectl describe quota` shows where a namespace
 * stands. Enforcement is the admission's (apps/api/src/kube/admission/resource-quota.ts), which
 * counts the same way.
 */
export const resourcequotaController: Controller = {
  name: NAME,
  // A burst of creations recounts a quota once (status.used lags as upstream's does).
  batchPeriodMs: 200,
  keysFor(change) {
    if (!change.namespace) return [];
    if (change.group === "" && change.resource === "resourcequotas") {
      return change.type === "DELETED"
        ? []
        : [{ clusterId: change.clusterId, controller: NAME, namespace: change.namespace, name: change.name }];
    }
    return changesUsage(change) ? [namespaceKey(change, NAME)] : [];
  },
  async reconcile(runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, MANAGER);
    if (isNamespaceKey(key)) {
      const quotas = await client.list(QUOTAS, key.namespace);
      await fanOut(
        runtime,
        key,
        quotas.map((q) => q.metadata.name ?? ""),
      );
      return undefined;
    }
    await syncQuota(runtime, client, key);
    return undefined;
  },
};

/**
 * Whether a change can move a quota's usage. Object counts move on create and delete only; pods
 * (phase, deletion), Services (type, ports) and claims (size) also move on update. Events are
 * never counted: they are the control plane's feedback, and waking on them would loop.
 */
function changesUsage(change: Change): boolean {
  if (change.resource === "events") return false;
  if (change.type !== "MODIFIED") return true;
  return change.group === "" && ["pods", "services", "persistentvolumeclaims"].includes(change.resource);
}

async function syncQuota(runtime: Runtime, client: InProcessClient, key: ReconcileKey): Promise<void> {
  const quota = await client.get(QUOTAS, key.namespace, key.name);
  if (!quota) return;
  const objects = await objectsCounted([quota], async (kind) => {
    const listed = await runtime.store.list(key.clusterId, { ...kind, namespace: key.namespace });
    return listed.items;
  });
  const status = {
    hard: resourceList(hardOf(quota)),
    used: resourceList(quotaUsed(quota, objects, runtime.clock.now())),
  };
  if (jsonEqual(quota.status ?? {}, status)) return;
  // Written over the version read: a quota changed meanwhile fails with Conflict, and the retry recounts.
  await client.update(
    QUOTAS,
    key.namespace,
    key.name,
    (latest): KubeObject => ({
      ...latest,
      metadata: { ...latest.metadata, resourceVersion: quota.metadata.resourceVersion },
      status,
    }),
    "status",
  );
}

function resourceList(usage: ReadonlyMap<string, Quantity>): Record<string, string> {
  return Object.fromEntries([...usage].map(([name, q]) => [name, formatQuantity(q)]));
}
