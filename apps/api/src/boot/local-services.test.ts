import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import postgres from "postgres";
import { loadConfig } from "../config.ts";
import { type LocalServices, NO_REDIS_MESSAGE, probeTcp, resolveLocalServices } from "./local-services.ts";

/** Pretends nothing runs on 5432/6379, so the embedded Postgres and the private Redis start. */
const nothingListens = async () => false;

async function selectOne(url: string): Promise<{ one: number; db: string; user: string }> {
  const sql = postgres(url, { max: 1 });
  try {
    const [row] = await sql<{ one: number; db: string; user: string }[]>`
      select 1 as one, current_database() as db, current_user as "user"`;
    return row!;
  } finally {
    await sql.end();
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe("resolveLocalServices, nothing configured and nothing listening", { timeout: 180_000 }, () => {
  let dataDir: string;
  let first: LocalServices;
  const lines: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "sandcastle-local-"));
    first = await resolveLocalServices(loadConfig({ DATA_DIR: dataDir }), (l) => lines.push(l), {
      probe: nothingListens,
    });
  });

  after(async () => {
    await first?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("starts an embedded postgres with a sandcastle database and a password", async () => {
    const url = new URL(first.databaseUrl);
    assert.equal(url.hostname, "127.0.0.1");
    assert.equal(url.username, "postgres");
    assert.equal(url.pathname, "/sandcastle");
    assert.ok(url.password.length >= 24);
    assert.deepEqual(await selectOne(first.databaseUrl), { one: 1, db: "sandcastle", user: "postgres" });
    // scram-sha-256, not trust: a wrong password is refused with invalid_password.
    const wrongPassword = new URL(first.databaseUrl);
    wrongPassword.password = "wrong";
    await assert.rejects(selectOne(wrongPassword.href), { code: "28P01" });
    assert.match(
      lines[0] ?? "",
      /^postgres: embedded at 127\.0\.0\.1:\d+ \(data .+\/postgres.*, initialised now\)$/,
    );
  });

  test("starts a private redis-server that keeps nothing on disk", async () => {
    assert.match(first.redisUrl, /^redis:\/\/127\.0\.0\.1:\d+\/0$/);
    assert.match(lines[1] ?? "", /^redis: private redis-server on 127\.0\.0\.1:\d+ \(dir .+\/redis\)$/);
    const redis = new Redis(first.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      assert.equal(await redis.ping(), "PONG");
      assert.deepEqual(await redis.config("GET", "save"), ["save", ""]);
      assert.deepEqual(await redis.config("GET", "appendonly"), ["appendonly", "no"]);
      assert.deepEqual(await redis.config("GET", "bind"), ["bind", "127.0.0.1"]);
    } finally {
      redis.disconnect();
    }
  });

  test("a second process on the same DATA_DIR adopts both and does not stop them", async () => {
    const seen: string[] = [];
    const second = await resolveLocalServices(loadConfig({ DATA_DIR: dataDir }), (l) => seen.push(l), {
      probe: nothingListens,
    });
    assert.equal(second.databaseUrl, first.databaseUrl);
    assert.equal(second.redisUrl, first.redisUrl);
    assert.match(seen[0] ?? "", /already running as pid \d+\)$/);
    assert.match(seen[1] ?? "", /already running as pid \d+\)$/);
    await second.stop();
    assert.equal((await selectOne(first.databaseUrl)).one, 1);
    assert.equal(await probeTcp("127.0.0.1", portOf(first.redisUrl)), true);
  });

  test("stop() stops both, is idempotent, and the cluster is reused (same password) next time", async () => {
    const password = new URL(first.databaseUrl).password;
    const pgPort = portOf(first.databaseUrl);
    const redisPort = portOf(first.redisUrl);
    await Promise.all([first.stop(), first.stop()]);
    await first.stop();
    assert.equal(await probeTcp("127.0.0.1", pgPort), false);
    assert.equal(await probeTcp("127.0.0.1", redisPort), false);

    const seen: string[] = [];
    first = await resolveLocalServices(loadConfig({ DATA_DIR: dataDir }), (l) => seen.push(l), {
      probe: nothingListens,
    });
    assert.doesNotMatch(seen[0] ?? "", /initialised now|already running/);
    assert.equal(new URL(first.databaseUrl).password, password);
    assert.equal((await selectOne(first.databaseUrl)).db, "sandcastle");
  });

  test("servers whose owning process died are adopted, and the adopter stops them", async () => {
    // What a SIGKILLed `npm start` leaves behind: servers still running, owner files naming a dead pid.
    const deadPid = "999999999";
    await writeFile(join(dataDir, "postgres.owner"), deadPid);
    await writeFile(join(dataDir, "redis", "private-redis.owner"), deadPid);
    const seen: string[] = [];
    const heir = await resolveLocalServices(loadConfig({ DATA_DIR: dataDir }), (l) => seen.push(l), {
      probe: nothingListens,
    });
    assert.equal(heir.databaseUrl, first.databaseUrl);
    assert.match(seen[0] ?? "", /already running as pid \d+, left by an earlier run: adopted\)$/);
    assert.match(seen[1] ?? "", /already running as pid \d+, left by an earlier run: adopted\)$/);
    await heir.stop();
    assert.equal(await probeTcp("127.0.0.1", portOf(first.databaseUrl)), false);
    assert.equal(await probeTcp("127.0.0.1", portOf(first.redisUrl)), false);
    await first.stop(); // its servers are already gone: must return, not hang
  });
});

describe("resolveLocalServices, explicit and standard-port servers", () => {
  test("explicit URLs win and nothing is started", async () => {
    const lines: string[] = [];
    const services = await resolveLocalServices(
      loadConfig({
        DATABASE_URL: "postgres://u:p@db.example:5432/x",
        REDIS_URL: "redis://cache.example:6379/2",
      }),
      (l) => lines.push(l),
      { probe: async () => assert.fail("must not probe when URLs are set") },
    );
    assert.equal(services.databaseUrl, "postgres://u:p@db.example:5432/x");
    assert.equal(services.redisUrl, "redis://cache.example:6379/2");
    assert.deepEqual(lines, ["postgres: DATABASE_URL", "redis: REDIS_URL"]);
    await services.stop();
  });

  test("servers answering on 5432 and 6379 are used with the default URLs", async () => {
    const probed: string[] = [];
    const lines: string[] = [];
    const services = await resolveLocalServices(loadConfig({}), (l) => lines.push(l), {
      probe: async (host, port) => {
        probed.push(`${host}:${port}`);
        return true;
      },
    });
    assert.deepEqual(probed.sort(), ["127.0.0.1:5432", "127.0.0.1:6379"]);
    assert.equal(services.databaseUrl, "postgres://postgres@127.0.0.1:5432/sandcastle");
    assert.equal(services.redisUrl, "redis://127.0.0.1:6379/0");
    assert.deepEqual(lines, [
      "postgres: local server on 127.0.0.1:5432 (database sandcastle)",
      "redis: local server on 127.0.0.1:6379",
    ]);
  });

  test("no Redis anywhere: the error says how to get one", async () => {
    const error = await resolveLocalServices(
      loadConfig({ DATABASE_URL: "postgres://x@127.0.0.1/y" }),
      () => {},
      { probe: nothingListens, searchPath: "/nonexistent" },
    ).then(
      () => assert.fail("expected an error"),
      (err: unknown) => err as Error,
    );
    assert.equal(error.message, NO_REDIS_MESSAGE);
    for (const hint of [
      "docker compose up -d redis",
      "apt-get install redis-server",
      "brew install redis",
      "REDIS_URL",
    ]) {
      assert.ok(error.message.includes(hint), hint);
    }
  });

  test("probeTcp tells a listening port from a closed one", async () => {
    const { createServer } = await import("node:net");
    const server = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    assert.equal(await probeTcp("127.0.0.1", port), true);
    await new Promise((r) => server.close(r));
    assert.equal(await probeTcp("127.0.0.1", port), false);
  });
});
