/**
 * The OpenAPI v3 documents kubectl downloads: the index at `/openapi/v3` and one document per
 * group-version. Each document is built once per process, on first request, and addressed by the
 * SHA-512 of its bytes, like kube-openapi's handler3 (upper-case hex, `?hash=` in serverRelativeURL).
 */
import { createHash } from "node:crypto";
import { type PathItem, resourcePaths } from "./paths.ts";
import { definitionClosure } from "./schema-store.ts";
import { groupVersionPath, SERVED_RESOURCES } from "./served-resources.ts";

/** A serialized document and the hash that names it. */
export interface OpenApiDocument {
  body: string;
  hash: string;
}

/** Body of `GET /openapi/v3`. */
export interface OpenApiIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

let documents: Map<string, OpenApiDocument> | undefined;

/** kube-openapi handler3 computeETag: `fmt.Sprintf("%X", sha512.Sum512(data))`. */
function computeHash(body: string): string {
  return createHash("sha512").update(body).digest("hex").toUpperCase();
}

function buildDocument(group: string, version: string): OpenApiDocument {
  const paths: Record<string, PathItem> = {};
  for (const resource of SERVED_RESOURCES) {
    if (resource.group === group && resource.version === version)
      Object.assign(paths, resourcePaths(resource));
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1)));
  const referenced = new Set(
    [...JSON.stringify(sortedPaths).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!),
  );
  const document = {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths: sortedPaths,
    components: { schemas: definitionClosure(referenced) },
  };
  const body = JSON.stringify(document);
  return { body, hash: computeHash(body) };
}

function allDocuments(): Map<string, OpenApiDocument> {
  if (!documents) {
    documents = new Map();
    for (const resource of SERVED_RESOURCES) {
      const key = groupVersionPath(resource.group, resource.version);
      if (!documents.has(key)) documents.set(key, buildDocument(resource.group, resource.version));
    }
  }
  return documents;
}

/** `/openapi/v3/<gvPath>?hash=<hash>`, the URL kubectl fetches (after prefixing its server path). */
export function serverRelativeUrl(gvPath: string, hash: string): string {
  return `/openapi/v3/${gvPath}?hash=${hash}`;
}

/** The index kubectl reads first: every group-version with the hash-addressed URL of its document. */
export function openApiIndex(): OpenApiIndex {
  const paths: OpenApiIndex["paths"] = {};
  for (const [gvPath, document] of allDocuments()) {
    paths[gvPath] = { serverRelativeURL: serverRelativeUrl(gvPath, document.hash) };
  }
  return { paths };
}

/** The document of `api/v1` or `apis/<group>/<version>`, or undefined for a group-version not served. */
export function openApiDocument(gvPath: string): OpenApiDocument | undefined {
  return allDocuments().get(gvPath);
}
