import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { OPENAPI_V2_PROTOBUF, openApiV2Response } from "./v2-responses.ts";

// kube-openapi pkg/handler/handler.go: JSON first among the offers, protobuf on request, 406 otherwise.
describe("openApiV2Response", () => {
  test("kubectl's Accept gets the protobuf document", () => {
    const res = openApiV2Response("v1.32.4", {
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers["Content-Type"], OPENAPI_V2_PROTOBUF);
    assert.ok(res.body instanceof Uint8Array && res.body.length > 100_000);
    // Document.swagger = "2.0": tag (1 << 3 | 2), length 3.
    assert.deepEqual([...res.body.subarray(0, 5)], [0x0a, 3, 0x32, 0x2e, 0x30]);
  });

  test("no Accept or */* gets JSON, with the same ETag", () => {
    const json = openApiV2Response("v1.32.4");
    const proto = openApiV2Response("v1.32.4", { accept: OPENAPI_V2_PROTOBUF });
    assert.equal(json.headers["Content-Type"], "application/json");
    assert.equal(JSON.parse(Buffer.from(json.body).toString("utf8")).swagger, "2.0");
    assert.equal(json.headers["Etag"], proto.headers["Etag"]);
    assert.equal(openApiV2Response("v1.32.4", { accept: "*/*" }).headers["Content-Type"], "application/json");
  });

  test("gzip when the client accepts it (kubectl sends Accept-Encoding: gzip)", () => {
    const accept = OPENAPI_V2_PROTOBUF;
    const plain = openApiV2Response("v1.32.4", { accept });
    const zipped = openApiV2Response("v1.32.4", { accept, acceptEncoding: "gzip" });
    assert.equal(zipped.headers["Content-Encoding"], "gzip");
    assert.ok(zipped.body.length < plain.body.length / 5);
    assert.deepEqual(gunzipSync(zipped.body), Buffer.from(plain.body));
    assert.equal(
      openApiV2Response("v1.32.4", { accept, acceptEncoding: "gzip;q=0" }).headers["Content-Encoding"],
      undefined,
    );
  });

  test("a matching If-None-Match is 304, an unacceptable type 406", () => {
    const etag = openApiV2Response("v1.32.4").headers["Etag"];
    assert.equal(openApiV2Response("v1.32.4", { ifNoneMatch: etag }).status, 304);
    assert.equal(openApiV2Response("v1.32.4", { accept: "text/html" }).status, 406);
  });
});
