import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openApiDocument } from "./documents.ts";
import { openApiDocumentResponse, openApiIndexResponse } from "./responses.ts";

// Behaviour of kube-openapi pkg/handler3/handler.go (HandleDiscovery, HandleGroupVersion).
describe("openApiDocumentResponse", () => {
  const current = openApiDocument("apis/apps/v1")!;
  const now = new Date("2025-03-01T12:00:00Z");

  test("with the current hash: immutable for a year", () => {
    const response = openApiDocumentResponse("apis/apps/v1", { hash: current.hash }, now);
    assert.equal(response.status, 200);
    assert.equal(response.body, current.body);
    assert.equal(response.headers["Content-Type"], "application/json");
    assert.equal(response.headers["Etag"], `"${current.hash}"`);
    assert.equal(response.headers["Cache-Control"], "public, immutable");
    assert.equal(response.headers["Expires"], "Sun, 01 Mar 2026 12:00:00 GMT");
  });

  test("without a hash: no caching headers", () => {
    const response = openApiDocumentResponse("apis/apps/v1", {}, now);
    assert.equal(response.status, 200);
    assert.equal(response.headers["Cache-Control"], undefined);
  });

  test("a stale hash is redirected to the current URL under the cluster's prefix", () => {
    const response = openApiDocumentResponse("apis/apps/v1", { hash: "ABC", pathPrefix: "/k8s/c1" }, now);
    assert.equal(response.status, 301);
    assert.equal(response.headers["Location"], `/k8s/c1/openapi/v3/apis/apps/v1?hash=${current.hash}`);
  });

  test("If-None-Match with the ETag answers 304", () => {
    const response = openApiDocumentResponse("apis/apps/v1", { ifNoneMatch: `"${current.hash}"` }, now);
    assert.equal(response.status, 304);
    assert.equal(response.body, "");
  });

  test("an unknown group-version is 404", () => {
    assert.equal(openApiDocumentResponse("apis/nope/v1").status, 404);
  });
});

describe("openApiIndexResponse", () => {
  test("serves the index with an ETag and honours If-None-Match", () => {
    const response = openApiIndexResponse();
    assert.equal(response.status, 200);
    const body = JSON.parse(response.body) as { paths: Record<string, { serverRelativeURL: string }> };
    assert.equal(
      body.paths["api/v1"]?.serverRelativeURL,
      `/openapi/v3/api/v1?hash=${openApiDocument("api/v1")!.hash}`,
    );
    const etag = response.headers["Etag"]!;
    assert.match(etag, /^"[0-9A-F]{128}"$/);
    assert.equal(openApiIndexResponse({ ifNoneMatch: etag }).status, 304);
  });
});
