import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import type { Taint } from "../shared/taints.ts";
import { computeDisruption, zoneOf } from "./disruption.ts";
import { noExecuteTaints, noScheduleTaints, timedNoExecuteTaints, withTaints } from "./node-taints.ts";

const NODES = CORE_V1("nodes");

/**
 * The node's NoSchedule taints (conditions, cordon) and the NoExecute taints of every node the zone
 * decision touches: entering or leaving full disruption changes other nodes too, so each reconcile
 * brings them all in line (writes happen only where a node differs). Answers this node, updated.
 */
export async function syncTaints(client: InProcessClient, node: KubeObject, now: Date): Promise<KubeObject> {
  const listed = await client.list(NODES);
  const nodes = listed.map((n) => (n.metadata.name === node.metadata.name ? node : n));
  const disruption = computeDisruption(nodes);
  let self = node;
  for (const other of nodes) {
    const decision = {
      evictionsStopped: disruption.evictionsStopped,
      newTaintsPaused: disruption.pausedZones.has(zoneOf(other)),
    };
    const isSelf = other.metadata.name === node.metadata.name;
    const written = await updateTaints(client, other, (current) => {
      let taints: Taint[] | undefined;
      const next = (change: Taint[] | undefined) => {
        if (change) {
          taints = change;
          current = withTaints(current, change);
        }
      };
      if (isSelf) next(noScheduleTaints(current, now));
      next(noExecuteTaints(current, decision, now));
      if (isSelf) next(timedNoExecuteTaints(current, now));
      return taints;
    });
    if (isSelf && written) self = written;
  }
  return self;
}

/** Writes the node's taints if `change` (run on the current node, in the transaction) alters them. */
async function updateTaints(
  client: InProcessClient,
  node: KubeObject,
  change: (current: KubeObject) => Taint[] | undefined,
): Promise<KubeObject | undefined> {
  // Decide on the listed copy first: most nodes need nothing, and then nothing is written.
  if (!change(node)) return undefined;
  return client.update(NODES, "", node.metadata.name ?? "", (current) => {
    const taints = change(current);
    return taints ? withTaints(current, taints) : current;
  });
}
