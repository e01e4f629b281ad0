/** What a /api or /apis path names (upstream: apiserver's RequestInfoFactory). */
export interface ResourcePath {
  group: string;
  version: string;
  /** Namespace from the path; undefined for cluster-scoped or all-namespace requests. */
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
}

/**
 * Parses `/api/v1/...` and `/apis/<group>/<version>/...` below the cluster prefix. Returns
 * undefined for paths that name no resource (discovery paths are routed before this).
 */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const parts = path.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  rest = rest.map((p) => decodeURIComponent(p));
  // /namespaces/<ns>/<resource>/... names a namespaced resource; /namespaces and /namespaces/<ns>
  // (and its subresources status, finalize) name the namespace object itself.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const [, namespace, resource, name, subresource] = rest;
    return { group, version, namespace, resource: resource!, name, subresource };
  }
  const [resource, name, subresource] = rest;
  if (rest.length > 3) return undefined;
  return { group, version, resource: resource!, name, subresource };
}
