import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
} from "@kubernetes/client-node";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";

const MANIFESTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: web
data:
  mode: dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: web
  labels:
    app: app
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: app
  namespace: web
spec:
  selector:
    app: app
  ports:
  - port: 80
    targetPort: 80
`;

/** MANIFESTS as they stand after the apply tests: what the live objects match. */
const LIVE = MANIFESTS.replace("mode: dev", "mode: prod").replace("nginx:1.27", "nginx:1.28");

const SSA_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
  namespace: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ssa
  template:
    metadata:
      labels:
        app: ssa
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}

/**
 * The real kubectl 1.32 writing to a cluster: apply (client- and server-side), diff, dry runs,
 * label/annotate/patch/edit/replace/scale, delete with each propagation policy, auth; then
 * @kubernetes/client-node against the same API.
 */
describe("kubectl writes to a Sandcastle cluster as to kube-apiserver 1.32", () => {
  let k: KubectlSession;
  const get = async (args: string[]) => JSON.parse(await k.ok(["-n", "web", "get", ...args, "-o", "json"]));

  before(async () => {
    k = await openKubectlSession("kubectl-writes@example.com");
    await k.ok(["create", "namespace", "web"]);
  });
  after(() => k.close());

  describe("apply", () => {
    test("a multi-document file: created, then unchanged, then configured after an edit", async () => {
      const path = await k.file("app.yaml", MANIFESTS);
      assert.equal(
        await k.ok(["apply", "-f", path]),
        "configmap/app-config created\ndeployment.apps/app created\nservice/app created\n",
      );
      assert.equal(
        await k.ok(["apply", "-f", path]),
        "configmap/app-config unchanged\ndeployment.apps/app unchanged\nservice/app unchanged\n",
      );
      await writeFile(path, MANIFESTS.replace("mode: dev", "mode: prod"));
      assert.equal(
        await k.ok(["apply", "-f", path]),
        "configmap/app-config configured\ndeployment.apps/app unchanged\nservice/app unchanged\n",
      );
      const cm = await get(["configmap", "app-config"]);
      assert.deepEqual(cm.data, { mode: "prod" });
      assert.deepEqual(
        JSON.parse(cm.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]),
        {
          apiVersion: "v1",
          data: { mode: "prod" },
          kind: "ConfigMap",
          metadata: { annotations: {}, name: "app-config", namespace: "web" },
        },
      );
    });

    test("an edited container image: configured, generation 2", async () => {
      const path = await k.file("app-image.yaml", LIVE);
      assert.equal(
        await k.ok(["apply", "-f", path]),
        "configmap/app-config unchanged\ndeployment.apps/app configured\nservice/app unchanged\n",
      );
      const d = await get(["deployment", "app"]);
      assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.28");
      assert.equal(d.metadata.generation, 2);
    });

    test("--server-side: serverside-applied, owned by the kubectl Apply manager", async () => {
      const path = await k.file("ssa.yaml", SSA_MANIFEST);
      assert.equal(
        await k.ok(["apply", "--server-side", "-f", path]),
        "deployment.apps/ssa serverside-applied\n",
      );
      const d = await get(["deployment", "ssa", "--show-managed-fields"]);
      const apply = (d.metadata.managedFields as ManagedFieldsEntry[]).find((m) => m.operation === "Apply");
      assert.equal(apply?.manager, "kubectl");
      assert.deepEqual(Object.keys(apply?.fieldsV1["f:spec"] as object).sort(), [
        "f:replicas",
        "f:selector",
        "f:template",
      ]);
      // Applying the same configuration again changes nothing, not even the resourceVersion (read
      // once the rollout settled: the Deployment controller writes status until then).
      await k.ok(["rollout", "status", "deployment/ssa", "-n", "web", "--timeout=60s"]);
      const settled = await get(["deployment", "ssa"]);
      assert.equal(
        await k.ok(["apply", "--server-side", "-f", path]),
        "deployment.apps/ssa serverside-applied\n",
      );
      assert.equal(
        (await get(["deployment", "ssa"])).metadata.resourceVersion,
        settled.metadata.resourceVersion,
      );
    });

    test("--server-side after another manager changed a field: a conflict, then --force-conflicts wins", async () => {
      const path = await k.file("ssa.yaml", SSA_MANIFEST);
      assert.equal(
        await k.ok(["-n", "web", "scale", "deployment", "ssa", "--replicas=5"]),
        "deployment.apps/ssa scaled\n",
      );
      const res = await k.run(["apply", "--server-side", "-f", path]);
      assert.equal(res.code, 1);
      // apimachinery managedfields/internal/conflict.go: the scale write is an Update by "kubectl"
      // (the manager named after kubectl's user agent) on the scale subresource.
      assert.equal(
        lines(res.stderr)[0],
        'error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
      );
      assert.match(res.stderr, /re-run the apply\n {2}command with the `--force-conflicts` flag\./);
      assert.equal(await k.ok(["-n", "web", "get", "deploy", "ssa", "-o", "jsonpath={.spec.replicas}"]), "5");

      assert.equal(
        await k.ok(["apply", "--server-side", "--force-conflicts", "-f", path]),
        "deployment.apps/ssa serverside-applied\n",
      );
      const d = await get(["deployment", "ssa", "--show-managed-fields"]);
      assert.equal(d.spec.replicas, 2);
      const scaleEntry = (d.metadata.managedFields as ManagedFieldsEntry[]).find(
        (m) => m.subresource === "scale",
      );
      assert.equal(scaleEntry, undefined, "the scale manager lost its only field");
    });
  });

  describe("diff and server-side dry runs", () => {
    test("diff: exit 0 and no output when the live object matches", async () => {
      const path = await k.file("diff-same.yaml", LIVE);
      const res = await k.run(["diff", "-f", path]);
      assert.equal(res.stderr, "");
      assert.equal(res.stdout, "");
      assert.equal(res.code, 0);
    });

    test("diff: exit 1 with a unified diff of what would change, and nothing changed", async () => {
      const path = await k.file("diff-changed.yaml", LIVE.replace("mode: prod", "mode: stage"));
      const res = await k.run(["diff", "-f", path]);
      assert.equal(res.code, 1, res.stderr);
      const changed = lines(res.stdout).filter((l) => /^[-+] /.test(l));
      assert.deepEqual(changed, ["-  mode: prod", "+  mode: stage"]);
      assert.match(
        res.stdout,
        /^diff -u -N \S+\/v1\.ConfigMap\.web\.app-config \S+\/v1\.ConfigMap\.web\.app-config\n/,
      );
      assert.deepEqual((await get(["configmap", "app-config"])).data, { mode: "prod" });
    });

    test("diff of a deployment: the spec change and the generation the server would give it", async () => {
      const path = await k.file("diff-image.yaml", LIVE.replace("nginx:1.28", "nginx:1.29"));
      const res = await k.run(["diff", "-f", path]);
      assert.equal(res.code, 1, res.stderr);
      const changed = lines(res.stdout).filter((l) => /^[-+] /.test(l));
      assert.deepEqual(changed, [
        "-  generation: 2",
        "+  generation: 3",
        "-      - image: nginx:1.28",
        "+      - image: nginx:1.29",
      ]);
    });

    test("create --dry-run=server: the answer is printed, nothing is stored", async () => {
      assert.equal(
        await k.ok(["-n", "web", "create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server"]),
        "configmap/dry created (server dry run)\n",
      );
      const res = await k.run(["-n", "web", "get", "configmap", "dry"]);
      assert.equal(res.stderr, 'Error from server (NotFound): configmaps "dry" not found\n');
    });

    test("apply and delete --dry-run=server leave the live objects alone", async () => {
      const path = await k.file("dry.yaml", LIVE.replace("mode: prod", "mode: dry"));
      assert.equal(
        await k.ok(["apply", "-f", path, "--dry-run=server"]),
        "configmap/app-config configured (server dry run)\ndeployment.apps/app unchanged (server dry run)\n" +
          "service/app unchanged (server dry run)\n",
      );
      assert.deepEqual((await get(["configmap", "app-config"])).data, { mode: "prod" });
      assert.equal(
        await k.ok(["-n", "web", "delete", "configmap", "app-config", "--dry-run=server"]),
        'configmap "app-config" deleted (server dry run)\n',
      );
      assert.deepEqual((await get(["configmap", "app-config"])).data, { mode: "prod" });
    });
  });

  describe("label, annotate, patch, edit, replace, scale", () => {
    before(async () => {
      await k.ok(["-n", "web", "create", "configmap", "cfg", "--from-literal=a=1"]);
      await k.ok(["-n", "web", "create", "deployment", "api", "--image=nginx:1.27"]);
    });

    test("label: labeled, not labeled, --overwrite, removal", async () => {
      assert.equal(
        await k.ok(["-n", "web", "label", "configmap", "cfg", "tier=backend"]),
        "configmap/cfg labeled\n",
      );
      assert.equal(
        await k.ok(["-n", "web", "label", "configmap", "cfg", "tier=backend"]),
        "configmap/cfg not labeled\n",
      );
      const clash = await k.run(["-n", "web", "label", "configmap", "cfg", "tier=frontend"]);
      assert.equal(clash.code, 1);
      assert.equal(clash.stderr, "error: 'tier' already has a value (backend), and --overwrite is false\n");
      assert.equal(
        await k.ok(["-n", "web", "label", "configmap", "cfg", "tier=frontend", "--overwrite"]),
        "configmap/cfg labeled\n",
      );
      assert.deepEqual((await get(["configmap", "cfg"])).metadata.labels, { tier: "frontend" });
      assert.equal(
        await k.ok(["-n", "web", "label", "configmap", "cfg", "tier-"]),
        "configmap/cfg unlabeled\n",
      );
      assert.equal((await get(["configmap", "cfg"])).metadata.labels, undefined);
    });

    test("annotate: annotated, removal", async () => {
      assert.equal(
        await k.ok(["-n", "web", "annotate", "configmap", "cfg", "owner=team-a"]),
        "configmap/cfg annotated\n",
      );
      assert.deepEqual((await get(["configmap", "cfg"])).metadata.annotations, { owner: "team-a" });
      assert.equal(
        await k.ok(["-n", "web", "annotate", "configmap", "cfg", "owner-"]),
        "configmap/cfg annotated\n",
      );
      assert.equal((await get(["configmap", "cfg"])).metadata.annotations, undefined);
    });

    test("patch --type=strategic (the default): containers merge by name", async () => {
      const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}';
      assert.equal(
        await k.ok(["-n", "web", "patch", "deployment", "api", "-p", patch]),
        "deployment.apps/api patched\n",
      );
      await k.ok(["-n", "web", "rollout", "status", "deployment/api", "--timeout=60s"]);
      assert.equal(
        await k.ok(["-n", "web", "patch", "deployment", "api", "--type=strategic", "-p", patch]),
        "deployment.apps/api patched (no change)\n",
      );
      const d = await get(["deployment", "api"]);
      assert.deepEqual(
        d.spec.template.spec.containers.map((c: { name: string; image: string }) => [c.name, c.image]),
        [["nginx", "nginx:1.28"]],
      );
    });

    test("patch --type=merge", async () => {
      const patch = '{"metadata":{"labels":{"team":"a"}}}';
      assert.equal(
        await k.ok(["-n", "web", "patch", "deployment", "api", "--type=merge", "-p", patch]),
        "deployment.apps/api patched\n",
      );
      assert.equal(
        await k.ok(["-n", "web", "patch", "deployment", "api", "--type=merge", "-p", patch]),
        "deployment.apps/api patched (no change)\n",
      );
      assert.deepEqual((await get(["deployment", "api"])).metadata.labels, { app: "api", team: "a" });
    });

    test("patch --type=json", async () => {
      const patch = '[{"op":"replace","path":"/spec/replicas","value":2}]';
      assert.equal(
        await k.ok(["-n", "web", "patch", "deployment", "api", "--type=json", "-p", patch]),
        "deployment.apps/api patched\n",
      );
      // Once the controller settled the scale-up, the same patch changes nothing.
      await k.ok(["-n", "web", "rollout", "status", "deployment/api", "--timeout=60s"]);
      assert.equal(
        await k.ok(["-n", "web", "patch", "deployment", "api", "--type=json", "-p", patch]),
        "deployment.apps/api patched (no change)\n",
      );
      assert.equal(await k.ok(["-n", "web", "get", "deploy", "api", "-o", "jsonpath={.spec.replicas}"]), "2");
    });

    test("edit with KUBE_EDITOR: edited; an untouched buffer cancels", async () => {
      const editor = await k.file(
        "editor.sh",
        '#!/bin/sh\nsed -i "s/a: \\"1\\"/a: \\"edited\\"/" "$1"\n',
        0o755,
      );
      assert.equal(
        await k.ok(["-n", "web", "edit", "configmap", "cfg"], { env: { KUBE_EDITOR: editor } }),
        "configmap/cfg edited\n",
      );
      assert.deepEqual((await get(["configmap", "cfg"])).data, { a: "edited" });
      const untouched = await k.run(["-n", "web", "edit", "configmap", "cfg"], {
        env: { KUBE_EDITOR: "true" },
      });
      assert.equal(untouched.code, 0);
      assert.equal(untouched.stderr, "Edit cancelled, no changes made.\n");
    });

    test("replace -f, and a stale replace: Conflict", async () => {
      const read = await k.ok(["-n", "web", "get", "configmap", "cfg", "-o", "yaml"]);
      const fresh = await k.file("replace.yaml", read.replace("a: edited", "a: replaced"));
      const stale = await k.file("stale.yaml", read.replace("a: edited", "a: stale"));
      assert.equal(await k.ok(["replace", "-f", fresh]), "configmap/cfg replaced\n");
      assert.deepEqual((await get(["configmap", "cfg"])).data, { a: "replaced" });
      const res = await k.run(["replace", "-f", stale]);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        `Error from server (Conflict): error when replacing "${stale}": Operation cannot be fulfilled on ` +
          'configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again\n',
      );
      assert.deepEqual((await get(["configmap", "cfg"])).data, { a: "replaced" });
    });

    test("scale deployment --replicas=3", async () => {
      assert.equal(
        await k.ok(["-n", "web", "scale", "deployment", "api", "--replicas=3"]),
        "deployment.apps/api scaled\n",
      );
      assert.equal(await k.ok(["-n", "web", "get", "deploy", "api", "-o", "jsonpath={.spec.replicas}"]), "3");
    });
  });

  describe("delete", () => {
    test("delete: deleted, then NotFound", async () => {
      await k.ok(["-n", "web", "create", "configmap", "doomed"]);
      assert.equal(
        await k.ok(["-n", "web", "delete", "configmap", "doomed"]),
        'configmap "doomed" deleted\n',
      );
      const res = await k.run(["-n", "web", "get", "configmap", "doomed"]);
      assert.equal(res.stderr, 'Error from server (NotFound): configmaps "doomed" not found\n');
      const again = await k.run(["-n", "web", "delete", "configmap", "doomed"]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr, 'Error from server (NotFound): configmaps "doomed" not found\n');
    });

    for (const cascade of ["orphan", "background", "foreground"] as const) {
      test(`delete --cascade=${cascade}: what happens to a dependent`, async () => {
        const owner = `owner-${cascade}`;
        await k.ok(["-n", "web", "create", "deployment", owner, "--image=nginx"]);
        const uid = (await get(["deployment", owner])).metadata.uid;
        const dependent = [
          "apiVersion: v1",
          "kind: ConfigMap",
          "metadata:",
          `  name: dependent-${cascade}`,
          "  namespace: web",
          "  ownerReferences:",
          `  - {apiVersion: apps/v1, kind: Deployment, name: ${owner}, uid: ${uid}}`,
          "",
        ].join("\n");
        await k.ok(["create", "-f", "-"], { input: dependent });
        assert.equal(
          await k.ok(["-n", "web", "delete", "deployment", owner, `--cascade=${cascade}`]),
          `deployment.apps "${owner}" deleted\n`,
        );
        assert.equal((await k.run(["-n", "web", "get", "deployment", owner])).code, 1);
        if (cascade === "orphan") {
          const orphan = await get(["configmap", `dependent-${cascade}`]);
          assert.equal(orphan.metadata.ownerReferences, undefined);
        } else {
          // The garbage collector removes dependents (asynchronously on a real cluster).
          const deadline = Date.now() + 10_000;
          while ((await k.run(["-n", "web", "get", "configmap", `dependent-${cascade}`])).code === 0) {
            assert.ok(Date.now() < deadline, "the dependent was never deleted");
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      });
    }

    test("deleting a namespace removes what was in it", async () => {
      await k.ok(["create", "namespace", "tmp"]);
      await k.ok(["-n", "tmp", "create", "configmap", "inside"]);
      await k.ok(["-n", "tmp", "create", "deployment", "inside", "--image=nginx"]);
      assert.equal(await k.ok(["delete", "namespace", "tmp"]), 'namespace "tmp" deleted\n');
      const ns = await k.run(["get", "namespace", "tmp"]);
      assert.equal(ns.stderr, 'Error from server (NotFound): namespaces "tmp" not found\n');
      const left = await k.run(["-n", "tmp", "get", "configmaps,deployments"]);
      assert.equal(left.code, 0);
      assert.equal(left.stderr, "No resources found in tmp namespace.\n");
    });
  });

  describe("auth", () => {
    test("auth can-i create pods: yes", async () => {
      assert.equal(await k.ok(["auth", "can-i", "create", "pods"]), "yes\n");
      assert.equal(await k.ok(["auth", "can-i", "delete", "nodes", "--all-namespaces"]), "yes\n");
    });

    test("auth can-i --list: cluster-admin plus the roles of every authenticated user", async () => {
      const rows = lines(await k.ok(["auth", "can-i", "--list"])).map(cells);
      // kubectl compacts and sorts the rules itself (pkg/cmd/auth/cani.go); /healthz and friends
      // appear twice because both system:discovery and system:public-info-viewer grant them.
      const get = (url: string) => [`[${url}]`, "[]", "[get]"];
      assert.deepEqual(rows, [
        ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"],
        ["*.*", "[]", "[]", "[*]"],
        ["[*]", "[]", "[*]"],
        ["selfsubjectreviews.authentication.k8s.io", "[]", "[]", "[create]"],
        ["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"],
        ["selfsubjectrulesreviews.authorization.k8s.io", "[]", "[]", "[create]"],
        ...["/api/*", "/api", "/apis/*", "/apis", "/healthz", "/healthz", "/livez", "/livez"].map(get),
        ...[
          "/openapi/*",
          "/openapi",
          "/readyz",
          "/readyz",
          "/version/",
          "/version/",
          "/version",
          "/version",
        ].map(get),
      ]);
    });
  });

  describe("@kubernetes/client-node against the same API", () => {
    let core: CoreV1Api;
    let apps: AppsV1Api;
    const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

    before(async () => {
      const kc = new KubeConfig();
      kc.loadFromString(await readFile(k.kubeconfigPath, "utf8"));
      core = kc.makeApiClient(CoreV1Api);
      apps = kc.makeApiClient(AppsV1Api);
    });

    test("ConfigMap CRUD through CoreV1Api", async () => {
      const body: V1ConfigMap = {
        metadata: { name: "cn", labels: { from: "client-node" } },
        data: { a: "1" },
      };
      const created = await core.createNamespacedConfigMap({ namespace: "web", body });
      assert.equal(created.metadata?.namespace, "web");
      assert.match(created.metadata?.resourceVersion ?? "", /^\d+$/);
      const read = await core.readNamespacedConfigMap({ name: "cn", namespace: "web" });
      assert.equal(read.metadata?.uid, created.metadata?.uid);
      assert.deepEqual(read.data, { a: "1" });

      read.data = { a: "2" };
      const replaced = await core.replaceNamespacedConfigMap({ name: "cn", namespace: "web", body: read });
      assert.deepEqual(replaced.data, { a: "2" });
      assert.notEqual(replaced.metadata?.resourceVersion, created.metadata?.resourceVersion);

      await core.deleteNamespacedConfigMap({ name: "cn", namespace: "web" });
      await assert.rejects(core.readNamespacedConfigMap({ name: "cn", namespace: "web" }), (err: unknown) => {
        assert.ok(err instanceof ApiException);
        assert.equal(err.code, 404);
        const status = JSON.parse(err.body as string);
        assert.equal(status.reason, "NotFound");
        assert.equal(status.message, 'configmaps "cn" not found');
        return true;
      });
    });

    test("list with a label selector", async () => {
      for (const [name, team] of [
        ["l1", "a"],
        ["l2", "b"],
        ["l3", "a"],
      ]) {
        await core.createNamespacedConfigMap({
          namespace: "web",
          body: { metadata: { name, labels: { team: team! } } },
        });
      }
      const list = await core.listNamespacedConfigMap({ namespace: "web", labelSelector: "team=a" });
      assert.deepEqual(
        list.items.map((i) => i.metadata?.name),
        ["l1", "l3"],
      );
      assert.match(list.metadata?.resourceVersion ?? "", /^\d+$/);
      const none = await core.listNamespacedConfigMap({ namespace: "web", labelSelector: "team in (c)" });
      assert.deepEqual(none.items, []);
    });

    test("merge patch through CoreV1Api and AppsV1Api", async () => {
      const cm = await core.patchNamespacedConfigMap(
        { name: "l1", namespace: "web", body: { data: { added: "yes" } } },
        mergePatch,
      );
      assert.deepEqual(cm.data, { added: "yes" });
      await apps.createNamespacedDeployment({
        namespace: "web",
        body: {
          metadata: { name: "cn-deploy" },
          spec: {
            selector: { matchLabels: { app: "cn" } },
            template: {
              metadata: { labels: { app: "cn" } },
              spec: { containers: [{ name: "c", image: "nginx" }] },
            },
          },
        },
      });
      const patched = await apps.patchNamespacedDeployment(
        { name: "cn-deploy", namespace: "web", body: { spec: { replicas: 4 } } },
        mergePatch,
      );
      assert.equal(patched.spec?.replicas, 4);
      assert.equal(patched.metadata?.generation, 2);
      assert.equal(
        await k.ok(["-n", "web", "get", "deploy", "cn-deploy", "-o", "jsonpath={.spec.replicas}"]),
        "4",
      );
    });
  });
});
