import { eventsV1Conversion, horizontalPodAutoscalerV1Conversion } from "./groups.ts";
import { strategyFor } from "./strategies.ts";
import type { ResourceDefinition, SubresourceDefinition, Verb } from "./types.ts";

const ALL_VERBS: readonly Verb[] = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
];
const READ_VERBS: readonly Verb[] = ["get", "list"];
const CREATE_ONLY: readonly Verb[] = ["create"];

const status: SubresourceDefinition = { name: "status", verbs: ["get", "patch", "update"] };
const scale: SubresourceDefinition = {
  name: "scale",
  verbs: ["get", "patch", "update"],
  kind: { group: "autoscaling", version: "v1", kind: "Scale" },
};

interface Options {
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly Verb[];
  subresources?: SubresourceDefinition[];
  storage?: { group: string; resource: string; version: string };
  conversion?: ResourceDefinition["conversion"];
}

function def(group: string, version: string, resource: string, kind: string, o: Options): ResourceDefinition {
  const subresources = o.subresources ?? [];
  const storage = o.storage ?? { group, resource, version };
  return {
    group,
    version,
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced: o.namespaced,
    shortNames: o.shortNames ?? [],
    categories: o.categories ?? [],
    verbs: o.verbs ?? ALL_VERBS,
    subresources,
    storage,
    ...(o.conversion ? { conversion: o.conversion } : {}),
    strategy: strategyFor(
      storage.group,
      storage.resource,
      subresources.some((s) => s.name === "status"),
    ),
  };
}

const NS = { namespaced: true } as const;
const CLUSTER = { namespaced: false } as const;
const ALL = ["all"];

/**
 * Every served resource, in discovery order, with upstream's scope, short names, categories, verbs
 * and subresources (as `kubectl api-resources` shows them on a 1.32 cluster).
 */
export const RESOURCES: readonly ResourceDefinition[] = [
  def("", "v1", "bindings", "Binding", { ...NS, verbs: CREATE_ONLY }),
  def("", "v1", "configmaps", "ConfigMap", { ...NS, shortNames: ["cm"] }),
  def("", "v1", "endpoints", "Endpoints", { ...NS, shortNames: ["ep"] }),
  def("", "v1", "events", "Event", { ...NS, shortNames: ["ev"] }),
  def("", "v1", "limitranges", "LimitRange", { ...NS, shortNames: ["limits"] }),
  def("", "v1", "namespaces", "Namespace", {
    ...CLUSTER,
    shortNames: ["ns"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [{ name: "finalize", verbs: ["update"] }, status],
  }),
  def("", "v1", "nodes", "Node", { ...CLUSTER, shortNames: ["no"], subresources: [status] }),
  def("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", {
    ...NS,
    shortNames: ["pvc"],
    subresources: [status],
  }),
  def("", "v1", "persistentvolumes", "PersistentVolume", {
    ...CLUSTER,
    shortNames: ["pv"],
    subresources: [status],
  }),
  def("", "v1", "pods", "Pod", {
    ...NS,
    shortNames: ["po"],
    categories: ALL,
    subresources: [
      {
        name: "attach",
        verbs: ["create", "get"],
        kind: { group: "", version: "v1", kind: "PodAttachOptions" },
      },
      { name: "binding", verbs: ["create"], kind: { group: "", version: "v1", kind: "Binding" } },
      { name: "ephemeralcontainers", verbs: ["get", "patch", "update"] },
      { name: "eviction", verbs: ["create"], kind: { group: "policy", version: "v1", kind: "Eviction" } },
      { name: "exec", verbs: ["create", "get"], kind: { group: "", version: "v1", kind: "PodExecOptions" } },
      { name: "log", verbs: ["get"] },
      {
        name: "portforward",
        verbs: ["create", "get"],
        kind: { group: "", version: "v1", kind: "PodPortForwardOptions" },
      },
      status,
    ],
  }),
  def("", "v1", "replicationcontrollers", "ReplicationController", {
    ...NS,
    shortNames: ["rc"],
    categories: ALL,
    subresources: [scale, status],
  }),
  def("", "v1", "resourcequotas", "ResourceQuota", { ...NS, shortNames: ["quota"], subresources: [status] }),
  def("", "v1", "secrets", "Secret", NS),
  def("", "v1", "serviceaccounts", "ServiceAccount", { ...NS, shortNames: ["sa"] }),
  def("", "v1", "services", "Service", {
    ...NS,
    shortNames: ["svc"],
    categories: ALL,
    subresources: [status],
  }),

  def("apps", "v1", "controllerrevisions", "ControllerRevision", NS),
  def("apps", "v1", "daemonsets", "DaemonSet", {
    ...NS,
    shortNames: ["ds"],
    categories: ALL,
    subresources: [status],
  }),
  def("apps", "v1", "deployments", "Deployment", {
    ...NS,
    shortNames: ["deploy"],
    categories: ALL,
    subresources: [scale, status],
  }),
  def("apps", "v1", "replicasets", "ReplicaSet", {
    ...NS,
    shortNames: ["rs"],
    categories: ALL,
    subresources: [scale, status],
  }),
  def("apps", "v1", "statefulsets", "StatefulSet", {
    ...NS,
    shortNames: ["sts"],
    categories: ALL,
    subresources: [scale, status],
  }),

  def("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", {
    ...CLUSTER,
    verbs: CREATE_ONLY,
  }),
  def("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", {
    ...CLUSTER,
    verbs: CREATE_ONLY,
  }),
  def("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", {
    ...CLUSTER,
    verbs: CREATE_ONLY,
  }),

  def("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", {
    ...NS,
    shortNames: ["hpa"],
    categories: ALL,
    subresources: [status],
  }),
  def("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", {
    ...NS,
    shortNames: ["hpa"],
    categories: ALL,
    subresources: [status],
    storage: { group: "autoscaling", resource: "horizontalpodautoscalers", version: "v2" },
    conversion: horizontalPodAutoscalerV1Conversion,
  }),

  def("batch", "v1", "cronjobs", "CronJob", {
    ...NS,
    shortNames: ["cj"],
    categories: ALL,
    subresources: [status],
  }),
  def("batch", "v1", "jobs", "Job", { ...NS, categories: ALL, subresources: [status] }),

  def("coordination.k8s.io", "v1", "leases", "Lease", NS),
  def("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", NS),
  def("events.k8s.io", "v1", "events", "Event", {
    ...NS,
    shortNames: ["ev"],
    storage: { group: "", resource: "events", version: "v1" },
    conversion: eventsV1Conversion,
  }),

  def("networking.k8s.io", "v1", "ingressclasses", "IngressClass", CLUSTER),
  def("networking.k8s.io", "v1", "ingresses", "Ingress", {
    ...NS,
    shortNames: ["ing"],
    subresources: [status],
  }),
  def("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", { ...NS, shortNames: ["netpol"] }),

  def("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", {
    ...NS,
    shortNames: ["pdb"],
    subresources: [status],
  }),

  def("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", CLUSTER),
  def("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", CLUSTER),
  def("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", NS),
  def("rbac.authorization.k8s.io", "v1", "roles", "Role", NS),

  def("storage.k8s.io", "v1", "storageclasses", "StorageClass", { ...CLUSTER, shortNames: ["sc"] }),

  def("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", { ...CLUSTER, verbs: READ_VERBS }),
  def("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", { ...NS, verbs: READ_VERBS }),
];
