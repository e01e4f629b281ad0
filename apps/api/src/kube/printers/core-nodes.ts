/**
 * Nodes: upstream `printNode`, `findNodeRoles`, `getNodeInternalIP` / `getNodeExternalIP`
 * (pkg/printers/internalversion/printers.go, release-1.32).
 */

import { ageColumn, nameColumn } from "./columns.ts";
import { age, compareStrings } from "./format.ts";
import { boolAt, type JsonObject, objectAt, objectsAt, stringAt, stringMapAt } from "./json.ts";
import type { Printer, TableColumn } from "./types.ts";

const NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
const NODE_ROLE_LABEL = "kubernetes.io/role";

const nodeColumns: readonly TableColumn[] = [
  nameColumn,
  { name: "Status", type: "string", format: "", description: "The status of the node", priority: 0 },
  { name: "Roles", type: "string", format: "", description: "The roles of the node", priority: 0 },
  ageColumn,
  {
    name: "Version",
    type: "string",
    format: "",
    description: "Kubelet Version reported by the node.",
    priority: 0,
  },
  {
    name: "Internal-IP",
    type: "string",
    format: "",
    description:
      "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
    priority: 1,
  },
  {
    name: "External-IP",
    type: "string",
    format: "",
    description:
      "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
    priority: 1,
  },
  {
    name: "OS-Image",
    type: "string",
    format: "",
    description: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
    priority: 1,
  },
  {
    name: "Kernel-Version",
    type: "string",
    format: "",
    description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    priority: 1,
  },
  {
    name: "Container-Runtime",
    type: "string",
    format: "",
    description:
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
    priority: 1,
  },
];

/** Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value, sorted. */
export function nodeRoles(node: JsonObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(stringMapAt(node, "metadata", "labels"))) {
    if (key.startsWith(NODE_ROLE_PREFIX)) {
      const role = key.slice(NODE_ROLE_PREFIX.length);
      if (role !== "") roles.add(role);
    } else if (key === NODE_ROLE_LABEL && value !== "") {
      roles.add(value);
    }
  }
  return [...roles].sort(compareStrings);
}

/** Only the Ready condition is shown: `Ready` / `NotReady`, `Unknown` without one. */
function nodeStatus(node: JsonObject): string {
  const status: string[] = [];
  // Upstream indexes conditions by type, so a repeated Ready condition counts by its last entry.
  const ready = objectsAt(node, "status", "conditions").findLast((c) => stringAt(c, "type") === "Ready");
  if (ready !== undefined) status.push(stringAt(ready, "status") === "True" ? "Ready" : "NotReady");
  if (status.length === 0) status.push("Unknown");
  if (boolAt(node, "spec", "unschedulable")) status.push("SchedulingDisabled");
  return status.join(",");
}

function address(node: JsonObject, type: string): string {
  const found = objectsAt(node, "status", "addresses").find((a) => stringAt(a, "type") === type);
  return found ? stringAt(found, "address") : "<none>";
}

function nodeCells(node: JsonObject, now: Date): unknown[] {
  const info = objectAt(node, "status", "nodeInfo");
  return [
    stringAt(node, "metadata", "name"),
    nodeStatus(node),
    nodeRoles(node).join(",") || "<none>",
    age(node, now),
    stringAt(info, "kubeletVersion"),
    address(node, "InternalIP"),
    address(node, "ExternalIP"),
    stringAt(info, "osImage") || "<unknown>",
    stringAt(info, "kernelVersion") || "<unknown>",
    stringAt(info, "containerRuntimeVersion") || "<unknown>",
  ];
}

/** core/v1 nodes. */
export const nodePrinter: Printer = { columns: nodeColumns, cells: nodeCells };
