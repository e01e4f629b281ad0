import assert from "node:assert/strict";
import { type ClientHttp2Stream, connect, constants, createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createCertificateAuthority, issueServingCertificate } from "../../tls/certificates.ts";
import { type ResponseSink, startStreamingResponse } from "./streaming-response.ts";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const ca = createCertificateAuthority();
const serving = issueServingCertificate(ca, ["127.0.0.1"]);
const started: { sink: ResponseSink; request: WeakRef<object>; response: WeakRef<object> }[] = [];
const server = createSecureServer(
  { cert: serving.certPem, key: serving.keyPem, allowHTTP1: true },
  (req, res) => {
    const sink = startStreamingResponse(res, { "Content-Type": "application/json" });
    sink.write(new TextEncoder().encode("first\n"));
    started.push({ sink, request: new WeakRef(req), response: new WeakRef(res) });
  },
);

before(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Opens a stream to the server on a fresh HTTP/2 session, runs `use`, then closes the session. */
async function withStream(use: (stream: ClientHttp2Stream) => Promise<void>): Promise<void> {
  const session = connect(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, { ca: ca.certPem });
  try {
    await use(session.request({ ":path": "/watch" }));
  } finally {
    session.close();
  }
}

test(
  "over HTTP/2 the body goes on the bare stream, and Node's compatibility objects are let go",
  {
    timeout: 10_000,
  },
  () =>
    withStream(async (stream) => {
      stream.setEncoding("utf8");
      let body = "";
      const head = await new Promise<Record<string, unknown>>((resolve) => stream.once("response", resolve));
      assert.equal(head[":status"], 200);
      assert.equal(head["content-type"], "application/json");
      const ended = new Promise<void>((resolve) => stream.once("end", resolve));
      stream.on("data", (text: string) => {
        body += text;
      });
      while (!body.includes("first\n")) await new Promise((r) => setTimeout(r, 10));

      const { sink, request, response } = started.at(-1)!;
      // Collection is lazy: give the handler's frames a turn to unwind first.
      await new Promise((r) => setImmediate(r));
      collectGarbage();
      assert.equal(request.deref(), undefined, "the compatibility request was collected");
      assert.equal(response.deref(), undefined, "the compatibility response was collected");

      assert.equal(sink.write(new TextEncoder().encode("second\n")), true);
      sink.end();
      await ended;
      assert.equal(body, "first\nsecond\n");
      assert.equal(stream.rstCode, constants.NGHTTP2_NO_ERROR);
    }),
);

test(
  "a client's reset reaches the stream's owner as close, not as a thrown error",
  {
    timeout: 10_000,
  },
  () =>
    withStream(async (stream) => {
      await new Promise((resolve) => stream.once("response", resolve));
      const { sink } = started.at(-1)!;
      const closed = new Promise((resolve) => sink.on("close", () => resolve(true)));
      // A reset other than CANCEL is an error on both ends; this end expects it.
      stream.on("error", () => undefined);
      stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      assert.equal(await closed, true);
    }),
);
