import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { recordEvent } from "../../events/record-event.ts";
import type { ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";
import { isNamespaceTerminating, isNotFound } from "../shared/api-errors.ts";
import { namespaceKey } from "../shared/namespace-keys.ts";
import {
  HEADLESS_LABEL,
  hasClusterIP,
  lastChangeTriggerTime,
  TRIGGER_TIME_ANNOTATION,
} from "../shared/service-endpoints.ts";
import { podsSelectedBy, reconcileServiceKeys } from "../shared/service-pod-sync.ts";
import { desiredSubsets, type EndpointSubset, truncateSubsets } from "./subsets.ts";

const NAME = "endpoints";
const MANAGER = "endpoint-controller";
/** v1.EndpointsOverCapacity, set when the addresses were cut to MAX_ADDRESSES. */
const OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";

/**
 * pkg/controller/endpoint (release-1.32): every Service with a selector gets an Endpoints object of
 * the same name listing its pods' addresses, ready and not ready, on the ports its targetPorts
 * resolve to. Services without a selector keep the Endpoints their users write; an Endpoints object
 * goes when its Service goes. Kubernetes 1.32 puts no managed-by label on them (1.33 does).
 */
export const endpointsController: Controller = {
  name: NAME,
  // Pods starting together update the Endpoints once: a tenth of a second later, not once each.
  batchPeriodMs: 100,
  keysFor(change) {
    if (change.group !== "") return [];
    const serviceKey = {
      clusterId: change.clusterId,
      controller: NAME,
      namespace: change.namespace,
      name: change.name,
    };
    if (change.resource === "services") return [serviceKey];
    // A deleted Endpoints object of a selector Service comes back.
    if (change.resource === "endpoints" && change.type === "DELETED") return [serviceKey];
    if (change.resource === "pods") return [namespaceKey(change, NAME)];
    return [];
  },
  reconcile: reconcileServiceKeys(MANAGER, syncService),
};

async function syncService(runtime: Runtime, client: InProcessClient, key: ReconcileKey): Promise<void> {
  const { namespace, name } = key;
  const svc = await client.get(CORE_V1("services"), namespace, name);
  if (!svc) {
    await client.delete(CORE_V1("endpoints"), namespace, name).catch(ignoreNotFound);
    return;
  }
  const pods = await podsSelectedBy(client, namespace, svc);
  if (!pods) return;
  const { subsets, readiness } = desiredSubsets(svc, pods);
  const truncated = truncateSubsets(subsets);
  const current = await client.get(CORE_V1("endpoints"), namespace, name);
  const labels = endpointsLabels(svc);
  const currentSubsets = (current?.subsets ?? []) as EndpointSubset[];
  if (
    current &&
    jsonEqual(currentSubsets, subsets) &&
    jsonEqual(withoutHeadless(current.metadata.labels), withoutHeadless(labels)) &&
    truncated === OVER_CAPACITY_ANNOTATION in (current.metadata.annotations ?? {})
  ) {
    return;
  }
  const listed = readinessOf(currentSubsets);
  const changedPods = pods.filter((pod) => {
    const uid = pod.metadata.uid ?? "";
    return readiness.has(uid) && listed.get(uid) !== readiness.get(uid);
  });
  const annotations = { ...(current?.metadata.annotations ?? {}) };
  setOrDelete(annotations, TRIGGER_TIME_ANNOTATION, lastChangeTriggerTime(svc, !current, changedPods));
  setOrDelete(annotations, OVER_CAPACITY_ANNOTATION, truncated ? "truncated" : undefined);
  const shape = (obj: KubeObject): KubeObject => {
    const metadata = { ...obj.metadata };
    if (Object.keys(labels).length) metadata.labels = labels;
    else delete metadata.labels;
    if (Object.keys(annotations).length) metadata.annotations = annotations;
    else delete metadata.annotations;
    const next: KubeObject = { ...obj, metadata };
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;
    return next;
  };
  try {
    if (!current) {
      await client.create(
        CORE_V1("endpoints"),
        namespace,
        shape({ apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace } }),
      );
    } else {
      const readVersion = current.metadata.resourceVersion;
      // Written over the version read: a concurrent change fails with Conflict and the retry re-reads.
      await client.update(CORE_V1("endpoints"), namespace, name, (latest) =>
        shape({ ...latest, metadata: { ...latest.metadata, resourceVersion: readVersion } }),
      );
    }
  } catch (err) {
    // A terminating namespace refuses new objects; there is nothing left to publish.
    if (!current && isNamespaceTerminating(err)) return;
    const [reason, message] = current
      ? [
          "FailedToUpdateEndpoint",
          `Failed to update endpoint ${namespace}/${name}: ${(err as Error).message}`,
        ]
      : [
          "FailedToCreateEndpoint",
          `Failed to create endpoint for service ${namespace}/${name}: ${(err as Error).message}`,
        ];
    const involved = current ?? { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace } };
    await recordEvent(
      client,
      { component: MANAGER },
      { ...involved, apiVersion: "v1", kind: "Endpoints" },
      { type: "Warning", reason, message },
      runtime.clock.now(),
    );
    throw err;
  }
}

/** The Service's labels, plus service.kubernetes.io/headless on a Service without a cluster IP. */
function endpointsLabels(svc: KubeObject): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (hasClusterIP(svc)) delete labels[HEADLESS_LABEL];
  else labels[HEADLESS_LABEL] = "";
  return labels;
}

function withoutHeadless(labels: Record<string, string> | undefined): Record<string, string> {
  const { [HEADLESS_LABEL]: _headless, ...rest } = labels ?? {};
  return rest;
}

/** Each listed pod's uid and whether it is listed ready (a pod listed both ways counts as ready). */
function readinessOf(subsets: readonly EndpointSubset[]): Map<string, boolean> {
  const listed = new Map<string, boolean>();
  for (const subset of subsets) {
    for (const a of subset.notReadyAddresses ?? []) listed.set(a.targetRef?.uid ?? "", false);
  }
  for (const subset of subsets) {
    for (const a of subset.addresses ?? []) listed.set(a.targetRef?.uid ?? "", true);
  }
  return listed;
}

function setOrDelete(map: Record<string, string>, key: string, value: string | undefined): void {
  if (value === undefined) delete map[key];
  else map[key] = value;
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
