import { fileURLToPath } from "node:url";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Database = PostgresJsDatabase<typeof schema>;
export type Sql = postgres.Sql;

/** A pool and the drizzle handle over it; close() ends the pool. */
export interface Db {
  sql: Sql;
  orm: Database;
  close(): Promise<void>;
}

/**
 * A DATABASE_URL as postgres.js takes it. A Unix socket is named as libpq names it, by a `host`
 * parameter that is a directory (`postgres://postgres@localhost/sandcastle?host=/var/run/postgresql`):
 * on one machine a socket round trip costs about half of one over TCP loopback.
 */
export function connectionOf(url: string): { url: string; host?: string } {
  const parsed = new URL(url);
  const host = parsed.searchParams.get("host");
  if (!host?.startsWith("/")) return { url };
  parsed.searchParams.delete("host");
  return { url: parsed.toString(), host };
}

/** postgres(url) for a DATABASE_URL, Unix sockets included (see connectionOf). */
export function connect(
  url: string,
  options: postgres.Options<Record<string, postgres.PostgresType>> = {},
): Sql {
  const connection = connectionOf(url);
  return postgres(connection.url, { ...options, ...(connection.host ? { host: connection.host } : {}) });
}

export function openDb(url: string, options: { max?: number } = {}): Db {
  const sql = connect(url, {
    max: options.max ?? 20,
    onnotice: () => {},
    // bigint columns come back as JS numbers: resourceVersions stay far below 2^53.
    types: {
      bigint: { to: 20, from: [20], serialize: (n: number) => String(n), parse: (s: string) => Number(s) },
    },
  });
  // Note: drizzle makes the pool's json/jsonb serializers pass-through (it serialises JSON itself),
  // so raw queries on this pool must pass JSON.stringify'd strings for jsonb parameters.
  const orm = drizzle(sql, { schema });
  return { sql, orm, close: () => sql.end({ timeout: 5 }) };
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!name) throw new Error(`DATABASE_URL names no database: ${url}`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = connect(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`;
    if (rows.length === 0) {
      await sql`create database ${sql(name)}`.catch((err: { code?: string }) => {
        // Another replica created it between our check and our create.
        if (err.code !== "42P04") throw err;
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const MIGRATIONS = fileURLToPath(new URL("./migrations", import.meta.url));
const MIGRATION_LOCK = 7_201_001;

/** Applies the committed drizzle-kit migrations; replicas starting together take turns. */
export async function migrateDb(url: string): Promise<void> {
  const sql = connect(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
