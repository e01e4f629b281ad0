import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { containerProgram } from "./container-program.ts";
import type { ContainerInput, ContainerProgram } from "./program-types.ts";

/**
 * Golden tests: each case's program (exit, ports, readiness, stop behaviour and log) is rendered to
 * images/testdata/<case>.golden. Run with UPDATE_GOLDEN=1 to rewrite them after a deliberate change,
 * then read the diff.
 */

const GOLDEN_DIR = new URL("./images/testdata/", import.meta.url);
const MINUTE = 60_000;

interface Case {
  input: Partial<ContainerInput> & { image: string };
  untilMs?: number;
  limit?: number;
}

const CASES: Record<string, Case> = {
  nginx: { input: { image: "nginx" } },
  "nginx-run-directly": { input: { image: "nginx:1.14.2", command: ["nginx", "-g", "daemon off;"] } },
  "nginx-daemonizes": { input: { image: "nginx", command: ["nginx"] } },
  "nginx-alpine-exec-from-sh": {
    input: {
      image: "nginx:alpine",
      command: ["sh", "-c", "echo starting; sleep 2; exec nginx -g 'daemon off;'"],
    },
  },
  "postgres-no-password": { input: { image: "postgres:16" } },
  postgres: { input: { image: "postgres", env: { POSTGRES_PASSWORD: "secret", POSTGRES_DB: "shop" } } },
  "postgres-trust": { input: { image: "postgres:15-alpine", env: { POSTGRES_HOST_AUTH_METHOD: "trust" } } },
  "postgres-args": {
    input: { image: "postgres:14", args: ["-c", "max_connections=200"], env: { POSTGRES_PASSWORD: "x" } },
  },
  "mysql-no-password": { input: { image: "mysql:8.0" } },
  mysql: {
    input: {
      image: "mysql",
      env: { MYSQL_ROOT_PASSWORD: "root", MYSQL_DATABASE: "shop", MYSQL_USER: "app", MYSQL_PASSWORD: "pw" },
    },
  },
  "mariadb-no-password": { input: { image: "mariadb:11" } },
  mariadb: { input: { image: "mariadb:lts", env: { MARIADB_ROOT_PASSWORD: "root" } } },
  mongo: { input: { image: "mongo:7" } },
  "mongo-root-user": {
    input: {
      image: "mongo",
      env: { MONGO_INITDB_ROOT_USERNAME: "admin", MONGO_INITDB_ROOT_PASSWORD: "password" },
    },
  },
  "mongo-express": {
    input: {
      image: "mongo-express",
      env: {
        ME_CONFIG_MONGODB_ADMINUSERNAME: "admin",
        ME_CONFIG_MONGODB_ADMINPASSWORD: "password",
        ME_CONFIG_MONGODB_SERVER: "mongodb-service",
      },
      declaredPorts: [8081],
    },
  },
  "k8s-demo-app": {
    input: {
      image: "nanajanashia/k8s-demo-app:v1.0",
      env: { USER_NAME: "admin", USER_PWD: "pw", DB_URL: "mongo-service" },
    },
  },
  redis: { input: { image: "redis:7-alpine" } },
  httpd: { input: { image: "httpd:2.4" } },
  "rabbitmq-management": { input: { image: "rabbitmq:4-management" } },
  "traefik-args": {
    input: { image: "traefik:v3.2", args: ["--api.insecure=true", "--providers.kubernetesingress"] },
  },
  registry: { input: { image: "registry:2" } },
  memcached: { input: { image: "memcached:1.6-alpine" } },
  wordpress: {
    input: { image: "wordpress:6.7-apache", env: { WORDPRESS_DB_HOST: "mysql", WORDPRESS_DB_USER: "wp" } },
  },
  elasticsearch: { input: { image: "elasticsearch:8.16.1" } },
  "hello-world": { input: { image: "hello-world" } },
  "hello-app-port": { input: { image: "gcr.io/google-samples/hello-app:2.0", env: { PORT: "9090" } } },
  prometheus: { input: { image: "prom/prometheus" } },
  grafana: { input: { image: "grafana/grafana:11.4.0" } },
  busybox: { input: { image: "busybox" } },
  "busybox-counter": {
    input: {
      image: "busybox:1.28",
      args: ["/bin/sh", "-c", 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'],
    },
    untilMs: 10 * 24 * 60 * MINUTE,
    limit: 5,
  },
  "alpine-config-file": {
    input: {
      image: "alpine:3.20",
      command: ["sh", "-c", "cat /etc/config/app.properties; cat /etc/config/missing; echo mode=$APP_MODE"],
      files: { "/etc/config/app.properties": "greeting=hello\n" },
      env: { APP_MODE: "dev" },
    },
  },
  "ubuntu-bash": {
    input: { image: "ubuntu:22.04", command: ["bash", "-c", "echo -e 'a\\tb'; ech typo; exit 4"] },
  },
  "debian-sh-not-found": {
    input: { image: "debian:bookworm-slim", command: ["/bin/sh", "-c", "echo hi; kubectl get pods"] },
  },
  "python-http-server": {
    input: { image: "python:3.12-slim", command: ["python", "-m", "http.server", "9000"] },
  },
  python: { input: { image: "python:3" } },
  "perl-pi": {
    input: { image: "perl:5.34.0", command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] },
  },
  "node-entrypoint-handover": {
    input: { image: "node:20-alpine", args: ["sh", "-c", "echo node $NODE_VERSION"] },
  },
  "custom-image": { input: { image: "myuser/shop-api:1.2", declaredPorts: [8080, 9090] } },
  "custom-image-script": {
    input: { image: "ghcr.io/acme/api:1", command: ["sh", "-c", "echo migrating; sleep 3; ./server"] },
  },
  "start-error": { input: { image: "busybox", command: ["myapp", "--serve"] } },
  "start-error-path": { input: { image: "alpine", command: ["/app/run"] } },
  "bash-on-alpine": { input: { image: "alpine", command: ["bash", "-c", "echo hi"] } },
  "exec-env": { input: { image: "busybox", command: ["env"], env: { APP_MODE: "dev" } } },
  "sleep-forever": { input: { image: "busybox", command: ["sleep", "3600"] } },
  "trap-term": {
    input: {
      image: "busybox",
      command: ["sh", "-c", "trap 'echo bye; exit 0' TERM; echo waiting; sleep 3600 & wait"],
    },
  },
};

function programOf(input: Case["input"]): ContainerProgram {
  return containerProgram({
    env: {},
    files: {},
    hostname: "demo-7d4b9c-x2x5q",
    podIP: "10.244.1.17",
    seed: "4f1c2d9e-uid/main/0",
    startedAt: new Date("2025-03-14T09:26:53Z"),
    declaredPorts: [],
    ...input,
  });
}

function render(name: string, c: Case): string {
  const program = programOf(c.input);
  const untilMs = c.untilMs ?? 10 * MINUTE;
  const limit = c.limit ?? 80;
  const header = [
    `case: ${name}`,
    `input: ${JSON.stringify(c.input)}`,
    `exit: ${program.exit ? `${program.exit.code} at ${program.exit.atMs}ms` : "-"}`,
    `ports: ${program.ports.join(",") || "-"}  ready: ${program.readyAtMs}ms  stop: ${program.stopMs}`,
    ...(program.startError ? [`startError: ${program.startError}`] : []),
    `logs until ${untilMs}ms, last ${limit}:`,
  ];
  const lines = program
    .logs(untilMs, limit)
    .map(
      (line) =>
        `${String(line.atMs).padStart(12)} ${line.stream === "stderr" ? "err" : "out"} | ${line.text}`,
    );
  return `${[...header, ...lines].join("\n")}\n`;
}

describe("container programs (golden)", () => {
  const update = process.env["UPDATE_GOLDEN"] === "1";
  if (update) mkdirSync(GOLDEN_DIR, { recursive: true });
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const file = new URL(`${name}.golden`, GOLDEN_DIR);
      const actual = render(name, c);
      if (update || !existsSync(file)) writeFileSync(file, actual);
      assert.equal(actual, readFileSync(file, "utf8"));
    });
  }
});

describe("container programs", () => {
  it("postgres without a password prints the entrypoint's error and exits 1", () => {
    const program = programOf({ image: "postgres" });
    assert.equal(program.exit?.code, 1);
    assert.equal(program.ports.length, 0);
    assert.match(
      program.logs(MINUTE)[0]!.text,
      /^Error: Database is uninitialized and superuser password is not specified\.$/,
    );
    assert.equal(programOf({ image: "postgres", env: { POSTGRES_PASSWORD: "x" } }).exit, undefined);
  });

  it("nginx serves on 80 with its entrypoint and notice lines, timestamped from the start time", () => {
    const program = programOf({ image: "nginx:1.25" });
    assert.deepEqual(program.ports, [80]);
    assert.equal(program.exit, undefined);
    const texts = program.logs(MINUTE).map((line) => line.text);
    assert.ok(texts.includes("/docker-entrypoint.sh: Configuration complete; ready for start up"));
    assert.ok(texts.includes("2025/03/14 09:26:53 [notice] 1#1: nginx/1.25.5"));
    assert.ok(program.readyAtMs > 0 && program.readyAtMs < 200);
    assert.equal(typeof program.stopMs, "number");
  });

  it("mongo logs creating its root user only when asked to", () => {
    const withUser = programOf({
      image: "mongo",
      env: { MONGO_INITDB_ROOT_USERNAME: "root", MONGO_INITDB_ROOT_PASSWORD: "pw" },
    });
    const plain = programOf({ image: "mongo" });
    const createUser = (p: ContainerProgram) =>
      p.logs(MINUTE).some((line) => line.text.includes('"createUser":"root"'));
    assert.ok(createUser(withUser));
    assert.ok(!createUser(plain));
    assert.ok(withUser.readyAtMs > plain.readyAtMs);
    assert.deepEqual(withUser.ports, [27017]);
  });

  it("a plain busybox exits 0 at once (a Deployment of it crash-loops)", () => {
    const program = programOf({ image: "busybox" });
    assert.deepEqual(program.exit, { atMs: 0, code: 0 });
    assert.deepEqual(program.logs(MINUTE), []);
  });

  it("a missing executable is a start error with runc's message and exit code 128", () => {
    const program = programOf({ image: "busybox", command: ["myapp"] });
    assert.deepEqual(program.exit, { atMs: 0, code: 128 });
    assert.match(program.startError ?? "", /exec: "myapp": executable file not found in \$PATH: unknown$/);
  });

  it("restarts see new timestamps; re-reads see the same lines", () => {
    const first = programOf({ image: "redis" });
    const again = programOf({ image: "redis" });
    const later = programOf({
      image: "redis",
      startedAt: new Date("2025-03-14T09:30:00Z"),
      seed: "4f1c2d9e-uid/main/1",
    });
    assert.deepEqual(first.logs(MINUTE), again.logs(MINUTE));
    assert.notDeepEqual(first.logs(MINUTE), later.logs(MINUTE));
  });

  it("an endless loop a year later stays cheap", () => {
    const program = programOf({
      image: "busybox",
      command: ["sh", "-c", "while true; do echo $(date) or hi; sleep 5; done"],
    });
    const started = performance.now();
    const lines = program.logs(365 * 24 * 60 * MINUTE, 10);
    assert.ok(performance.now() - started < 200);
    assert.equal(lines.length, 10);
    assert.equal(lines[9]!.text, "Sat Mar 14 09:26:53 UTC 2026 or hi");
  });
});
