import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { call, createTestRuntime, type TestRuntime, waitForPhase } from "../fixtures/runtime.ts";

/**
 * Lists of resources kept as they are served come from the store's followed lists, and plain JSON
 * lists send the stored JSON bytes; these check that what a client gets is the same as object by
 * object, that every write shows, and that the exceptions still apply.
 */
describe("GET and LIST answered from the stored JSON", () => {
  let t: TestRuntime;
  let token: string;
  let api: string;
  let clusterId: string;

  before(async () => {
    t = await createTestRuntime({ workers: true, controllers: [] });
    token = (await call(t.app, "POST", "/v1/signup", { body: { email: "lists@example.com" } })).body.token;
    const id = (
      await call(t.app, "POST", "/v1/clusters", { token, body: { name: "lists", speed: "instant" } })
    ).body.id;
    await waitForPhase(t.app, token, id, "Ready");
    api = `/k8s/${id}`;
    clusterId = id;
    for (const name of ["a", "b", "c", "d", "e"]) {
      const res = await call(t.app, "POST", `${api}/api/v1/namespaces/default/configmaps`, {
        token,
        body: {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name, labels: { n: name } },
          data: { k: name },
        },
      });
      assert.equal(res.status, 201);
    }
    const secret = await call(t.app, "POST", `${api}/api/v1/namespaces/default/secrets`, {
      token,
      body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { password: "c2VjcmV0" } },
    });
    assert.equal(secret.status, 201);
  });
  after(() => t.close());

  const list = async (path: string) => {
    const res = await call(t.app, "GET", `${api}${path}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  test("items equal the objects a GET returns, with the list's kind, apiVersion and version", async () => {
    const listed = await list("/api/v1/namespaces/default/configmaps");
    assert.equal(listed.kind, "ConfigMapList");
    assert.equal(listed.apiVersion, "v1");
    assert.match(listed.metadata.resourceVersion, /^\d+$/);
    const names = listed.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(
      names,
      ["a", "b", "c", "d", "e", "kube-root-ca.crt"].filter((n) => names.includes(n)),
    );
    for (const item of listed.items) {
      assert.deepEqual(item, await list(`/api/v1/namespaces/default/configmaps/${item.metadata.name}`));
    }
  });

  test("an object stored without its kind and apiVersion is listed with them", async () => {
    const ref = { group: "", resource: "configmaps", namespace: "default", name: "bare" };
    await t.runtime.store.transact(clusterId, (tx) =>
      tx.create(ref, { metadata: { name: "bare" }, data: { k: "bare" } } as never),
    );
    const listed = await list("/api/v1/namespaces/default/configmaps");
    const bare = listed.items.find((i: { metadata: { name: string } }) => i.metadata.name === "bare");
    assert.equal(bare.kind, "ConfigMap");
    assert.equal(bare.apiVersion, "v1");
    assert.deepEqual(bare.data, { k: "bare" });
    assert.deepEqual(await list("/api/v1/namespaces/default/configmaps/bare"), bare, "a GET labels it too");
  });

  test("a Table list shows an object's latest version (parsed objects are shared only while unchanged)", async () => {
    const headers = { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" };
    const dataOf = async () => {
      const table = (
        await call(t.app, "GET", `${api}/api/v1/namespaces/default/configmaps`, { token, headers })
      ).body;
      const row = table.rows.find((r: { cells: unknown[] }) => r.cells[0] === "c");
      return row.cells[1];
    };
    assert.equal(await dataOf(), 1);
    assert.equal(await dataOf(), 1);
    const patched = await call(t.app, "PATCH", `${api}/api/v1/namespaces/default/configmaps/c`, {
      token,
      rawBody: JSON.stringify({ data: { more: "yes" } }),
      headers: { "content-type": "application/merge-patch+json" },
    });
    assert.equal(patched.status, 200);
    assert.equal(await dataOf(), 2);
  });

  test("pages with limit and continue, every page at the first page's version", async () => {
    const first = await list("/api/v1/namespaces/default/configmaps?limit=2");
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata.continue);
    const second = await list(
      `/api/v1/namespaces/default/configmaps?limit=2&continue=${first.metadata.continue}`,
    );
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
    assert.ok(second.items[0].metadata.name > first.items[1].metadata.name);
    const all = await list("/api/v1/namespaces/default/configmaps");
    let seen = [...first.items, ...second.items];
    let token = second.metadata.continue;
    while (token) {
      const page = await list(`/api/v1/namespaces/default/configmaps?limit=2&continue=${token}`);
      seen = seen.concat(page.items);
      token = page.metadata.continue;
    }
    assert.deepEqual(seen, all.items);
  });

  test("a label selector still filters", async () => {
    const listed = await list("/api/v1/namespaces/default/configmaps?labelSelector=n%20in%20(b,d)");
    assert.deepEqual(
      listed.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ["b", "d"],
    );
  });

  test("a field selector filters, and a namespace's list holds only its own objects", async () => {
    const created = await call(t.app, "POST", `${api}/api/v1/namespaces`, {
      token,
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "other" } },
    });
    assert.equal(created.status, 201);
    const other = await call(t.app, "POST", `${api}/api/v1/namespaces/other/configmaps`, {
      token,
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "other" } },
    });
    assert.equal(other.status, 201);
    const byName = await list("/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Da");
    assert.deepEqual(
      byName.items.map((i: { data: { k: string } }) => i.data.k),
      ["a"],
    );
    const everywhere = await list("/api/v1/configmaps?fieldSelector=metadata.name%3Da");
    assert.deepEqual(
      everywhere.items.map((i: { metadata: { namespace: string } }) => i.metadata.namespace),
      ["default", "other"],
    );
    const inOther = await list("/api/v1/namespaces/other/configmaps");
    assert.ok(
      inOther.items.every((i: { metadata: { namespace: string } }) => i.metadata.namespace === "other"),
    );
  });

  test("a list shows every write committed before it, deletions included", async () => {
    const before = await list("/api/v1/namespaces/default/configmaps");
    const deleted = await call(t.app, "DELETE", `${api}/api/v1/namespaces/default/configmaps/e`, { token });
    assert.equal(deleted.status, 200);
    const added = await call(t.app, "POST", `${api}/api/v1/namespaces/default/configmaps`, {
      token,
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "f" }, data: { k: "f" } },
    });
    assert.equal(added.status, 201);
    const after = await list("/api/v1/namespaces/default/configmaps");
    const names = (l: { items: { metadata: { name: string } }[] }) => l.items.map((i) => i.metadata.name);
    assert.ok(names(before).includes("e") && !names(before).includes("f"));
    assert.ok(!names(after).includes("e") && names(after).includes("f"));
    assert.ok(Number(after.metadata.resourceVersion) > Number(before.metadata.resourceVersion));
  });

  test("Secrets are listed with their data, not as sealed at rest", async () => {
    const listed = await list("/api/v1/namespaces/default/secrets");
    const secret = listed.items.find((s: { metadata: { name: string } }) => s.metadata.name === "s");
    assert.deepEqual(secret.data, { password: "c2VjcmV0" });
    assert.equal(secret.kind, "Secret");
    assert.deepEqual(await list("/api/v1/namespaces/default/secrets/s"), secret);
  });

  test("Nodes are listed with their simulated heartbeat of now, not the stored one", async () => {
    // Half an hour on, the computed heartbeat has ticked past the stored one (every 5 minutes).
    const later = Date.now() + 30 * 60_000;
    t.runtime.clock = { now: () => new Date(later) };
    try {
      const listed = await list("/api/v1/nodes");
      assert.ok(listed.items.length > 0);
      const single = await list(`/api/v1/nodes/${listed.items[0].metadata.name}`);
      for (const node of [...listed.items, single]) {
        const ready = node.status.conditions.find((c: { type: string }) => c.type === "Ready");
        assert.ok(Date.parse(ready.lastHeartbeatTime) > later - 5 * 60_000 - 1000, ready.lastHeartbeatTime);
      }
    } finally {
      t.runtime.clock = { now: () => new Date() };
    }
  });

  test("another version of a resource is converted, not served as stored", async () => {
    const created = await call(
      t.app,
      "POST",
      `${api}/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers`,
      {
        token,
        body: {
          apiVersion: "autoscaling/v2",
          kind: "HorizontalPodAutoscaler",
          metadata: { name: "h" },
          spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "x" }, maxReplicas: 3 },
        },
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const v1 = await list("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers");
    assert.equal(v1.apiVersion, "autoscaling/v1");
    assert.equal(v1.items[0].apiVersion, "autoscaling/v1");
    assert.deepEqual(
      v1.items[0],
      await list("/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/h"),
    );
  });
});
