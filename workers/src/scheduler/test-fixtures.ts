/** Plain Node and Pod objects for the scheduler's unit tests. */
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { type PodInfo, podInfo } from "./pod-info.ts";
import { ClusterSnapshot } from "./snapshot.ts";

export function node(
  name: string,
  options: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: { key: string; value?: string; effect: string }[];
    unschedulable?: boolean;
    extra?: Record<string, string>;
  } = {},
): KubeObject {
  const allocatable = {
    cpu: options.cpu ?? "4",
    memory: options.memory ?? "8Gi",
    pods: options.pods ?? "110",
    "ephemeral-storage": "100Gi",
    ...options.extra,
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...options.labels } },
    spec: {
      ...(options.taints ? { taints: options.taints } : {}),
      ...(options.unschedulable ? { unschedulable: true } : {}),
    },
    status: { allocatable, capacity: allocatable },
  };
}

let serial = 0;

export function pod(
  name: string,
  options: {
    namespace?: string;
    cpu?: string;
    memory?: string;
    labels?: Record<string, string>;
    nodeName?: string;
    priority?: number;
    spec?: Record<string, unknown>;
    owner?: string;
    hostPort?: number;
    terminating?: boolean;
  } = {},
): KubeObject {
  serial++;
  const requests: Record<string, string> = {};
  if (options.cpu) requests.cpu = options.cpu;
  if (options.memory) requests.memory = options.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: options.namespace ?? "default",
      uid: `uid-${name}-${serial}`,
      creationTimestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, serial)).toISOString(),
      labels: options.labels ?? {},
      ...(options.owner
        ? {
            ownerReferences: [
              {
                apiVersion: "apps/v1",
                kind: "ReplicaSet",
                name: options.owner,
                uid: options.owner,
                controller: true,
              },
            ],
          }
        : {}),
      ...(options.terminating ? { deletionTimestamp: "2025-01-01T00:00:00Z" } : {}),
    },
    spec: {
      schedulerName: "default-scheduler",
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      containers: [
        {
          name: "app",
          image: "nginx",
          resources: { requests },
          ...(options.hostPort
            ? { ports: [{ containerPort: 80, hostPort: options.hostPort, protocol: "TCP" }] }
            : {}),
        },
      ],
      ...options.spec,
    },
    status: { phase: options.nodeName ? "Running" : "Pending" },
  };
}

/** A snapshot of the given nodes with the given (bound) pods on them. */
export function snapshotOf(
  nodes: KubeObject[],
  bound: KubeObject[] = [],
  namespaces: Map<string, Record<string, string>> = new Map(),
): ClusterSnapshot {
  return new ClusterSnapshot(nodes, bound.map(podInfo), namespaces);
}

export function info(p: KubeObject): PodInfo {
  return podInfo(p);
}
