import assert from "node:assert/strict";
import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from "node:http2";
import { after, before, describe, test } from "node:test";
import type { TestRuntime } from "../fixtures/runtime.ts";
import type { WatchEvent } from "../fixtures/watch-client.ts";
import { eventually } from "../lifecycle/helpers.ts";
import { type ServedWatches, serveWatches } from "./served-watches.ts";

/**
 * Watches over HTTP/2, as kubectl and client-go open them: several streams of one connection. The
 * server writes a watch's events on the bare stream (apps/api/src/kube/watch/streaming-response.ts).
 */
describe("watches over HTTP/2", () => {
  let served: ServedWatches;
  let t: TestRuntime;
  let clusterIds: string[];
  const sessions: ClientHttp2Session[] = [];

  before(async () => {
    served = await serveWatches(3);
    ({ t, clusterIds } = served);
  });
  after(async () => {
    for (const session of sessions) session.destroy();
    await served?.close();
  });

  const session = () => {
    const s = connect(`https://127.0.0.1:${served.server.port}`, { ca: served.ca });
    s.on("error", () => undefined);
    sessions.push(s);
    return s;
  };
  const create = (clusterId: string, name: string) =>
    t.runtime.store.transact(clusterId, (tx) =>
      tx.create(
        { group: "", resource: "configmaps", namespace: "default", name },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" } },
      ),
    );
  const subscribed = (clusterId: string, count: number, what: string) =>
    eventually(
      what,
      () => served.subscribers(clusterId),
      (n) => n === count,
    );

  interface Http2Watch {
    stream: ClientHttp2Stream;
    status: Promise<number>;
    events: WatchEvent[];
    waitFor(n: number): Promise<WatchEvent[]>;
    ended: Promise<void>;
  }
  /** A watch as a stream of `s`; the body is read unless `read` is false (then `stream.resume()`). */
  const watch = (s: ClientHttp2Session, clusterId: string, query: string, read = true): Http2Watch => {
    const stream = s.request({
      ":path": `/k8s/${clusterId}/api/v1/namespaces/default/configmaps?watch=true&${query}`,
      authorization: `Bearer ${served.token}`,
    });
    const events: WatchEvent[] = [];
    let buffer = "";
    let changed = () => {};
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      buffer += text;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        events.push(JSON.parse(buffer.slice(0, nl)) as WatchEvent);
        buffer = buffer.slice(nl + 1);
      }
      changed();
    });
    if (!read) stream.pause();
    return {
      stream,
      events,
      status: new Promise((resolve) => stream.once("response", (h) => resolve(Number(h[":status"])))),
      waitFor: (n) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${events.length} of ${n} events`)), 5000);
          changed = () => {
            if (events.length >= n) {
              clearTimeout(timer);
              resolve(events);
            }
          };
          changed();
        }),
      ended: new Promise((resolve, reject) => {
        stream.once("end", resolve);
        stream.once("error", reject);
      }),
    };
  };

  test("events arrive, the deadline ends the stream cleanly, and the connection serves on", async () => {
    const clusterId = clusterIds[0]!;
    const from = (await t.runtime.store.versions(clusterId))!.rv;
    const s = session();
    const w = watch(s, clusterId, `resourceVersion=${from}&timeoutSeconds=1`);
    assert.equal(await w.status, 200);
    await create(clusterId, "one");
    await w.waitFor(1);
    await w.ended;
    assert.equal(w.stream.rstCode, constants.NGHTTP2_NO_ERROR);
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED one"],
    );
    const get = s.request({
      ":path": `/k8s/${clusterId}/api/v1/namespaces/default/configmaps/one`,
      authorization: `Bearer ${served.token}`,
    });
    const [status] = await Promise.all([
      new Promise((resolve) => get.once("response", (h) => resolve(h[":status"]))),
      new Promise((resolve) => get.resume().once("end", resolve)),
    ]);
    assert.equal(status, 200);
  });

  test("a watch the client cancels is let go; the other watches of its connection go on", async () => {
    const [first, second] = [clusterIds[1]!, clusterIds[2]!];
    const s = session();
    const cancelled = watch(s, first, "resourceVersion=");
    const kept = watch(s, second, "resourceVersion=");
    assert.equal(await cancelled.status, 200);
    assert.equal(await kept.status, 200);
    await subscribed(first, 1, "the first watch is subscribed");
    cancelled.stream.close(constants.NGHTTP2_CANCEL);
    await subscribed(first, 0, "the server let go of the cancelled watch");
    const initial = kept.events.length;
    await create(second, "after-cancel");
    const events = await kept.waitFor(initial + 1);
    assert.equal(events.at(-1)?.object.metadata.name, "after-cancel");
    kept.stream.close(constants.NGHTTP2_CANCEL);
  });

  test("a client that stops reading is cut off with a 410 ERROR", async () => {
    const clusterId = clusterIds[0]!;
    const from = (await t.runtime.store.versions(clusterId))!.rv;
    const w = watch(session(), clusterId, `resourceVersion=${from}`, false);
    assert.equal(await w.status, 200);
    await subscribed(clusterId, 1, "the watch is subscribed");
    // Flow control stops the server's writes after the stream's window (64 KiB) and its own
    // buffer; then the watch's queue fills, and the watch is let go.
    const written = await served.writeUntilLetGo(clusterId);
    assert.equal(await served.subscribers(clusterId), 0, "the server let go of the watch");
    w.stream.resume();
    await w.ended;
    const last = w.events.at(-1)!;
    assert.equal(last.type, "ERROR");
    assert.equal(last.object.code, 410);
    const delivered = w.events.slice(0, -1);
    assert.ok(delivered.length < written, `${delivered.length} of ${written} delivered`);
    assert.deepEqual(
      delivered.map((e) => `${e.type} ${e.object.metadata.resourceVersion}`),
      delivered.map((_, i) => `ADDED ${from + 1 + i}`),
    );
  });
});
