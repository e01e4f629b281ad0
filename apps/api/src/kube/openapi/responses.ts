/**
 * HTTP answers for `/openapi/v3` and `/openapi/v3/<gv>`, transport-free so any router can send them.
 * Behaviour follows kube-openapi pkg/handler3/handler.go: ETag on both; with `?hash=` the document is
 * immutable for a year, and a stale hash is redirected (301) to the current one.
 */
import { createHash } from "node:crypto";
import { openApiDocument, openApiIndex, serverRelativeUrl } from "./documents.ts";

/** Status, headers and body to send as they are. */
export interface OpenApiResponse {
  status: 200 | 301 | 304 | 404;
  headers: Record<string, string>;
  body: string;
}

/** What the handler needs from the request. */
export interface OpenApiRequest {
  /** The `hash` query parameter, if present. */
  hash?: string | undefined;
  /** The `If-None-Match` header, if present. */
  ifNoneMatch?: string | undefined;
  /** Path the cluster is served under (e.g. `/k8s/abc`), prepended to redirect locations. */
  pathPrefix?: string;
}

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function quoted(etag: string): string {
  return `"${etag}"`;
}

function notModified(request: OpenApiRequest, etag: string): boolean {
  const header = request.ifNoneMatch;
  if (header === undefined) return false;
  return header.trim() === "*" || header.split(",").some((candidate) => candidate.trim() === quoted(etag));
}

function answer(
  body: string,
  etag: string,
  request: OpenApiRequest,
  extra: Record<string, string>,
): OpenApiResponse {
  const headers = { "Content-Type": "application/json", Etag: quoted(etag), ...extra };
  if (notModified(request, etag)) return { status: 304, headers, body: "" };
  return { status: 200, headers, body };
}

/** `GET /openapi/v3`. */
export function openApiIndexResponse(request: OpenApiRequest = {}): OpenApiResponse {
  const body = JSON.stringify(openApiIndex());
  return answer(body, createHash("sha512").update(body).digest("hex").toUpperCase(), request, {});
}

/** `GET /openapi/v3/<gvPath>` with `gvPath` like `api/v1` or `apis/apps/v1`; `now` sets `Expires`. */
export function openApiDocumentResponse(
  gvPath: string,
  request: OpenApiRequest = {},
  now: Date = new Date(),
): OpenApiResponse {
  const document = openApiDocument(gvPath);
  if (!document) {
    return {
      status: 404,
      headers: { "Content-Type": "text/plain" },
      body: `no OpenAPI document for ${gvPath}`,
    };
  }
  const extra: Record<string, string> = { Vary: "Accept" };
  if (request.hash !== undefined && request.hash !== "") {
    if (request.hash !== document.hash) {
      const location = (request.pathPrefix ?? "") + serverRelativeUrl(gvPath, document.hash);
      return { status: 301, headers: { Location: location }, body: "" };
    }
    extra["Cache-Control"] = "public, immutable";
    extra["Expires"] = new Date(now.getTime() + ONE_YEAR_MS).toUTCString();
  }
  return answer(document.body, document.hash, request, extra);
}
