import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Redis } from "ioredis";
import { createLogger } from "../../apps/api/src/platform/logger.ts";
import { createRedis } from "../../apps/api/src/platform/redis.ts";
import type { ReconcileKey } from "../../workers/src/runtime/reconcile-key.ts";
import { ReconcileQueue } from "../../workers/src/runtime/reconcile-queue.ts";
import {
  type Reconciler,
  type RunningReconcileWorker,
  startReconcileWorker,
  TerminalReconcileError,
} from "../../workers/src/runtime/reconcile-worker.ts";
import { createTestRedis, type TestRedis } from "../fixtures/redis.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (name: string, controller = "test"): ReconcileKey => ({
  clusterId: "c1",
  controller,
  namespace: "default",
  name,
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}

describe("reconcile queue (workqueue semantics on BullMQ)", () => {
  let redis: TestRedis;
  let producer: Redis;
  let workerConnection: Redis;
  let queue: ReconcileQueue;
  const workers: RunningReconcileWorker[] = [];
  const log = createLogger("silent");

  before(async () => {
    redis = createTestRedis();
    producer = createRedis(redis.url, "worker");
    workerConnection = createRedis(redis.url, "worker");
    queue = new ReconcileQueue(producer, redis.prefix);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queue.close();
    producer.disconnect();
    workerConnection.disconnect();
    await redis.cleanup();
  });

  const start = (reconcilers: Record<string, Reconciler>, concurrency = 8) => {
    const w = startReconcileWorker({
      connection: workerConnection,
      redisPrefix: redis.prefix,
      queue,
      reconcilers,
      log,
      concurrency: Object.fromEntries(Object.keys(reconcilers).map((name) => [name, concurrency])),
    });
    workers.push(w);
    return w;
  };

  test("keys waiting in the queue coalesce; one processing never overlaps another of the same key", async () => {
    const runs: string[] = [];
    let active = 0;
    let maxActive = 0;
    // Enqueue before any worker runs: 50 enqueues of one key become one job.
    for (let i = 0; i < 50; i++) await queue.enqueue(key("coalesce", "coalesce"));
    const w = start({
      coalesce: async (k) => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs.push(k.name);
        await sleep(30);
        active--;
        return undefined;
      },
    });
    await until(() => runs.length >= 1);
    await sleep(200);
    assert.equal(runs.length, 1);
    // While it runs, more enqueues: exactly one follow-up, never concurrent.
    const before = runs.length;
    await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(key("coalesce", "coalesce"))));
    await sleep(10);
    await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(key("coalesce", "coalesce"))));
    await until(() => runs.length >= before + 1);
    await sleep(300);
    assert.ok(runs.length - before <= 2, `ran ${runs.length - before} times`);
    assert.equal(maxActive, 1);
    await w.close();
    workers.pop();
  });

  test("no lost wake-up: a change during processing causes one more run after it", async () => {
    let runs = 0;
    let releaseFirst!: () => void;
    const firstRunning = new Promise<void>((resolve) => {
      start({
        wakeup: async () => {
          runs++;
          if (runs === 1) {
            resolve();
            await new Promise<void>((r) => {
              releaseFirst = r;
            });
          }
          return undefined;
        },
      });
    });
    await queue.enqueue(key("w", "wakeup"));
    await firstRunning;
    await queue.enqueue(key("w", "wakeup"));
    releaseFirst();
    await until(() => runs === 2);
    await sleep(200);
    assert.equal(runs, 2);
  });

  test("errors are retried with back-off until the reconcile converges; terminal errors are not", async () => {
    let attempts = 0;
    let terminal = 0;
    start({
      flaky: async () => {
        attempts++;
        if (attempts < 3) throw new Error("Conflict: the object has been modified");
        return undefined;
      },
      broken: async () => {
        terminal++;
        throw new TerminalReconcileError("cannot ever work");
      },
    });
    await queue.enqueue(key("f", "flaky"));
    await queue.enqueue(key("b", "broken"));
    await until(() => attempts === 3);
    await sleep(400);
    assert.equal(attempts, 3);
    assert.equal(terminal, 1);
  });

  test("timers fire after their delay; an immediate enqueue does not wait for them", async () => {
    const times: number[] = [];
    const t0 = Date.now();
    // The reconcile keeps asking for the timer it was given (its answer replaces any earlier timer).
    start({
      timed: async () => {
        times.push(Date.now() - t0);
        return times.length === 1 ? { requeueAfterMs: 400 - (Date.now() - t0) } : undefined;
      },
    });
    await queue.enqueueAfter(key("t", "timed"), 400);
    await queue.enqueue(key("t", "timed"));
    await until(() => times.length === 1);
    assert.ok(times[0]! < 300, `immediate run took ${times[0]} ms`);
    await until(() => times.length === 2, 3000);
    assert.ok(times[1]! >= 390, `timer fired after ${times[1]} ms`);
  });

  test("a reconcile that no longer asks for its timer cancels it: nothing stays scheduled", async () => {
    let runs = 0;
    start({
      settling: async () => {
        runs++;
        // First run: look again in 300 ms; second run (woken by a change): settled, no timer.
        return runs === 1 ? { requeueAfterMs: 300 } : undefined;
      },
    });
    await queue.enqueue(key("s", "settling"));
    await until(() => runs === 1);
    await sleep(50);
    await queue.enqueue(key("s", "settling"));
    await until(() => runs === 2);
    await sleep(600);
    assert.equal(runs, 2, "the cancelled timer did not fire");
    assert.equal(await queue.timers.getDelayedCount(), 0);
  });

  test("requeueAfterMs from a reconciler schedules the next run", async () => {
    let runs = 0;
    start({
      periodic: async () => {
        runs++;
        return runs < 3 ? { requeueAfterMs: 50 } : undefined;
      },
    });
    await queue.enqueue(key("p", "periodic"));
    await until(() => runs === 3, 3000);
    await sleep(300);
    assert.equal(runs, 3);
  });

  test("several workers share the queue without running one key twice at once", async () => {
    const active = new Map<string, number>();
    let overlap = 0;
    let total = 0;
    const reconciler: Reconciler = async (k) => {
      const n = (active.get(k.name) ?? 0) + 1;
      active.set(k.name, n);
      if (n > 1) overlap++;
      total++;
      await sleep(5);
      active.set(k.name, (active.get(k.name) ?? 1) - 1);
      return undefined;
    };
    start({ shared: reconciler }, 8);
    start({ shared: reconciler }, 8);
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => queue.enqueue(key(`k${i}`, "shared"))));
      await sleep(5);
    }
    await sleep(800);
    assert.equal(overlap, 0);
    assert.ok(total >= 10, `ran ${total}`);
  });

  test("a job whose worker was killed mid-reconcile is taken over by another worker", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        new URL("./fixtures/hanging-worker.ts", import.meta.url).pathname,
        redis.url,
        redis.prefix,
        "stall",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    await until(() => out.includes("ready"), 15_000);
    await queue.enqueue(key("s", "stall"));
    await until(() => out.includes("taken"), 10_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    let recovered = 0;
    const w = startReconcileWorker({
      connection: workerConnection,
      redisPrefix: redis.prefix,
      queue,
      log,
      lockDurationMs: 1000,
      reconcilers: { stall: async () => void recovered++ },
    });
    workers.push(w);
    await until(() => recovered === 1, 15_000);
  });
});
