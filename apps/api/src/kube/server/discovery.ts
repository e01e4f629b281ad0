import { resourcesOf, servedGroups } from "../registry/registry.ts";
import type { ResourceDefinition } from "../registry/types.ts";

/** Media type of aggregated discovery (kubectl ≥ 1.26 asks for it first). */
export const AGGREGATED_DISCOVERY_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const AGGREGATED_DISCOVERY_V2BETA1 =
  "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

/** Which aggregated discovery version the Accept header asks for, if any. */
export function aggregatedDiscoveryVersion(accept: string | undefined): "v2" | "v2beta1" | undefined {
  if (!accept) return undefined;
  const wanted = accept.split(",").map((p) => p.trim().replace(/\s+/g, ""));
  if (wanted.some((p) => p.startsWith("application/json;g=apidiscovery.k8s.io;v=v2;"))) return "v2";
  if (wanted.some((p) => p.startsWith("application/json;g=apidiscovery.k8s.io;v=v2beta1;"))) return "v2beta1";
  return undefined;
}

export function aggregatedContentType(version: "v2" | "v2beta1"): string {
  return version === "v2" ? AGGREGATED_DISCOVERY_V2 : AGGREGATED_DISCOVERY_V2BETA1;
}

function responseKind(r: ResourceDefinition) {
  return { group: r.group, version: r.version, kind: r.kind };
}

function discoveryResource(r: ResourceDefinition) {
  return {
    resource: r.resource,
    responseKind: responseKind(r),
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: [...r.verbs],
    ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories.length ? { categories: [...r.categories] } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: s.kind ?? responseKind(r),
            verbs: [...s.verbs],
          })),
        }
      : {}),
  };
}

/** `/api` (legacy core group) or `/apis` as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(legacy: boolean, version: "v2" | "v2beta1") {
  const groups = servedGroups().filter((g) => (g.group === "") === legacy);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: resourcesOf(g.group, v).map(discoveryResource),
        freshness: "Current",
      })),
    })),
  };
}

/** Legacy `/api`: APIVersions. */
export function apiVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupEntry(group: string, versions: string[]) {
  return {
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
  };
}

/** Legacy `/apis`: APIGroupList. */
export function apiGroupList() {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: servedGroups()
      .filter((g) => g.group !== "")
      .map((g) => groupEntry(g.group, g.versions)),
  };
}

/** `/apis/<group>`: APIGroup, or undefined when not served. */
export function apiGroup(group: string) {
  const g = servedGroups().find((x) => x.group === group && group !== "");
  return g ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(g.group, g.versions) } : undefined;
}

/** `/api/v1`, `/apis/<group>/<version>`: APIResourceList, or undefined when not served. */
export function apiResourceList(group: string, version: string) {
  const resources = resourcesOf(group, version);
  if (resources.length === 0) return undefined;
  const entries: object[] = [];
  for (const r of resources) {
    entries.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories.length ? { categories: [...r.categories] } : {}),
    });
    for (const s of r.subresources) {
      entries.push({
        name: `${r.resource}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        ...(s.kind && s.kind.group !== group ? { group: s.kind.group, version: s.kind.version } : {}),
        kind: s.kind?.kind ?? r.kind,
        verbs: [...s.verbs],
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: entries,
  };
}
