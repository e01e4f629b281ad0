import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Controller } from "../controller.ts";

const NAME = "podgc";

/**
 * The pod garbage collector's orphan sweep (pkg/controller/podgc gcOrphaned): when a Node is
 * deleted, the pods bound to it have no kubelet left to stop them, so they are deleted at once
 * (grace 0) and their controllers replace them elsewhere. One key per deleted node.
 */
export const podgcController: Controller = {
  name: NAME,
  keysFor(change) {
    if (change.group !== "" || change.resource !== "nodes" || change.type !== "DELETED") return [];
    return [{ clusterId: change.clusterId, controller: NAME, namespace: "", name: change.name }];
  },
  async reconcile(runtime, key) {
    const client = new InProcessClient(runtime, key.clusterId, "pod-garbage-collector");
    // The node came back under the same name: its kubelet runs these pods again.
    if (await client.get(CORE_V1("nodes"), "", key.name)) return undefined;
    const pods = await client.list(CORE_V1("pods"));
    const orphans = pods.filter((pod) => (pod.spec as { nodeName?: string }).nodeName === key.name);
    for (const pod of orphans) {
      await client
        .delete(CORE_V1("pods"), pod.metadata.namespace ?? "", pod.metadata.name ?? "", {
          gracePeriodSeconds: 0,
          uid: pod.metadata.uid ?? "",
        })
        .catch((err: unknown) => {
          // Already gone, or replaced by a new pod of the same name: nothing to collect.
          if (!(err instanceof ApiError && (err.reason === "NotFound" || err.reason === "Conflict")))
            throw err;
        });
    }
    return undefined;
  },
};
