/**
 * apps/v1: deployments, replicasets, statefulsets, daemonsets and controllerrevisions
 * (pkg/printers/internalversion/printers.go, release-1.32).
 */

import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./columns.ts";
import { age, layoutContainerCells } from "./format.ts";
import { type JsonObject, numberAt, objectAt, objectsAt, stringAt, stringMapAt, valueAt } from "./json.ts";
import { formatLabelSelector, formatLabels, labelSelectorString } from "./label-selector.ts";
import type { Printer, TableColumn } from "./types.ts";

const deploymentColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Ready",
    type: "string",
    format: "",
    description: "Number of the pod with ready state",
    priority: 0,
  },
  {
    name: "Up-to-date",
    type: "string",
    format: "",
    description:
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    priority: 0,
  },
  {
    name: "Available",
    type: "string",
    format: "",
    description:
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    priority: 1,
  },
];

const replicaSetColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Desired",
    type: "integer",
    format: "",
    description:
      "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
    priority: 0,
  },
  {
    name: "Current",
    type: "integer",
    format: "",
    description:
      "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
    priority: 0,
  },
  {
    name: "Ready",
    type: "integer",
    format: "",
    description: "The number of ready replicas for this replica set.",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
  },
];

const statefulSetColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Ready",
    type: "string",
    format: "",
    description: "Number of the pod with ready state",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
];

const daemonSetColumns: readonly TableColumn[] = [
  nameColumn,
  {
    name: "Desired",
    type: "integer",
    format: "",
    description:
      "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
    priority: 0,
  },
  {
    name: "Current",
    type: "integer",
    format: "",
    description:
      "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/",
    priority: 0,
  },
  {
    name: "Ready",
    type: "integer",
    format: "",
    description:
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
    priority: 0,
  },
  {
    name: "Up-to-date",
    type: "integer",
    format: "",
    description: "The total number of nodes that are running updated daemon pod",
    priority: 0,
  },
  {
    name: "Available",
    type: "integer",
    format: "",
    description:
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
    priority: 0,
  },
  {
    name: "Node Selector",
    type: "string",
    format: "",
    description:
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    priority: 0,
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  {
    name: "Selector",
    type: "string",
    format: "",
    description:
      "A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    priority: 1,
  },
];

const controllerRevisionColumns: readonly TableColumn[] = [
  nameColumn,
  { name: "Controller", type: "string", format: "", description: "Controller of the object", priority: 0 },
  {
    name: "Revision",
    type: "string",
    format: "",
    description: "revision indicates the revision of the state represented by Data.",
    priority: 0,
  },
  ageColumn,
];

const name = (obj: JsonObject): string => stringAt(obj, "metadata", "name");

function templateContainers(obj: JsonObject): { names: string; images: string } {
  return layoutContainerCells(objectAt(obj, "spec", "template", "spec"));
}

function deploymentCells(deployment: JsonObject, now: Date): unknown[] {
  const { names, images } = templateContainers(deployment);
  // Deployments print the selector without the `<none>` placeholder, and `<invalid>` on error.
  const selector = labelSelectorString(valueAt(deployment, "spec", "selector")) ?? "<invalid>";
  return [
    name(deployment),
    `${numberAt(deployment, "status", "readyReplicas")}/${numberAt(deployment, "spec", "replicas")}`,
    numberAt(deployment, "status", "updatedReplicas"),
    numberAt(deployment, "status", "availableReplicas"),
    age(deployment, now),
    names,
    images,
    selector,
  ];
}

function replicaSetCells(rs: JsonObject, now: Date): unknown[] {
  const { names, images } = templateContainers(rs);
  return [
    name(rs),
    numberAt(rs, "spec", "replicas"),
    numberAt(rs, "status", "replicas"),
    numberAt(rs, "status", "readyReplicas"),
    age(rs, now),
    names,
    images,
    formatLabelSelector(valueAt(rs, "spec", "selector")),
  ];
}

function statefulSetCells(sts: JsonObject, now: Date): unknown[] {
  const { names, images } = templateContainers(sts);
  const ready = `${numberAt(sts, "status", "readyReplicas")}/${numberAt(sts, "spec", "replicas")}`;
  return [name(sts), ready, age(sts, now), names, images];
}

function daemonSetCells(ds: JsonObject, now: Date): unknown[] {
  const { names, images } = templateContainers(ds);
  const status = objectAt(ds, "status");
  return [
    name(ds),
    numberAt(status, "desiredNumberScheduled"),
    numberAt(status, "currentNumberScheduled"),
    numberAt(status, "numberReady"),
    numberAt(status, "updatedNumberScheduled"),
    numberAt(status, "numberAvailable"),
    formatLabels(stringMapAt(ds, "spec", "template", "spec", "nodeSelector")),
    age(ds, now),
    names,
    images,
    formatLabelSelector(valueAt(ds, "spec", "selector")),
  ];
}

/**
 * The controlling owner as `kind.group/name` in lower case (`formatResourceName`), e.g.
 * `statefulset.apps/web`; `<none>` without a controller reference.
 */
export function controllerName(obj: JsonObject): string {
  const owner = objectsAt(obj, "metadata", "ownerReferences").find(
    (ref) => valueAt(ref, "controller") === true,
  );
  if (owner === undefined) return "<none>";
  const apiVersion = stringAt(owner, "apiVersion");
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const kind = stringAt(owner, "kind");
  const ownerName = stringAt(owner, "name");
  if (group === "" && kind === "") return ownerName;
  const groupKind = group === "" ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${ownerName}`;
}

/** apps/v1 deployments. */
export const deploymentPrinter: Printer = { columns: deploymentColumns, cells: deploymentCells };

/** apps/v1 replicasets. */
export const replicaSetPrinter: Printer = { columns: replicaSetColumns, cells: replicaSetCells };

/** apps/v1 statefulsets. */
export const statefulSetPrinter: Printer = { columns: statefulSetColumns, cells: statefulSetCells };

/** apps/v1 daemonsets. */
export const daemonSetPrinter: Printer = { columns: daemonSetColumns, cells: daemonSetCells };

/** apps/v1 controllerrevisions. */
export const controllerRevisionPrinter: Printer = {
  columns: controllerRevisionColumns,
  cells: (rev, now) => [name(rev), controllerName(rev), numberAt(rev, "revision"), age(rev, now)],
};
