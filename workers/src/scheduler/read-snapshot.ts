/** Reads what one scheduling pass needs from the API into a ClusterSnapshot. */
import { CORE_V1, type InProcessClient } from "../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { occupiesNode, type PodInfo, podInfo } from "./pod-info.ts";
import { ClusterSnapshot } from "./snapshot.ts";
import type { StorageView } from "./volumes.ts";

const STORAGE_CLASSES = { group: "storage.k8s.io", version: "v1", resource: "storageclasses" };

const byName = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [o.metadata.name ?? "", o]));

async function readStorage(client: InProcessClient): Promise<StorageView> {
  const [claims, volumes, classes] = await Promise.all([
    client.list(CORE_V1("persistentvolumeclaims")),
    client.list(CORE_V1("persistentvolumes")),
    client.list(STORAGE_CLASSES),
  ]);
  return {
    claims: new Map(claims.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c])),
    volumes: byName(volumes),
    classes: byName(classes),
  };
}

/** Nodes, the pods bound to them, namespace labels, and storage when a pending pod uses claims. */
export async function readSnapshot(
  client: InProcessClient,
  pods: readonly KubeObject[],
  pending: readonly PodInfo[],
): Promise<ClusterSnapshot> {
  const [nodes, namespaces, storage] = await Promise.all([
    client.list(CORE_V1("nodes")),
    client.list(CORE_V1("namespaces")),
    pending.some((p) => p.claims.length > 0) ? readStorage(client) : undefined,
  ]);
  return new ClusterSnapshot(
    nodes,
    pods.filter(occupiesNode).map(boundPodInfo),
    new Map(namespaces.map((ns) => [ns.metadata.name ?? "", ns.metadata.labels ?? {}])),
    storage,
  );
}

/**
 * The scheduling view of the bound pods, kept per stored pod object: the followed list hands every
 * pass the same frozen object until the pod changes, so a pass over 2,000 bound pods derives only
 * the ones that changed since the last. Frozen: a snapshot never changes a bound pod's view.
 */
const boundInfos = new WeakMap<KubeObject, PodInfo>();

function boundPodInfo(pod: KubeObject): PodInfo {
  let info = boundInfos.get(pod);
  if (!info) {
    info = Object.freeze(podInfo(pod));
    if (Object.isFrozen(pod)) boundInfos.set(pod, info);
  }
  return info;
}
