import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import type { KubectlResult } from "../fixtures/kubectl.ts";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";

/** Where gcloud installs the versioned kubectl binaries its dispatcher picks from. */
const BIN_DIR = process.env.KUBECTL_VERSIONS_DIR ?? "/usr/lib/google-cloud-sdk/bin";
const VERSIONS = ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"] as const;

/** Runs one kubectl binary with the session's kubeconfig and a HOME (discovery cache) of its own. */
function runWith(
  binary: string,
  k: KubectlSession,
  home: string,
  args: string[],
  input?: string,
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      ["--kubeconfig", k.kubeconfigPath, ...args],
      { env: { PATH: process.env.PATH, HOME: home }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

function deploymentManifest(name: string, replicas: number, image: string): string {
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "web", image, ports: [{ containerPort: 80 }] }] },
      },
    },
  });
}

/**
 * The commands every learner runs first, with each kubectl from 1.27 to 1.33 against one cluster.
 * kubectl 1.27 and 1.28 download `/openapi/v2` (as gnostic protobuf) before `apply`, `create -f` and
 * `explain`; later versions use `/openapi/v3` and only fall back to v2.
 */
describe("every kubectl from 1.27 to 1.33 works against one cluster", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("kubectl-versions@example.com");
  });
  after(() => k.close());

  for (const version of VERSIONS) {
    const binary = join(BIN_DIR, `kubectl.${version}`);
    const missing = existsSync(binary) ? false : `${binary} is not installed`;
    const suffix = version.replace(".", "");
    const applied = `applied-${suffix}`;
    const created = `created-${suffix}`;

    describe(`kubectl ${version}`, { skip: missing }, () => {
      let home: string;
      const run = (args: string[], input?: string) => runWith(binary, k, home, args, input);
      const ok = async (args: string[], input?: string) => {
        const res = await run(args, input);
        assert.equal(res.code, 0, `kubectl.${version} ${args.join(" ")} failed:\n${res.stderr}`);
        return res.stdout;
      };

      before(async () => {
        home = join(k.server.home, `kubectl-${version}`);
        await mkdir(home, { recursive: true });
      });

      test("version shows the client's minor and the server's v1.32.4", async () => {
        const out = await ok(["version"]);
        assert.match(out, /Server Version: .*v1\.32\.4/, out);
        const json = JSON.parse(await ok(["version", "-o", "json"]));
        assert.equal(json.clientVersion.minor, version.split(".")[1]);
        assert.equal(json.serverVersion.gitVersion, "v1.32.4");
      });

      test("get nodes prints a table of Ready nodes", async () => {
        const rows = lines(await ok(["get", "nodes"])).map(cells);
        assert.deepEqual(rows[0], ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
        assert.ok(rows.length > 1, "no nodes");
        for (const row of rows.slice(1)) {
          assert.equal(row[1], "Ready", row.join(" "));
          assert.equal(row.at(-1), "v1.32.4");
        }
      });

      test("create deployment (a protobuf body)", async () => {
        assert.equal(
          await ok(["create", "deployment", created, "--image=nginx:1.27"]),
          `deployment.apps/${created} created\n`,
        );
      });

      test("apply -f creates, then updates, then finds nothing to change", async () => {
        const first = await k.file(`${applied}.json`, deploymentManifest(applied, 1, "nginx:1.27"));
        assert.equal(await ok(["apply", "-f", first]), `deployment.apps/${applied} created\n`);
        const second = await k.file(`${applied}-2.json`, deploymentManifest(applied, 2, "nginx:1.28"));
        assert.equal(await ok(["apply", "-f", second]), `deployment.apps/${applied} configured\n`);
        assert.equal(await ok(["apply", "-f", second]), `deployment.apps/${applied} unchanged\n`);
      });

      test("get -o yaml shows the applied spec", async () => {
        const obj = parseYaml(await ok(["get", "deployment", applied, "-o", "yaml"]));
        assert.equal(obj.kind, "Deployment");
        assert.equal(obj.spec.replicas, 2);
        assert.equal(obj.spec.template.spec.containers[0].image, "nginx:1.28");
        assert.ok(obj.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
      });

      test("describe deployment", async () => {
        const out = await ok(["describe", "deployment", applied]);
        assert.match(out, new RegExp(`^Name:\\s+${applied}$`, "m"));
        assert.match(out, /^Replicas:\s+2 desired/m);
        assert.match(out, /^\s+Image:\s+nginx:1\.28$/m);
      });

      test("delete", async () => {
        const out = await ok(["delete", "deployment", applied, created]);
        assert.deepEqual(lines(out), [
          `deployment.apps "${applied}" deleted`,
          `deployment.apps "${created}" deleted`,
        ]);
        const gone = await run(["get", "deployment", applied]);
        assert.equal(gone.code, 1);
        assert.match(gone.stderr, new RegExp(`deployments.apps "${applied}" not found`));
      });

      test("explain pods.spec", async () => {
        const out = await ok(["explain", "pods.spec"]);
        assert.match(out, /^KIND:\s+Pod$/m);
        assert.match(out, /^FIELDS:$/m);
        assert.match(out, /^ {2}containers\t<\[\]Container> -required-$/m);
      });
    });
  }

  describe("/openapi/v2 as kubectl 1.27 and 1.28 read it", () => {
    for (const version of ["1.27", "1.28"] as const) {
      const binary = join(BIN_DIR, `kubectl.${version}`);
      const skip = existsSync(binary) ? false : `${binary} is not installed`;
      test(`kubectl ${version} explains a field from the v2 document (gnostic protobuf)`, {
        skip,
      }, async () => {
        const home = join(k.server.home, `kubectl-${version}`);
        await mkdir(home, { recursive: true });
        const res = await runWith(binary, k, home, [
          "explain",
          "deployment.spec.strategy",
          "--output=plaintext-openapiv2",
        ]);
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /^RESOURCE: strategy <Object>$/m);
        assert.match(res.stdout, /^ {3}rollingUpdate\t<Object>$/m);
      });
    }
  });

  describe("values of the wrong type are refused as kube-apiserver refuses them", () => {
    const binary = join(BIN_DIR, "kubectl.1.32");
    const run = (args: string[], input?: string) =>
      runWith(existsSync(binary) ? binary : "/usr/bin/kubectl", k, k.server.home, args, input);

    before(async () => {
      const res = await run(["create", "configmap", "typed", "--from-literal=a=b"]);
      assert.equal(res.code, 0, res.stderr);
    });

    test("create -f: 400 from the decoder, naming the Go struct field", async () => {
      const manifest = JSON.parse(deploymentManifest("typed", 1, "nginx"));
      manifest.spec.replicas = "3";
      const res = await run(["create", "-f", "-"], JSON.stringify(manifest));
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n',
      );
    });

    test("patch --type=merge: 422 on the patched object; nothing is stored", async () => {
      const res = await run(["patch", "configmap", "typed", "--type=merge", "-p", '{"data":{"a":1}}']);
      assert.equal(res.code, 1);
      assert.match(
        res.stderr,
        /^The request is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"v1\\",\\"data\\":\{\\"a\\":1\},/,
      );
      assert.match(
        res.stderr,
        /": json: cannot unmarshal number into Go struct field ConfigMap\.data of type string\n$/,
      );
      const data = JSON.parse((await run(["get", "configmap", "typed", "-o", "jsonpath={.data}"])).stdout);
      assert.deepEqual(data, { a: "b" });
    });

    test("patch (strategic): 422 showing the patch as Go prints it", async () => {
      const res = await run(["patch", "configmap", "typed", "-p", '{"data":{"a":true}}']);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'The request is invalid: patch: Invalid value: "map[data:map[a:true]]": unrecognized type: string\n',
      );
    });

    test("apply --server-side: 500 naming every mistyped field", async () => {
      const manifest = JSON.parse(deploymentManifest("typed-ssa", 1, "nginx"));
      manifest.spec.replicas = "3";
      manifest.spec.template.spec.containers[0].env = [{ name: "PORT", value: 8080 }];
      const res = await run(["apply", "--server-side", "-f", "-"], JSON.stringify(manifest));
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        [
          "Error from server: failed to create typed patch object (default/typed-ssa; apps/v1, Kind=Deployment): errors:",
          "  .spec.replicas: expected numeric (int or float), got string",
          '  .spec.template.spec.containers[name="web"].env[name="PORT"].value: expected string, got &value.valueUnstructured{Value:8080}',
          "",
        ].join("\n"),
      );
    });
  });
});
