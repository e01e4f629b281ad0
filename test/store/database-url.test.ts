import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { connect, connectionOf } from "../../db/client.ts";

describe("DATABASE_URL", () => {
  test("a host parameter that is a directory names a Unix socket, as libpq reads it", () => {
    assert.deepEqual(connectionOf("postgres://postgres@localhost:5432/sandcastle?host=/var/run/postgresql"), {
      url: "postgres://postgres@localhost:5432/sandcastle",
      host: "/var/run/postgresql",
    });
    assert.deepEqual(connectionOf("postgres://postgres@127.0.0.1:5432/sandcastle"), {
      url: "postgres://postgres@127.0.0.1:5432/sandcastle",
    });
    // Any other host parameter is left to the server (postgres.js passes it on).
    assert.deepEqual(connectionOf("postgres://u@h/db?application_name=x"), {
      url: "postgres://u@h/db?application_name=x",
    });
  });

  test("a connection through the socket reaches the server", {
    skip: !existsSync("/var/run/postgresql/.s.PGSQL.5432") && "no local Postgres socket",
  }, async () => {
    const sql = connect("postgres://postgres@localhost:5432/postgres?host=/var/run/postgresql", { max: 1 });
    try {
      const [row] = await sql<{ local: boolean }[]>`select inet_server_addr() is null as local`;
      assert.equal(row?.local, true, "no IP address: a Unix socket");
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
