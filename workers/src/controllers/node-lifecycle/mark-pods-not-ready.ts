import { ApiError } from "../../../../apps/api/src/errors.ts";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../../apps/api/src/platform/clock.ts";
import { recordEvent } from "../../events/record-event.ts";
import { isPodReady, type PodCondition } from "../shared/pods.ts";

/**
 * MarkPodsNotReady (pkg/controller/util/node, release-1.32): on a node that is not Ready, the pods'
 * Ready condition turns False (so Services stop sending them traffic) and each gets a Warning
 * `NodeNotReady` event. Pods already not ready are left alone, so this is safe to repeat.
 */
export async function markPodsNotReady(
  client: InProcessClient,
  pods: readonly KubeObject[],
  now: Date,
): Promise<void> {
  for (const pod of pods) {
    if (!isPodReady(pod)) continue;
    const namespace = pod.metadata.namespace ?? "";
    const name = pod.metadata.name ?? "";
    let changed = false;
    try {
      const written = await client.update(
        CORE_V1("pods"),
        namespace,
        name,
        (current) => {
          const next = structuredClone(current);
          const status = (next.status ?? {}) as { conditions?: PodCondition[] };
          const ready = status.conditions?.find((c) => c.type === "Ready");
          if (ready && ready.status === "True") {
            ready.status = "False";
            ready.lastTransitionTime = kubeTime(now);
            changed = true;
          }
          next.status = status;
          return next;
        },
        "status",
      );
      if (changed) {
        await recordEvent(
          client,
          { component: "node-controller" },
          written,
          { type: "Warning", reason: "NodeNotReady", message: "Node is not ready" },
          now,
        );
      }
    } catch (err) {
      // Deleted meanwhile: nothing left to mark.
      if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
    }
  }
}
