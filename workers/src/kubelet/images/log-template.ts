import { createHash } from "node:crypto";

/**
 * Renders the placeholders of catalog log text. `%{ts:FORMAT}` is the line's wall-clock time in the
 * program's own format; the rest is the container's configuration; random-looking values (pids,
 * uuids, commit hashes) are derived from the instance seed so a restart shows new ones and a re-read
 * shows the same ones.
 *
 *   %{ts:nginx}  %{version}  %{env:NAME}  %{env:NAME|default}  %{hostname}  %{podIP}  %{port}
 *   %{hex:N}          N hex digits fixed for the image version (commit ids, build hashes)
 *   %{id:N}  %{uuid}  %{num:MIN-MAX}   fixed for the container instance (node ids, pids)
 */
export interface TemplateContext {
  /** `docker.io/library/nginx`: with the version, what build-specific values derive from. */
  image: string;
  version: string;
  env: Record<string, string>;
  hostname: string;
  podIP: string;
  port: number | undefined;
  startedAt: number;
  seed: string;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Sub-millisecond digits a real clock would show, stable for the instance and the moment. */
function micros(date: Date, seed: string): string {
  const hash = createHash("sha256").update(`${seed}@${date.getTime()}`).digest();
  return pad(hash.readUInt16BE(0) % 1000, 3);
}

function parts(date: Date) {
  return {
    y: date.getUTCFullYear(),
    mo: pad(date.getUTCMonth() + 1),
    d: pad(date.getUTCDate()),
    h: pad(date.getUTCHours()),
    mi: pad(date.getUTCMinutes()),
    s: pad(date.getUTCSeconds()),
    ms: pad(date.getUTCMilliseconds(), 3),
  };
}

type Formatter = (date: Date, seed: string) => string;

const TIME_FORMATS: Record<string, Formatter> = {
  /** nginx error log, Go's log package: 2024/05/20 10:00:00 */
  nginx: (t) => {
    const p = parts(t);
    return `${p.y}/${p.mo}/${p.d} ${p.h}:${p.mi}:${p.s}`;
  },
  /** 2024-05-20T10:00:00.123Z */
  iso: (t) => t.toISOString(),
  /** 2024-05-20T10:00:00Z */
  rfc3339: (t) => `${t.toISOString().slice(0, 19)}Z`,
  /** MongoDB: 2024-05-20T10:00:00.123+00:00 */
  mongo: (t) => `${t.toISOString().slice(0, 23)}+00:00`,
  /** PostgreSQL log_line_prefix: 2024-05-20 10:00:00.123 UTC */
  postgres: (t) => {
    const p = parts(t);
    return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}.${p.ms} UTC`;
  },
  /** 2024-05-20 10:00:00 (PostgreSQL's "shut down at", MariaDB's server log) */
  seconds: (t) => {
    const p = parts(t);
    return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
  },
  /** The MySQL/MariaDB entrypoint scripts (date --rfc-3339=seconds): 2024-05-20 10:00:00+00:00 */
  entrypoint: (t) => {
    const p = parts(t);
    return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}+00:00`;
  },
  /** mysqld: 2024-05-20T10:00:00.123456Z */
  micro: (t, seed) => `${t.toISOString().slice(0, 23)}${micros(t, seed)}Z`,
  /** Grafana: 2024-05-20T10:00:00.123456789Z */
  nano: (t, seed) => `${t.toISOString().slice(0, 23)}${micros(t, seed)}${micros(t, `${seed}n`)}Z`,
  /** Redis: 20 May 2024 10:00:00.123 */
  redis: (t) => {
    const p = parts(t);
    return `${p.d} ${MONTHS[t.getUTCMonth()]} ${p.y} ${p.h}:${p.mi}:${p.s}.${p.ms}`;
  },
  /** Apache httpd: Mon May 20 10:00:00.123456 2024 */
  httpd: (t, seed) => {
    const p = parts(t);
    return `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${p.d} ${p.h}:${p.mi}:${p.s}.${p.ms}${micros(t, seed)} ${p.y}`;
  },
  /** RabbitMQ: 2024-05-20 10:00:00.123456+00:00 */
  rabbitmq: (t, seed) => {
    const p = parts(t);
    return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}.${p.ms}${micros(t, seed)}+00:00`;
  },
};

function digest(seed: string, key: string): Buffer {
  return createHash("sha256").update(`${seed}#${key}`).digest();
}

function hexOf(seed: string, key: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += digest(seed, `${key}/${i}`).toString("hex");
  return out.slice(0, length);
}

function uuidOf(seed: string): string {
  const h = hexOf(seed, "uuid", 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function numberIn(seed: string, range: string): string {
  const [min = 0, max = min] = range.split("-").map(Number);
  const span = max - min + 1;
  const value = Number(digest(seed, `num:${range}`).readBigUInt64BE(0) % BigInt(Math.max(1, span)));
  return String(min + value);
}

const PLACEHOLDER = /%\{([a-zA-Z]+)(?::([^}]*))?\}/g;

/** The line text with every placeholder filled for a line written `atMs` after the start. */
export function renderTemplate(text: string, ctx: TemplateContext, atMs: number): string {
  return text.replace(PLACEHOLDER, (whole, name: string, arg: string | undefined) => {
    switch (name) {
      case "ts": {
        const format = TIME_FORMATS[arg ?? "iso"];
        return format ? format(new Date(ctx.startedAt + atMs), ctx.seed) : whole;
      }
      case "version":
        return ctx.version;
      case "env": {
        const [variable = "", fallback = ""] = (arg ?? "").split("|");
        return ctx.env[variable] || fallback;
      }
      case "hostname":
        return ctx.hostname;
      case "podIP":
        return ctx.podIP;
      case "port":
        return ctx.port === undefined ? "" : String(ctx.port);
      case "hex":
        return hexOf(`${ctx.image}@${ctx.version}`, `hex:${arg}`, Number.parseInt(arg ?? "40", 10));
      case "id":
        return hexOf(ctx.seed, `id:${arg}`, Number.parseInt(arg ?? "20", 10));
      case "uuid":
        return uuidOf(ctx.seed);
      case "num":
        return numberIn(ctx.seed, arg ?? "0");
      default:
        return whole;
    }
  });
}
