import assert from "node:assert/strict";
import { Agent } from "node:https";
import { after, before, describe, test } from "node:test";
import {
  ADD,
  CoreV1Api,
  DELETE,
  ERROR,
  KubeConfig,
  ListWatch,
  UPDATE,
  type V1ConfigMap,
  Watch,
} from "@kubernetes/client-node";
import type { KubeObject } from "../../apps/api/src/kube/object/types.ts";
import { type ApiServer, startApiServer } from "../../apps/api/src/server.ts";
import { loadOrCreateCa } from "../../apps/api/src/tls/server-tls.ts";
import { createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";
import { httpsRequest } from "../fixtures/server-process.ts";
import { createReadyClusters } from "./direct-clusters.ts";

const NS = "informed";
const CHANGES = 2_000;
const WRITERS = 4;

/** A client-go style Watch that also keeps every raw event, so duplicates cannot hide in the cache. */
class RecordingWatch extends Watch {
  readonly events: { type: string; namespace: string; name: string; rv: number }[] = [];

  override watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: V1ConfigMap, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      query,
      (phase, obj: V1ConfigMap, raw) => {
        this.events.push({
          type: phase,
          namespace: obj.metadata?.namespace ?? "",
          name: obj.metadata?.name ?? "",
          rv: Number(obj.metadata?.resourceVersion),
        });
        callback(phase, obj, raw);
      },
      done,
    );
  }
}

describe("an informer (client-node ListWatch) under concurrent writers", () => {
  let t: TestRuntime;
  let server: ApiServer;
  let core: CoreV1Api;
  let clusterId: string;
  let kc: KubeConfig;
  let clusterUrl: string;
  let token: string;
  let ca: string;
  const agent = new Agent({ keepAlive: true });

  before(async () => {
    t = await createTestRuntime({ env: { PORT: "0", HOST: "127.0.0.1" } });
    server = await startApiServer(t.runtime);
    ca = (await loadOrCreateCa(t.runtime.db.orm)).certPem;
    const made = await createReadyClusters(t.runtime, 1);
    clusterId = made.clusterIds[0]!;
    token = made.token;
    clusterUrl = `https://127.0.0.1:${server.port}/k8s/${clusterId}`;
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: "sandbox",
          server: clusterUrl,
          caData: Buffer.from(ca).toString("base64"),
        },
      ],
      users: [{ name: "me", token: made.token }],
      contexts: [{ name: "sandbox", cluster: "sandbox", user: "me" }],
      currentContext: "sandbox",
    });
    core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    agent.destroy();
    await server?.close();
    await t?.close();
  });

  test(`sees ${CHANGES} changes from ${WRITERS} writers exactly once, in order, and ends equal to a fresh list`, async () => {
    const watch = new RecordingWatch(kc);
    // What makeInformer builds (informer.js), with the recording Watch in place of a plain one.
    const informer = new ListWatch<V1ConfigMap>(
      `/api/v1/namespaces/${NS}/configmaps`,
      watch,
      () => core.listNamespacedConfigMap({ namespace: NS }),
      false,
    );
    const seen = { [ADD]: 0, [UPDATE]: 0, [DELETE]: 0 };
    const errors: unknown[] = [];
    informer.on(ADD, () => seen[ADD]++);
    informer.on(UPDATE, () => seen[UPDATE]++);
    informer.on(DELETE, () => seen[DELETE]++);
    informer.on(ERROR, (err) => errors.push(err));
    await informer.start();
    const from = Number(informer.latestResourceVersion());
    assert.ok(from > 0);

    // Each writer cycles its own names through create → update → update → delete, half of them
    // through the store (as controllers write), half through the HTTP API (as kubectl does); a
    // fifth writes in another namespace, which the informer must not see.
    const perWriter = CHANGES / WRITERS;
    const writeThroughStore = async (writer: number) => {
      for (let i = 0; i < perWriter; i++) {
        const name = `s${writer}-${(i >> 2) % 20}`;
        const ref = { group: "", resource: "configmaps", namespace: NS, name };
        await t.runtime.store.transact(clusterId, async (tx) => {
          const current = await tx.get(ref);
          if (i % 4 === 0) await tx.create(ref, configMap(name, NS, { step: "0" }));
          else if (i % 4 === 3) await tx.delete(ref);
          else await tx.update(ref, { ...current!, data: { step: String(i % 4) } });
        });
      }
    };
    const writeThroughApi = async (writer: number) => {
      const base = `${clusterUrl}/api/v1/namespaces/${NS}/configmaps`;
      const ok = async (method: string, url: string, body?: unknown) => {
        const res = await httpsRequest(url, { method, token, ca, agent, ...(body ? { body } : {}) });
        assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${res.text}`);
        return res.json();
      };
      for (let i = 0; i < perWriter; i++) {
        const name = `h${writer}-${(i >> 2) % 20}`;
        if (i % 4 === 0) await ok("POST", base, configMap(name, NS, { step: "0" }));
        else if (i % 4 === 3) await ok("DELETE", `${base}/${name}`);
        else {
          const current = await ok("GET", `${base}/${name}`);
          await ok("PUT", `${base}/${name}`, { ...current, data: { step: String(i % 4) } });
        }
      }
    };
    const noise = async () => {
      for (let i = 0; i < 100; i++) {
        const ref = { group: "", resource: "configmaps", namespace: "default", name: `noise-${i}` };
        await t.runtime.store.transact(clusterId, (tx) => tx.create(ref, configMap(ref.name, "default")));
      }
    };
    await Promise.all([
      writeThroughStore(0),
      writeThroughStore(1),
      writeThroughApi(2),
      writeThroughApi(3),
      noise(),
    ]);

    const log = (await t.runtime.store.changesSince(clusterId, from, 100_000)).filter(
      (c) => c.resource === "configmaps" && c.namespace === NS,
    );
    assert.equal(log.length, CHANGES);
    const deadline = Date.now() + 20_000;
    while (watch.events.length < CHANGES && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1_200)); // a counter check's worth, for late duplicates

    const events = watch.events.filter((e) => e.type !== "BOOKMARK");
    assert.deepEqual(errors, []);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.namespace}/${e.name} ${e.rv}`),
      log.map((c) => `${c.type} ${c.namespace}/${c.name} ${c.rv}`),
      "the watch delivered the change log after the list, exactly",
    );
    const lastRv = new Map<string, number>();
    for (const e of events) {
      assert.ok(e.rv > (lastRv.get(e.name) ?? from), `${e.name}: ${e.rv} after ${lastRv.get(e.name)}`);
      lastRv.set(e.name, e.rv);
    }
    const count = (type: string) => log.filter((c) => c.type === type).length;
    assert.deepEqual(seen, {
      [ADD]: count("ADDED"),
      [UPDATE]: count("MODIFIED"),
      [DELETE]: count("DELETED"),
    });
    assert.deepEqual(seen, { [ADD]: 500, [UPDATE]: 1000, [DELETE]: 500 });

    const fresh = await core.listNamespacedConfigMap({ namespace: NS });
    const summary = (items: readonly V1ConfigMap[]) =>
      items.map((o) => `${o.metadata?.name} ${o.metadata?.resourceVersion} ${JSON.stringify(o.data)}`).sort();
    assert.deepEqual(summary(informer.list(NS)), summary(fresh.items));
    assert.equal(informer.latestResourceVersion(), String(log.at(-1)!.rv));
    await informer.stop();
  });
});

function configMap(
  name: string,
  namespace: string,
  data: Record<string, string> = {},
): KubeObject & V1ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}
