/**
 * HTTP answers for `GET /openapi/v2`, transport-free. Behaviour follows kube-openapi pkg/handler
 * (handler.go): content negotiation over JSON and the gnostic protobuf (kubectl asks only for the
 * latter), one ETag for both (the SHA-512 of the JSON: the response varies by Accept), 304 on a
 * matching If-None-Match, 406 when no offered type is acceptable, gzip when the client takes it
 * (the handler is wrapped in gziphandler; the protobuf shrinks from 1.3 MB to about 140 kB).
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { encodeGnosticDocument } from "./gnostic-v2-encoder.ts";
import { buildSwaggerDocument } from "./v2-document.ts";

/** The protobuf media type kube-openapi answers with (it also accepts the older `@v1.0` spelling). */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const OFFERED = [
  { subtype: "json", contentType: "application/json" },
  { subtype: "com.github.proto-openapi.spec.v2@v1.0+protobuf", contentType: OPENAPI_V2_PROTOBUF },
  { subtype: "com.github.proto-openapi.spec.v2.v1.0+protobuf", contentType: OPENAPI_V2_PROTOBUF },
] as const;

/** Status, headers and body to send as they are. */
export interface OpenApiV2Response {
  status: 200 | 304 | 406;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

interface Encoded {
  json: Buffer;
  protobuf: Buffer;
  etag: string;
  gzipped: { json: Buffer; protobuf: Buffer };
}

const cache = new Map<string, Encoded>();

function encoded(serverVersion: string): Encoded {
  let entry = cache.get(serverVersion);
  if (!entry) {
    const document = buildSwaggerDocument(serverVersion);
    const json = Buffer.from(JSON.stringify(document), "utf8");
    const protobuf = encodeGnosticDocument(document);
    entry = {
      json,
      protobuf,
      etag: createHash("sha512").update(json).digest("hex").toUpperCase(),
      gzipped: { json: gzipSync(json), protobuf: gzipSync(protobuf) },
    };
    cache.set(serverVersion, entry);
  }
  return entry;
}

interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
}

/** goautoneg.ParseAccept: clauses by quality, then by specificity (`*` last), keeping header order on ties. */
function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.split(";").map((p) => p.trim());
    const [type = "", subtype = "*"] = range.split("/");
    if (type === "") continue;
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number.parseFloat(qParam.slice(2));
    clauses.push({ type, subtype, q: Number.isNaN(q) ? 0 : q });
  }
  const specificity = (c: AcceptClause) => (c.type === "*" ? 0 : c.subtype === "*" ? 1 : 2);
  return clauses
    .map((clause, index) => ({ clause, index }))
    .sort(
      (a, b) => b.clause.q - a.clause.q || specificity(b.clause) - specificity(a.clause) || a.index - b.index,
    )
    .map(({ clause }) => clause);
}

/** Does an Accept-Encoding header take gzip (and not refuse it with q=0)? */
function takesGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? "").split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    return (coding === "gzip" || coding === "*") && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** `GET /openapi/v2` with the request's Accept, Accept-Encoding and If-None-Match headers. */
export function openApiV2Response(
  serverVersion: string,
  request: {
    accept?: string | undefined;
    acceptEncoding?: string | undefined;
    ifNoneMatch?: string | undefined;
  } = {},
): OpenApiV2Response {
  for (const clause of parseAccept(request.accept || "*/*")) {
    if (clause.q <= 0) continue;
    const offer = OFFERED.find(
      (o) =>
        (clause.type === "application" || clause.type === "*") &&
        (clause.subtype === o.subtype || clause.subtype === "*"),
    );
    if (!offer) continue;
    const entry = encoded(serverVersion);
    const headers: Record<string, string> = {
      "Content-Type": offer.contentType,
      Etag: `"${entry.etag}"`,
      Vary: "Accept",
    };
    const match = request.ifNoneMatch
      ?.split(",")
      .some((t) => t.trim() === `"${entry.etag}"` || t.trim() === "*");
    if (match) return { status: 304, headers, body: "" };
    const format = offer.subtype === "json" ? "json" : "protobuf";
    if (!takesGzip(request.acceptEncoding)) return { status: 200, headers, body: entry[format] };
    headers["Content-Encoding"] = "gzip";
    headers["Vary"] = "Accept, Accept-Encoding";
    return { status: 200, headers, body: entry.gzipped[format] };
  }
  return { status: 406, headers: { Vary: "Accept" }, body: "" };
}
