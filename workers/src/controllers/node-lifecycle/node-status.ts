/** The Node status writes: the simulated kubelet's, and the node controller's when it goes quiet. */
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { recordEvent } from "../../events/record-event.ts";
import { kubeletPostsReady, readyStatus, statusUnknown } from "./node-conditions.ts";

const NODES = CORE_V1("nodes");

/** A kubelet that is up re-posts the conditions the node controller marked Unknown. */
export async function postKubeletStatus(
  client: InProcessClient,
  node: KubeObject,
  now: Date,
): Promise<KubeObject> {
  if (!kubeletPostsReady(node, now)) return node;
  let events: string[] = [];
  const written = await client.update(
    NODES,
    "",
    node.metadata.name ?? "",
    (current) => {
      const posted = kubeletPostsReady(current, now);
      events = posted?.events ?? [];
      return posted?.node ?? current;
    },
    "status",
  );
  const name = node.metadata.name ?? "";
  // The kubelet refers to its node with the node's name as uid: its events about the node count up
  // those it recorded when the node joined.
  const kubeletRef = { ...written, metadata: { ...written.metadata, uid: name } };
  for (const reason of events) {
    await recordEvent(
      client,
      { component: "kubelet", host: name },
      kubeletRef,
      { type: "Normal", reason, message: `Node ${name} status is now: ${reason}` },
      now,
    );
  }
  return written;
}

/** The node controller marks the conditions Unknown; a node that was Ready gets `NodeNotReady`. */
export async function markUnknown(client: InProcessClient, node: KubeObject, now: Date): Promise<KubeObject> {
  if (!statusUnknown(node, now)) return node;
  let wasReady = false;
  const written = await client.update(
    NODES,
    "",
    node.metadata.name ?? "",
    (current) => {
      const unknown = statusUnknown(current, now);
      wasReady = unknown !== undefined && readyStatus(current) === "True";
      return unknown ?? current;
    },
    "status",
  );
  if (wasReady) {
    const name = node.metadata.name ?? "";
    await recordEvent(
      client,
      { component: "node-controller" },
      written,
      { type: "Normal", reason: "NodeNotReady", message: `Node ${name} status is now: NodeNotReady` },
      now,
    );
  }
  return written;
}
