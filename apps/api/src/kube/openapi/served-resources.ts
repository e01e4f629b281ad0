/**
 * The resources whose OpenAPI v3 paths and schemas this server publishes. Both the generator
 * (which schemas to keep) and the runtime documents (which paths to write) read this one table.
 */

/** Verbs a resource answers to, as in discovery; paths and operations follow from them. */
export type ResourceVerb = "get" | "list" | "create" | "update" | "patch" | "delete" | "deletecollection";

/** Subresources published as paths: status and ephemeralcontainers reuse the kind, scale uses autoscaling/v1 Scale. */
export type PublishedSubresource = "status" | "scale" | "ephemeralcontainers" | "eviction" | "binding";

/** One served resource of one group-version. */
export interface ServedResource {
  group: string;
  version: string;
  /** Plural resource name as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Upstream definition name of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  schema: string;
  /** Upstream definition name of the list kind; absent for create-only resources. */
  listSchema?: string;
  verbs: readonly ResourceVerb[];
  subresources?: readonly PublishedSubresource[];
}

const CRUD: readonly ResourceVerb[] = [
  "get",
  "list",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
];
const CREATE_ONLY: readonly ResourceVerb[] = ["create"];
const READ_ONLY: readonly ResourceVerb[] = ["get", "list"];

/** Upstream schema-name prefix of a group's Go package (`io.k8s.api.<package>.<version>.`). */
export function apiPackagePrefix(group: string, version: string): string {
  if (group === "metrics.k8s.io") return `io.k8s.metrics.pkg.apis.metrics.${version}.`;
  const pkg = group === "" ? "core" : group.replace(/\.k8s\.io$/, "").replace(/\.authorization$/, "");
  return `io.k8s.api.${pkg}.${version}.`;
}

function served(
  group: string,
  version: string,
  resource: string,
  kind: string,
  options: {
    namespaced: boolean;
    verbs?: readonly ResourceVerb[];
    subresources?: readonly PublishedSubresource[];
  },
): ServedResource {
  const verbs = options.verbs ?? CRUD;
  const prefix = apiPackagePrefix(group, version);
  const entry: ServedResource = {
    group,
    version,
    resource,
    kind,
    namespaced: options.namespaced,
    schema: prefix + kind,
    verbs,
  };
  if (verbs.includes("list")) entry.listSchema = `${prefix}${kind}List`;
  if (options.subresources) entry.subresources = options.subresources;
  return entry;
}

const NS = { namespaced: true } as const;
const CLUSTER = { namespaced: false } as const;

/** Every served resource; scopes follow upstream (`kubectl api-resources` on a 1.32 cluster). */
export const SERVED_RESOURCES: readonly ServedResource[] = [
  served("", "v1", "namespaces", "Namespace", { ...CLUSTER, subresources: ["status"] }),
  served("", "v1", "pods", "Pod", {
    ...NS,
    subresources: ["status", "ephemeralcontainers", "eviction", "binding"],
  }),
  served("", "v1", "services", "Service", { ...NS, subresources: ["status"] }),
  served("", "v1", "endpoints", "Endpoints", NS),
  served("", "v1", "configmaps", "ConfigMap", NS),
  served("", "v1", "secrets", "Secret", NS),
  served("", "v1", "serviceaccounts", "ServiceAccount", NS),
  served("", "v1", "events", "Event", NS),
  served("", "v1", "nodes", "Node", { ...CLUSTER, subresources: ["status"] }),
  served("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", { ...NS, subresources: ["status"] }),
  served("", "v1", "persistentvolumes", "PersistentVolume", { ...CLUSTER, subresources: ["status"] }),
  served("", "v1", "resourcequotas", "ResourceQuota", { ...NS, subresources: ["status"] }),
  served("", "v1", "limitranges", "LimitRange", NS),
  served("", "v1", "replicationcontrollers", "ReplicationController", {
    ...NS,
    subresources: ["status", "scale"],
  }),
  served("", "v1", "bindings", "Binding", { ...NS, verbs: CREATE_ONLY }),
  served("apps", "v1", "deployments", "Deployment", { ...NS, subresources: ["status", "scale"] }),
  served("apps", "v1", "replicasets", "ReplicaSet", { ...NS, subresources: ["status", "scale"] }),
  served("apps", "v1", "statefulsets", "StatefulSet", { ...NS, subresources: ["status", "scale"] }),
  served("apps", "v1", "daemonsets", "DaemonSet", { ...NS, subresources: ["status"] }),
  served("apps", "v1", "controllerrevisions", "ControllerRevision", NS),
  served("batch", "v1", "jobs", "Job", { ...NS, subresources: ["status"] }),
  served("batch", "v1", "cronjobs", "CronJob", { ...NS, subresources: ["status"] }),
  served("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", {
    ...NS,
    subresources: ["status"],
  }),
  served("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", {
    ...NS,
    subresources: ["status"],
  }),
  served("networking.k8s.io", "v1", "ingresses", "Ingress", { ...NS, subresources: ["status"] }),
  served("networking.k8s.io", "v1", "ingressclasses", "IngressClass", CLUSTER),
  served("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", NS),
  served("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", NS),
  served("events.k8s.io", "v1", "events", "Event", NS),
  served("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", { ...NS, subresources: ["status"] }),
  served("storage.k8s.io", "v1", "storageclasses", "StorageClass", CLUSTER),
  served("coordination.k8s.io", "v1", "leases", "Lease", NS),
  served("rbac.authorization.k8s.io", "v1", "roles", "Role", NS),
  served("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", NS),
  served("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", CLUSTER),
  served("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", CLUSTER),
  served("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", {
    ...CLUSTER,
    verbs: CREATE_ONLY,
  }),
  served("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", {
    ...CLUSTER,
    verbs: CREATE_ONLY,
  }),
  served("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", {
    ...CLUSTER,
    verbs: CREATE_ONLY,
  }),
  served("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", { ...NS, verbs: READ_ONLY }),
  served("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", { ...CLUSTER, verbs: READ_ONLY }),
];

/** Kinds of subresources whose body is not the parent kind (upstream `pods/eviction` etc.). */
export const SUBRESOURCE_KINDS: Readonly<
  Record<"scale" | "eviction" | "binding", { group: string; version: string; kind: string; schema: string }>
> = {
  scale: { group: "autoscaling", version: "v1", kind: "Scale", schema: "io.k8s.api.autoscaling.v1.Scale" },
  eviction: { group: "policy", version: "v1", kind: "Eviction", schema: "io.k8s.api.policy.v1.Eviction" },
  binding: { group: "", version: "v1", kind: "Binding", schema: "io.k8s.api.core.v1.Binding" },
};

/** `api/v1` or `apis/<group>/<version>`: the key of a group-version in `/openapi/v3`. */
export function groupVersionPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}
