import assert from "node:assert/strict";
import { createServer, get, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { WatchOutbox } from "../../apps/api/src/kube/watch/watch-outbox.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const quiet = { cancelled: () => undefined };
const text = (chunk: Uint8Array | undefined) => new TextDecoder().decode(chunk);

describe("WatchOutbox", () => {
  test("hands everything queued meanwhile to the next read, in one chunk", async () => {
    const outbox = new WatchOutbox({ events: 10, bytes: 1024 }, quiet);
    const reader = outbox.toReadableStream().getReader();
    for (const event of ["a\n", "b\n", "c\n"]) assert.equal(outbox.push(bytes(event), true), true);
    assert.equal(text((await reader.read()).value), "a\nb\nc\n");
    // With a read waiting, the next event goes straight out.
    const next = reader.read();
    outbox.push(bytes("d\n"), true);
    assert.equal(text((await next).value), "d\n");
  });

  test("refuses the live event past the event limit; the initial burst does not count", () => {
    const outbox = new WatchOutbox({ events: 3, bytes: 1024 }, quiet);
    for (let i = 0; i < 50; i++) assert.equal(outbox.push(bytes("initial\n"), false), true);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => outbox.push(bytes("live\n"), true)),
      [true, true, true, false],
    );
  });

  test("refuses the live event past the byte limit", () => {
    const outbox = new WatchOutbox({ events: 1000, bytes: 100 }, quiet);
    assert.equal(outbox.push(new Uint8Array(60), true), true);
    assert.equal(outbox.push(new Uint8Array(60), true), false);
  });

  test("the limits count what is queued since the client last read", async () => {
    const outbox = new WatchOutbox({ events: 2, bytes: 1024 }, quiet);
    const reader = outbox.toReadableStream().getReader();
    outbox.push(bytes("1\n"), true);
    outbox.push(bytes("2\n"), true);
    assert.equal(outbox.push(bytes("3\n"), true), false);
    await reader.read();
    assert.equal(outbox.push(bytes("3\n"), true), true);
    assert.equal(outbox.push(bytes("4\n"), true), true);
    assert.equal(outbox.push(bytes("5\n"), true), false);
  });

  test("abandon drops what waits, sends the last word and ends", async () => {
    const outbox = new WatchOutbox({ events: 10, bytes: 1024 }, quiet);
    outbox.push(bytes("stale\n"), true);
    outbox.abandon(bytes("error\n"));
    outbox.push(bytes("later\n"), true);
    const reader = outbox.toReadableStream().getReader();
    assert.equal(text((await reader.read()).value), "error\n");
    assert.equal((await reader.read()).done, true);
  });

  test("close lets the client read what is queued first", async () => {
    const outbox = new WatchOutbox({ events: 10, bytes: 1024 }, quiet);
    outbox.push(bytes("last\n"), true);
    outbox.close();
    const reader = outbox.toReadableStream().getReader();
    assert.equal(text((await reader.read()).value), "last\n");
    assert.equal((await reader.read()).done, true);
  });

  test("abandon while a read waits: the read gets the last word, then the end", async () => {
    const outbox = new WatchOutbox({ events: 10, bytes: 1024 }, quiet);
    const reader = outbox.toReadableStream().getReader();
    const waiting = reader.read();
    await new Promise((r) => setImmediate(r));
    outbox.abandon(bytes("error\n"));
    assert.equal(text((await waiting).value), "error\n");
    assert.equal((await reader.read()).done, true);
  });

  test("a client going away cancels the watch", async () => {
    let cancelled = 0;
    const outbox = new WatchOutbox(
      { events: 10, bytes: 1024 },
      {
        cancelled() {
          cancelled++;
        },
      },
    );
    await outbox.toReadableStream().cancel();
    assert.equal(cancelled, 1);
    assert.equal(outbox.push(bytes("x\n"), true), true, "pushing after cancel is a quiet no-op");
  });

  test("written straight into a Node response: the head at once, then events as they come, then the end", async () => {
    let cancelled = 0;
    let outbox: WatchOutbox | undefined;
    const server = createServer((_req, res) => {
      outbox = new WatchOutbox({ events: 10, bytes: 1024 }, { cancelled: () => cancelled++ });
      outbox.push(bytes("queued\n"), false);
      outbox.sendTo(res, { "Content-Type": "application/json" });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const response = await new Promise<IncomingMessage>((resolve) => get(url, resolve));
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers["content-type"], "application/json");
      const chunks: string[] = [];
      const ended = new Promise((r) => response.on("end", r));
      response.on("data", (d: Buffer) => chunks.push(d.toString()));
      await new Promise((r) => setTimeout(r, 20));
      outbox!.push(bytes("live\n"), true);
      await new Promise((r) => setTimeout(r, 20));
      outbox!.close();
      await ended;
      assert.equal(chunks.join(""), "queued\nlive\n");
      assert.equal(cancelled, 0, "a watch the server ended was not cancelled by the client");

      // A client that goes away cancels its watch.
      const second = await new Promise<IncomingMessage>((resolve) => get(url, resolve));
      second.destroy();
      for (let i = 0; i < 100 && cancelled === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(cancelled, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
