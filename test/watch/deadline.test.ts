import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createTestRuntime, type TestRuntime } from "../fixtures/runtime.ts";
import { openWatch } from "../fixtures/watch-client.ts";
import { createReadyClusters } from "./direct-clusters.ts";

describe("a watch's deadline (timeoutSeconds)", () => {
  let t: TestRuntime;
  let token: string;
  let clusterId: string;

  before(async () => {
    t = await createTestRuntime();
    ({
      token,
      clusterIds: [clusterId = ""],
    } = await createReadyClusters(t.runtime, 1));
  });
  after(() => t?.close());

  const create = (resource: string, kind: string, name: string) =>
    t.runtime.store.transact(clusterId, (tx) =>
      tx.create(
        { group: "", resource, namespace: "default", name },
        { apiVersion: "v1", kind, metadata: { name, namespace: "default" } },
      ),
    );

  test("with allowWatchBookmarks, ends with a BOOKMARK at the version the watch has reached", async () => {
    const from = (await t.runtime.store.versions(clusterId))!.rv;
    await create("configmaps", "ConfigMap", "one");
    // A change the watch does not show still moves it on: the client resumes after it.
    await create("secrets", "Secret", "other");
    const w = await openWatch(
      t.app,
      token,
      `/k8s/${clusterId}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    await w.ended;
    // Like kube-apiserver's bookmark before a watch's deadline (cacher's cacheWatcher.nextBookmarkTime).
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.resourceVersion}`),
      [`ADDED ConfigMap ${from + 1}`, `BOOKMARK ConfigMap ${from + 2}`],
    );
  });

  test("without allowWatchBookmarks, just ends", async () => {
    const from = (await t.runtime.store.versions(clusterId))!.rv;
    await create("configmaps", "ConfigMap", "two");
    const w = await openWatch(
      t.app,
      token,
      `/k8s/${clusterId}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${from}&timeoutSeconds=1`,
    );
    await w.ended;
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED two"],
    );
  });
});
