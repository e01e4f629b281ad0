import { RESOURCES } from "../registry/resources.ts";

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

/** Upstream schema-name prefix of a group's Go package (`io.k8s.api.<package>.<version>.`). */
export function apiPackagePrefix(group: string, version: string): string {
  if (group === "metrics.k8s.io") return `io.k8s.metrics.pkg.apis.metrics.${version}.`;
  const pkg = group === "" ? "core" : group.replace(/\.k8s\.io$/, "").replace(/\.authorization$/, "");
  return `io.k8s.api.${pkg}.${version}.`;
}

const PUBLISHED: readonly PublishedSubresource[] = [
  "status",
  "scale",
  "ephemeralcontainers",
  "eviction",
  "binding",
];
const OPENAPI_VERBS: readonly ResourceVerb[] = [
  "get",
  "list",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
];

/** Every served resource, derived from the registry (the one table of what this API serves). */
export const SERVED_RESOURCES: readonly ServedResource[] = RESOURCES.map((r) => {
  const prefix = apiPackagePrefix(r.group, r.version);
  const verbs = OPENAPI_VERBS.filter((v) => r.verbs.includes(v));
  const subresources = r.subresources
    .map((s) => s.name)
    .filter((name): name is PublishedSubresource => (PUBLISHED as readonly string[]).includes(name));
  return {
    group: r.group,
    version: r.version,
    resource: r.resource,
    kind: r.kind,
    namespaced: r.namespaced,
    schema: prefix + r.kind,
    verbs,
    ...(verbs.includes("list") ? { listSchema: `${prefix}${r.kind}List` } : {}),
    ...(subresources.length > 0 ? { subresources } : {}),
  };
});

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
