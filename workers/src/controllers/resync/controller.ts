import type { Change } from "../../../../apps/api/src/kube/store/types.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { keyId, type ReconcileKey } from "../../runtime/reconcile-key.ts";
import type { Controller } from "../controller.ts";

const NAME = "resync";
/** What a resync walks: every kind some controller is woken by. */
const RESYNCED: readonly { group: string; resource: string }[] = [
  { group: "", resource: "namespaces" },
  { group: "", resource: "nodes" },
  { group: "", resource: "pods" },
  { group: "", resource: "services" },
  { group: "", resource: "persistentvolumeclaims" },
  { group: "", resource: "persistentvolumes" },
  { group: "apps", resource: "deployments" },
  { group: "apps", resource: "replicasets" },
  { group: "apps", resource: "statefulsets" },
  { group: "apps", resource: "daemonsets" },
  { group: "batch", resource: "jobs" },
  { group: "batch", resource: "cronjobs" },
  { group: "policy", resource: "poddisruptionbudgets" },
];

/** When this process last asked to arm each cluster's resync. */
const lastArmed = new Map<string, number>();
const ARM_AGAIN_MS = 1000;

/** Set while a resync is due: the cluster's changes until then arm nothing more. */
export const armedKey = (runtime: Runtime, clusterId: string) =>
  `${runtime.config.redisPrefix}resync-armed:{${clusterId}}`;

/** The key that resyncs the cluster when reconciled (a woken cluster's controllers re-arm their timers). */
export const resyncNowKey = (clusterId: string): ReconcileKey => ({
  clusterId,
  controller: NAME,
  namespace: "",
  name: "run",
});

/**
 * The cheap periodic resync of active clusters (ARCHITECTURE §4): a cluster's first change after a
 * quiet spell arms one resync, due RESYNC_SECONDS (5 min) later; the resync offers every object to every
 * controller as if it had just changed, which repairs any wake-up that was lost (a worker killed
 * between commit and enqueue, Redis down during a commit). A cluster nobody touches arms nothing, so
 * an idle cluster has no scheduled work.
 */
export function resyncController(controllers: () => readonly Controller[]): Controller {
  return {
    name: NAME,
    keysFor(change) {
      // A cluster changing all the time needs one arming run, not one per change: this process
      // asks again only a second after it last asked (the resync is due minutes later anyway).
      const now = Date.now();
      if (now - (lastArmed.get(change.clusterId) ?? 0) < ARM_AGAIN_MS) return [];
      if (lastArmed.size > 10_000) lastArmed.clear();
      lastArmed.set(change.clusterId, now);
      return [{ clusterId: change.clusterId, controller: NAME, namespace: "", name: "arm" }];
    },
    async reconcile(runtime, key) {
      if (key.name === "arm") {
        const interval = runtime.config.resyncMs;
        const armed = await runtime.redis.set(armedKey(runtime, key.clusterId), "1", "PX", interval, "NX");
        if (armed) await runtime.reconcileQueue.enqueueAfter({ ...key, name: "run" }, interval);
        return undefined;
      }
      await resync(runtime, key.clusterId, controllers());
      return undefined;
    },
  };
}

async function resync(
  runtime: Runtime,
  clusterId: string,
  controllers: readonly Controller[],
): Promise<void> {
  const versions = await runtime.store.versions(clusterId);
  if (!versions) return; // the cluster is gone
  const keys = new Map<string, ReconcileKey>();
  for (const kind of RESYNCED) {
    const listed = await runtime.store.list(clusterId, kind);
    for (const object of listed.items) {
      const change: Change = {
        clusterId,
        rv: versions.rv,
        type: "MODIFIED",
        group: kind.group,
        resource: kind.resource,
        namespace: object.metadata.namespace ?? "",
        name: object.metadata.name ?? "",
        object,
      };
      for (const controller of controllers) {
        if (controller.name === NAME) continue;
        for (const k of controller.keysFor(change)) keys.set(keyId(k), k);
      }
    }
  }
  await Promise.all([...keys.values()].map((k) => runtime.reconcileQueue.enqueue(k)));
}
