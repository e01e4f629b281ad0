import { ApiError } from "../../../apps/api/src/errors.ts";
import { CORE_V1, InProcessClient } from "../../../apps/api/src/kube/client/in-process-client.ts";
import { jsonEqual } from "../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { simulatedFailure } from "../../../apps/api/src/kube/simulation/simulated-failure.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import type { Controller } from "../controllers/controller.ts";
import { type EventSource, prepareEvents, recordEvents } from "../events/record-event.ts";
import { BatchedWrites } from "../runtime/batched-writes.ts";
import { clusterSpeed } from "../runtime/cluster-speed.ts";
import type { ReconcileKey } from "../runtime/reconcile-key.ts";
import { loadPodWorld } from "./container-config.ts";
import { allocatePodIp, nodeInternalIp } from "./pod-ip.ts";
import type { PodStatus } from "./pod-status-types.ts";
import { type SyncContext, type SyncResult, syncPod } from "./pod-sync.ts";
import { kubeletTiming } from "./timing.ts";

const NAME = "kubelet";

/**
 * The simulated kubelet of every node: one key per pod bound to a node. A namespace key (name "")
 * re-syncs the namespace's pods that wait on configuration or a claim, when a Secret, ConfigMap or
 * claim changes; a node key (namespace "") re-syncs the node's pods when the node changes (a
 * recovered kubelet).
 */
export const kubeletController: Controller = {
  name: NAME,
  // A pod per key: many starting pods are synced at once and their writes share commits.
  concurrency: 128,
  keysFor(change, previous) {
    if (change.group !== "") return [];
    const key = (name: string): ReconcileKey => ({
      clusterId: change.clusterId,
      controller: NAME,
      namespace: change.namespace,
      name,
    });
    if (change.resource === "pods") {
      if (change.type === "DELETED") return [];
      const nodeName = (change.object.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!nodeName || (previous && onlyStatusChanged(previous, change.object))) return [];
      return [key(change.name)];
    }
    const waitedOn = ["secrets", "configmaps", "persistentvolumeclaims"];
    if (waitedOn.includes(change.resource) && change.type !== "DELETED") {
      return [key("")];
    }
    if (change.resource === "nodes" && change.type === "MODIFIED" && !simulatedFailure(change.object)) {
      return [{ ...key(change.name), namespace: "" }];
    }
    return [];
  },
  async reconcile(runtime, key) {
    if (key.namespace === "") return resyncNodePods(runtime, key);
    if (key.name === "") return resyncWaitingPods(runtime, key);
    return syncOnePod(runtime, key);
  },
};

/**
 * A status write (its own, above all) gives the kubelet nothing to do: what a sync decides follows
 * from the spec, the metadata and the clock, and timed steps have their own wake-ups. Skipping them
 * halves the syncs of a starting pod.
 */
function onlyStatusChanged(previous: KubeObject, next: KubeObject): boolean {
  const { resourceVersion: _pr, managedFields: _pm, ...previousMeta } = previous.metadata;
  const { resourceVersion: _nr, managedFields: _nm, ...nextMeta } = next.metadata;
  return jsonEqual(previous.spec, next.spec) && jsonEqual(previousMeta, nextMeta);
}

async function resyncNodePods(runtime: Runtime, key: ReconcileKey): Promise<undefined> {
  const client = new InProcessClient(runtime, key.clusterId, NAME);
  const pods = await client.list(CORE_V1("pods"));
  const onNode = pods.filter((pod) => (pod.spec as { nodeName?: string }).nodeName === key.name);
  await Promise.all(
    onNode.map((pod) =>
      runtime.reconcileQueue.enqueue({
        ...key,
        namespace: pod.metadata.namespace ?? "",
        name: pod.metadata.name ?? "",
      }),
    ),
  );
  return undefined;
}

async function resyncWaitingPods(runtime: Runtime, key: ReconcileKey): Promise<undefined> {
  const client = new InProcessClient(runtime, key.clusterId, NAME);
  const pods = await client.list(CORE_V1("pods"), key.namespace);
  const waiting = pods.filter((pod) => {
    const status = (pod.status ?? {}) as PodStatus;
    if (!(pod.spec as { nodeName?: string }).nodeName || status.phase !== "Pending") return false;
    return [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].some(
      (s) =>
        s.state.waiting?.reason === "CreateContainerConfigError" ||
        s.state.waiting?.reason === "ContainerCreating",
    );
  });
  await Promise.all(
    waiting.map((pod) => runtime.reconcileQueue.enqueue({ ...key, name: pod.metadata.name ?? "" })),
  );
  return undefined;
}

async function syncOnePod(runtime: Runtime, key: ReconcileKey) {
  const client = new InProcessClient(runtime, key.clusterId, NAME);
  const pod = await client.getShared(CORE_V1("pods"), key.namespace, key.name);
  const nodeName = (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!pod || !nodeName) return undefined;
  const node = await client.getShared(CORE_V1("nodes"), "", nodeName);
  // A pod on a node that does not exist, or whose kubelet is down, is nobody's to run.
  if (!node || simulatedFailure(node)) return undefined;

  const now = runtime.clock.now().getTime();
  const status = (pod.status ?? {}) as PodStatus;
  const ctx: SyncContext = {
    now,
    timing: kubeletTiming(await clusterSpeed(runtime, key.clusterId)),
    node: { name: nodeName, ip: nodeInternalIp(node), images: nodeImages(node) },
    podIP:
      status.podIP ??
      (pod.metadata.deletionTimestamp ? "" : await allocatePodIp(runtime, key.clusterId, node)),
    world: await loadPodWorld(client, pod),
  };

  let result = syncPod(pod, ctx);
  if (result.remove) {
    await publishSideEffects(client, runtime, pod, nodeName, result);
    await client
      .delete(CORE_V1("pods"), key.namespace, key.name, {
        gracePeriodSeconds: 0,
        uid: pod.metadata.uid ?? "",
      })
      .catch(ignoreGone);
    return undefined;
  }
  if (!jsonEqual(result.status, pod.status) || result.events.length > 0) {
    const written = await writeSync(runtime, client, key, pod, ctx, result);
    if (!written) return undefined;
    result = written;
  }
  if (result.pulled.length > 0) await rememberImages(client, nodeName, result.pulled);
  return result.wakeAt !== undefined ? { requeueAfterMs: Math.max(1, result.wakeAt - now) } : undefined;
}

/**
 * Writes a sync's status and the events that report it in one transaction, and returns the sync
 * written: if something else wrote the pod since it was read (a label, a deletion), the sync is
 * redone on what is stored. Undefined when the pod is gone or was replaced: nothing to sync. The
 * status update and the events are computed before the cluster's lock: under it, only the writes.
 */
async function writeSync(
  runtime: Runtime,
  client: InProcessClient,
  key: ReconcileKey,
  pod: KubeObject,
  ctx: SyncContext,
  synced: SyncResult,
): Promise<SyncResult | undefined> {
  let result = synced;
  const source = kubeletSource(ctx.node.name);
  const eventsOf = (sync: SyncResult, involved: KubeObject) =>
    sync.events.map((input) => ({ involved, input }));
  try {
    const update = jsonEqual(result.status, pod.status)
      ? undefined
      : await client.prepareUpdate(
          CORE_V1("pods"),
          key.namespace,
          key.name,
          pod,
          (stored) => {
            if (stored.metadata.uid !== pod.metadata.uid) throw new ApiError("NotFound", "pod was replaced");
            // Something else wrote the pod meanwhile (a label, a deletion): sync again on what is there.
            if (stored.metadata.resourceVersion !== pod.metadata.resourceVersion)
              result = syncPod(stored, ctx);
            return { ...stored, status: result.status };
          },
          "status",
        );
    const events = prepareEvents(client, source, eventsOf(result, pod), runtime.clock.now());
    // Syncs of many pods share a transaction: one commit for a node full of starting pods.
    await BatchedWrites.of(runtime).run(key.clusterId, NAME, async (section) => {
      const involved = update ? await section.client.storeUpdate(update) : pod;
      // Synced again on a newer pod under the lock: its events are the ones to record.
      section.recordEvents(
        result === synced
          ? events
          : prepareEvents(section.client, source, eventsOf(result, involved), runtime.clock.now()),
      );
    });
    return result;
  } catch (err) {
    // A conflict is retried on a fresh read.
    if (err instanceof ApiError && err.reason === "NotFound") return undefined;
    throw err;
  }
}

const kubeletSource = (nodeName: string): EventSource => ({ component: "kubelet", host: nodeName });

/** A pod leaving the node: its last events, then the images it pulled, best effort. */
async function publishSideEffects(
  client: InProcessClient,
  runtime: Runtime,
  pod: KubeObject,
  nodeName: string,
  result: SyncResult,
): Promise<void> {
  const records = result.events.map((input) => ({ involved: pod, input }));
  await recordEvents(runtime, client.clusterId, kubeletSource(nodeName), records, runtime.clock.now());
  if (result.pulled.length > 0) await rememberImages(client, nodeName, result.pulled);
}

function nodeImages(node: KubeObject): Set<string> {
  const images = (node.status as { images?: { names?: string[] }[] } | undefined)?.images ?? [];
  return new Set(images.flatMap((i) => i.names ?? []));
}

/** Pulled images join node.status.images, so IfNotPresent finds them there next time. */
async function rememberImages(
  client: InProcessClient,
  nodeName: string,
  references: string[],
): Promise<void> {
  await client
    .update(
      CORE_V1("nodes"),
      "",
      nodeName,
      (node) => {
        const status = (node.status ?? {}) as { images?: { names: string[]; sizeBytes: number }[] };
        const images = [...(status.images ?? [])];
        const known = new Set(images.flatMap((i) => i.names));
        for (const reference of references) {
          if (!known.has(reference)) images.push({ names: [reference], sizeBytes: 0 });
          known.add(reference);
        }
        return { ...node, status: { ...status, images } };
      },
      "status",
    )
    .catch(() => {
      // Best effort: a later pull records it again.
    });
}

/** A pod already deleted (or replaced: the uid precondition) needs no removal. */
function ignoreGone(err: unknown): undefined {
  if (err instanceof ApiError && (err.reason === "NotFound" || err.reason === "Conflict")) return undefined;
  throw err;
}
