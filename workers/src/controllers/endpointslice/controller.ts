import {
  CORE_V1,
  type InProcessClient,
  type ResourceId,
} from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { recordEvent } from "../../events/record-event.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { isNamespaceTerminating, isNotFound } from "../shared/api-errors.ts";
import { namespaceKey } from "../shared/namespace-keys.ts";
import { lastChangeTriggerTime, TRIGGER_TIME_ANNOTATION } from "../shared/service-endpoints.ts";
import { podsSelectedBy, reconcileServiceKeys } from "../shared/service-pod-sync.ts";
import { CONTROLLER_NAME, type EndpointSlice, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "./endpoint.ts";
import { planSlices } from "./plan-slices.ts";

const NAME = "endpointslice";
const SLICES: ResourceId = { group: "discovery.k8s.io", version: "v1", resource: "endpointslices" };

/**
 * pkg/controller/endpointslice (release-1.32): every Service with a selector gets EndpointSlices
 * (`<service>-xxxxx`, owned by it, at most 100 endpoints each) listing the pods it selects with
 * their readiness, serving and terminating conditions, node and zone. Its slices go with the
 * Service through their owner reference. They are what `kubectl describe service` (1.32) lists as
 * "Endpoints:" (the ready addresses of the slices labelled with the Service's name, with each port).
 */
export const endpointsliceController: Controller = {
  name: NAME,
  // As the Endpoints controller: a burst of pod changes is one update of the slices.
  batchPeriodMs: 100,
  keysFor(change) {
    if (change.group === "" && change.resource === "services") {
      return [
        { clusterId: change.clusterId, controller: NAME, namespace: change.namespace, name: change.name },
      ];
    }
    if (change.group === "" && change.resource === "pods") return [namespaceKey(change, NAME)];
    // A managed slice deleted by someone else is put back (the controller's own deletions cost one
    // sync that finds nothing to do).
    if (
      change.group === "discovery.k8s.io" &&
      change.resource === "endpointslices" &&
      change.type === "DELETED"
    ) {
      const labels = change.object.metadata.labels ?? {};
      const service = labels[SERVICE_NAME_LABEL];
      if (service && labels[MANAGED_BY_LABEL] === CONTROLLER_NAME) {
        return [
          { clusterId: change.clusterId, controller: NAME, namespace: change.namespace, name: service },
        ];
      }
    }
    return [];
  },
  reconcile: reconcileServiceKeys(CONTROLLER_NAME, syncService),
};

async function syncService(runtime: Runtime, client: InProcessClient, key: ReconcileKey): Promise<void> {
  const { namespace, name } = key;
  // A deleted Service's slices are deleted with it (owner reference); nothing to do here.
  const svc = await client.get(CORE_V1("services"), namespace, name);
  if (!svc) return;
  const pods = await podsSelectedBy(client, namespace, svc);
  if (!pods) return;
  const sliceSelector = `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${CONTROLLER_NAME}`;
  const existing = ((await client.list(SLICES, namespace, sliceSelector)) as EndpointSlice[]).filter(
    (slice) => !slice.metadata.deletionTimestamp,
  );
  const nodes = await nodesOf(client, pods);
  const plan = planSlices(svc, pods, nodes, existing);
  const triggerTime = lastChangeTriggerTime(svc, existing.length === 0, plan.changedPods);
  try {
    await writePlan(client, svc, plan, triggerTime);
  } catch (err) {
    await recordEvent(
      client,
      { component: "endpoint-slice-controller" },
      { ...svc, apiVersion: "v1", kind: "Service" },
      {
        type: "Warning",
        reason: "FailedToUpdateEndpointSlices",
        message: `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(err as Error).message}`,
      },
      runtime.clock.now(),
    );
    throw err;
  }
  if (plan.podsOnMissingNodes.length > 0) {
    // Retried with back-off, as upstream requeues the Service.
    throw new Error(
      `skipping Pods ${plan.podsOnMissingNodes.join(", ")} for Service ${namespace}/${name}: Node Not Found`,
    );
  }
}

/** The nodes the pods run on, for their zone. */
async function nodesOf(
  client: InProcessClient,
  pods: readonly KubeObject[],
): Promise<Map<string, KubeObject>> {
  const names = new Set(pods.map((pod) => (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? ""));
  names.delete("");
  const nodes = new Map<string, KubeObject>();
  for (const nodeName of names) {
    const node = await client.get(CORE_V1("nodes"), "", nodeName);
    if (node) nodes.set(nodeName, node);
  }
  return nodes;
}

async function writePlan(
  client: InProcessClient,
  svc: KubeObject,
  plan: ReturnType<typeof planSlices>,
  triggerTime: string | undefined,
): Promise<void> {
  const namespace = svc.metadata.namespace ?? "";
  const annotate = (annotations: Record<string, string> | undefined) => {
    const next = { ...(annotations ?? {}) };
    if (triggerTime === undefined) delete next[TRIGGER_TIME_ANNOTATION];
    else next[TRIGGER_TIME_ANNOTATION] = triggerTime;
    return Object.keys(next).length > 0 ? next : undefined;
  };
  // Empty lists are stored as null, as upstream's protobuf storage gives them back.
  const lists = (slice: EndpointSlice) => ({
    endpoints: slice.endpoints?.length ? slice.endpoints : null,
    ports: slice.ports?.length ? slice.ports : null,
  });
  // No new slices for a Service being deleted: they would race its garbage collection.
  if (!svc.metadata.deletionTimestamp) {
    for (const slice of plan.create) {
      const annotations = annotate(slice.metadata.annotations);
      await client
        .create(SLICES, namespace, {
          ...slice,
          ...lists(slice),
          metadata: { ...slice.metadata, ...(annotations ? { annotations } : {}) },
        })
        .catch((err: unknown) => {
          // A terminating namespace refuses new objects; there is nothing left to publish.
          if (!isNamespaceTerminating(err)) throw err;
        });
    }
  }
  for (const slice of plan.update) {
    const readVersion = slice.metadata.resourceVersion;
    await client.update(SLICES, namespace, slice.metadata.name ?? "", (latest) => {
      const annotations = annotate(latest.metadata.annotations);
      const metadata = { ...latest.metadata, labels: slice.metadata.labels, resourceVersion: readVersion };
      if (annotations) metadata.annotations = annotations;
      else delete metadata.annotations;
      return { ...latest, ...lists(slice), metadata };
    });
  }
  for (const slice of plan.delete) {
    await client.delete(SLICES, namespace, slice.metadata.name ?? "").catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
