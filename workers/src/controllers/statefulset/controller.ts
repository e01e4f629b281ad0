import { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import {
  type LabelSelector,
  selectorFromLabelSelector,
} from "../../../../apps/api/src/kube/selectors/index.ts";
import type { Controller } from "../controller.ts";
import { claimRevisions, sortRevisions } from "../shared/controller-history.ts";
import { claimObjects, recheckOwner } from "../shared/controller-ref-manager.ts";
import { controllerOf } from "../shared/owners.ts";
import { PODS, syncContext } from "./context.ts";
import { isMemberOf, parentAndOrdinal } from "./identity.ts";
import { setRevisions, truncateHistory } from "./revisions.ts";
import { completeRollingUpdate, statusChanged } from "./status.ts";
import { updateStatefulSet } from "./sync.ts";
import { COMPONENT, minReadySecondsOf, STATEFULSETS, specOf } from "./types.ts";

/**
 * kube-controller-manager's StatefulSet controller (pkg/controller/statefulset, release-1.32):
 * ordered, stably named pods `<set>-<ordinal>` with their own claims, revision history and rolling
 * updates by ordinal.
 */
export const statefulsetController: Controller = {
  name: "statefulset",
  keysFor(change) {
    const key = (name: string) => ({
      clusterId: change.clusterId,
      controller: "statefulset",
      namespace: change.namespace,
      name,
    });
    const owner = controllerOf(change.object);
    if (change.group === "apps" && change.resource === "statefulsets") return [key(change.name)];
    if (change.group === "apps" && change.resource === "controllerrevisions") {
      return owner?.kind === "StatefulSet" ? [key(owner.name)] : [];
    }
    if (change.group !== "") return [];
    if (change.resource === "pods") {
      if (owner) return owner.kind === "StatefulSet" ? [key(owner.name)] : [];
      // An orphan named like a member may be adopted by the set of that name.
      const { parent } = parentAndOrdinal(change.name);
      return parent ? [key(parent)] : [];
    }
    if (change.resource === "persistentvolumeclaims" && change.type === "DELETED") {
      // A claim that blocked a pod (being deleted, or stale for the retention policy) is gone: the
      // pod can be created. `<template>-<set>-<ordinal>` does not say where the template name
      // ends, so every possible set name is woken (a missing set costs one read).
      const { parent } = parentAndOrdinal(change.name);
      const candidates = parent.split("-").map((_, i, parts) => parts.slice(i + 1).join("-"));
      const owners = (change.object.metadata.ownerReferences ?? []).map((ref) =>
        ref.kind === "Pod" ? parentAndOrdinal(ref.name).parent : ref.kind === "StatefulSet" ? ref.name : "",
      );
      return [...new Set([...candidates, ...owners])].filter(Boolean).map(key);
    }
    return [];
  },
  async reconcile(runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, COMPONENT);
    const set = await client.get(STATEFULSETS, key.namespace, key.name);
    if (!set) return undefined;
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(specOf(set).selector);
    } catch {
      // Validation rejects bad selectors; an old object with one is left alone, as upstream.
      return undefined;
    }
    const ctx = syncContext(client, runtime.clock.now());
    const revisions = sortRevisions(await claimRevisions(client, set, selector));
    const pods = await claimPods(client, set, selector);
    const live = await setRevisions(client, set, revisions);
    const { status, error } = await updateStatefulSet(ctx, set, live, pods);
    completeRollingUpdate(set, status);
    if (statusChanged(set, status)) {
      await client.update(
        STATEFULSETS,
        key.namespace,
        key.name,
        (current) => ({ ...current, status: { ...((current.status as object) ?? {}), ...status } }),
        "status",
      );
    }
    await truncateHistory(client, set, pods, revisions, live);
    if (error !== undefined) throw error;
    const minReadySeconds = minReadySecondsOf(set);
    // Pods become available minReadySeconds after they are ready: look again then.
    if (minReadySeconds > 0 && status.readyReplicas !== status.availableReplicas) {
      return { requeueAfterMs: minReadySeconds * 1000 };
    }
    return undefined;
  },
};

/**
 * getPodsForStatefulSet: the members (pods named `<set>-<ordinal>`) the set controls and still
 * selects; matching orphan members are adopted.
 */
async function claimPods(
  client: InProcessClient,
  set: KubeObject,
  selector: LabelSelector,
): Promise<KubeObject[]> {
  const members = (await client.list(PODS, set.metadata.namespace ?? "")).filter((pod) =>
    isMemberOf(set, pod),
  );
  return claimObjects(members, {
    client,
    owner: set,
    resource: PODS,
    selector,
    canAdopt: recheckOwner(client, STATEFULSETS, set),
  });
}
