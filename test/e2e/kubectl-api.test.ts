import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";

/** kubeadm's default service CIDR, 10.96.0.0/12 (the kubernetes Service is 10.96.0.1). */
const SERVICE_CIDR = /^10\.(9[6-9]|10\d|11[01])\.\d{1,3}\.\d{1,3}$/;

/**
 * The real kubectl 1.32 against a cluster: discovery, the `create` generators, every `get` output
 * format, selectors, paging, `describe`, and the error messages a user sees. Expected values are
 * those of a kube-apiserver 1.32 (sources cited where the text is not obvious).
 */
describe("kubectl reads a Sandcastle cluster as it reads kube-apiserver 1.32", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("kubectl-api@example.com");
  });
  after(() => k.close());

  describe("discovery", () => {
    test("version reports the server as v1.32.4", async () => {
      const out = await k.ok(["version"]);
      assert.ok(lines(out).includes("Server Version: v1.32.4"), out);
      const json = JSON.parse(await k.ok(["version", "-o", "json"]));
      assert.equal(json.serverVersion.major, "1");
      assert.equal(json.serverVersion.minor, "32");
      assert.equal(json.serverVersion.gitVersion, "v1.32.4");
    });

    test("api-resources lists pods, deployments and hpa (autoscaling/v2, the preferred version)", async () => {
      const rows = lines(await k.ok(["api-resources"])).map(cells);
      assert.deepEqual(rows[0], ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
      const row = (name: string, apiVersion: string) =>
        rows.find((r) => r[0] === name && r.at(-3) === apiVersion);
      assert.deepEqual(row("pods", "v1"), ["pods", "po", "v1", "true", "Pod"]);
      assert.deepEqual(row("deployments", "apps/v1"), [
        "deployments",
        "deploy",
        "apps/v1",
        "true",
        "Deployment",
      ]);
      assert.deepEqual(row("horizontalpodautoscalers", "autoscaling/v2"), [
        "horizontalpodautoscalers",
        "hpa",
        "autoscaling/v2",
        "true",
        "HorizontalPodAutoscaler",
      ]);
      assert.deepEqual(row("namespaces", "v1"), ["namespaces", "ns", "v1", "false", "Namespace"]);
      // Only the preferred version of a group is listed.
      assert.equal(row("horizontalpodautoscalers", "autoscaling/v1"), undefined);
      // Subresources are not resources of their own.
      assert.equal(
        rows.some((r) => r[0]?.includes("/")),
        false,
      );
    });

    test("api-resources --namespaced=false -o name lists cluster-scoped resources", async () => {
      const names = lines(await k.ok(["api-resources", "--namespaced=false", "-o", "name"]));
      for (const name of ["namespaces", "nodes", "clusterroles.rbac.authorization.k8s.io"]) {
        assert.ok(names.includes(name), `${name} missing from ${names.join(",")}`);
      }
      assert.equal(names.includes("pods"), false);
    });

    test("api-versions lists every served group version, sorted", async () => {
      const versions = lines(await k.ok(["api-versions"]));
      for (const gv of [
        "apps/v1",
        "autoscaling/v1",
        "autoscaling/v2",
        "batch/v1",
        "networking.k8s.io/v1",
        "v1",
      ]) {
        assert.ok(versions.includes(gv), `${gv} missing from ${versions.join(",")}`);
      }
      assert.deepEqual(versions, [...versions].sort());
    });

    test("cluster-info shows the control plane at the kubeconfig URL and CoreDNS", async () => {
      const out = await k.ok(["cluster-info"]);
      assert.deepEqual(lines(out), [
        `Kubernetes control plane is running at ${k.clusterUrl}`,
        `CoreDNS is running at ${k.clusterUrl}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`,
        "",
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.",
      ]);
    });

    test("explain deployment.spec prints the OpenAPI descriptions", async () => {
      const out = await k.ok(["explain", "deployment.spec"]);
      assert.deepEqual(lines(out).slice(0, 11), [
        "GROUP:      apps",
        "KIND:       Deployment",
        "VERSION:    v1",
        "",
        "FIELD: spec <DeploymentSpec>",
        "",
        "",
        "DESCRIPTION:",
        "    DeploymentSpec is the specification of the desired behavior of the",
        "    Deployment.",
        "    ",
      ]);
      assert.match(
        out,
        /\n {2}replicas\t<integer>\n {4}Number of desired pods\. This is a pointer to distinguish between explicit\n {4}zero and not specified\. Defaults to 1\.\n/,
      );
      assert.match(out, /\n {2}selector\t<LabelSelector> -required-\n/);
      assert.match(out, /\n {2}template\t<PodTemplateSpec> -required-\n/);
    });
  });

  describe("create", () => {
    test("create namespace", async () => {
      assert.equal(await k.ok(["create", "namespace", "shop"]), "namespace/shop created\n");
      const ns = JSON.parse(await k.ok(["get", "namespace", "shop", "-o", "json"]));
      assert.equal(ns.metadata.name, "shop");
      assert.match(ns.metadata.uid, /^[0-9a-f-]{36}$/);
    });

    test("create deployment", async () => {
      assert.equal(
        await k.ok(["-n", "shop", "create", "deployment", "web", "--image=nginx:1.27"]),
        "deployment.apps/web created\n",
      );
      const d = JSON.parse(await k.ok(["-n", "shop", "get", "deployment", "web", "-o", "json"]));
      assert.equal(d.apiVersion, "apps/v1");
      assert.equal(d.kind, "Deployment");
      assert.equal(d.metadata.generation, 1);
      assert.deepEqual(d.metadata.labels, { app: "web" });
      assert.deepEqual(d.spec.selector, { matchLabels: { app: "web" } });
      assert.equal(d.spec.replicas, 1);
      assert.equal(d.spec.template.spec.containers[0].name, "nginx");
      assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.27");
    });

    test("create deployment: the server's defaults (Deployment strategy)", async () => {
      const d = JSON.parse(await k.ok(["-n", "shop", "get", "deployment", "web", "-o", "json"]));
      assert.deepEqual(d.spec.strategy, {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
      });
      assert.equal(d.spec.revisionHistoryLimit, 10);
      assert.equal(d.spec.progressDeadlineSeconds, 600);
      const pod = d.spec.template.spec;
      assert.equal(pod.restartPolicy, "Always");
      assert.equal(pod.dnsPolicy, "ClusterFirst");
      assert.equal(pod.schedulerName, "default-scheduler");
      assert.equal(pod.terminationGracePeriodSeconds, 30);
      assert.equal(pod.containers[0].terminationMessagePath, "/dev/termination-log");
      assert.equal(pod.containers[0].terminationMessagePolicy, "File");
      assert.equal(pod.containers[0].imagePullPolicy, "IfNotPresent");
    });

    test("create configmap --from-literal", async () => {
      assert.equal(
        await k.ok([
          "-n",
          "shop",
          "create",
          "configmap",
          "cfg",
          "--from-literal=a=1",
          "--from-literal=b=two",
        ]),
        "configmap/cfg created\n",
      );
      const yaml = await k.ok(["-n", "shop", "get", "configmap", "cfg", "-o", "yaml"]);
      const volatile = yaml
        .replace(/creationTimestamp: "\S+"/, 'creationTimestamp: "T"')
        .replace(/resourceVersion: "\d+"/, 'resourceVersion: "RV"')
        .replace(/uid: \S+/, "uid: UID");
      assert.equal(
        volatile,
        [
          "apiVersion: v1",
          "data:",
          '  a: "1"',
          "  b: two",
          "kind: ConfigMap",
          "metadata:",
          '  creationTimestamp: "T"',
          "  name: cfg",
          "  namespace: shop",
          '  resourceVersion: "RV"',
          "  uid: UID",
          "",
        ].join("\n"),
      );
    });

    test("create secret generic", async () => {
      assert.equal(
        await k.ok(["-n", "shop", "create", "secret", "generic", "pw", "--from-literal=password=s3cr3t"]),
        "secret/pw created\n",
      );
      const s = JSON.parse(await k.ok(["-n", "shop", "get", "secret", "pw", "-o", "json"]));
      assert.deepEqual(s.data, { password: Buffer.from("s3cr3t").toString("base64") });
      assert.equal(
        await k.ok(["-n", "shop", "get", "secret", "pw", "-o", "jsonpath={.data.password}"]),
        "czNjcjN0",
      );
    });

    test("create secret generic: the type defaults to Opaque (Secret strategy)", async () => {
      const rows = lines(await k.ok(["-n", "shop", "get", "secret", "pw"])).map(cells);
      assert.deepEqual(rows[0], ["NAME", "TYPE", "DATA", "AGE"]);
      assert.deepEqual(rows[1]?.slice(0, 3), ["pw", "Opaque", "1"]);
    });

    test("create service clusterip", async () => {
      assert.equal(
        await k.ok(["-n", "shop", "create", "service", "clusterip", "api", "--tcp=80:8080"]),
        "service/api created\n",
      );
      const svc = JSON.parse(await k.ok(["-n", "shop", "get", "service", "api", "-o", "json"]));
      assert.deepEqual(svc.spec.selector, { app: "api" });
      assert.deepEqual(svc.spec.ports, [{ name: "80-8080", port: 80, protocol: "TCP", targetPort: 8080 }]);
      assert.equal(svc.spec.type, "ClusterIP");
    });

    test("create service clusterip: a ClusterIP is allocated and defaults set (Service strategy)", async () => {
      const svc = JSON.parse(await k.ok(["-n", "shop", "get", "service", "api", "-o", "json"]));
      assert.match(svc.spec.clusterIP, SERVICE_CIDR);
      assert.deepEqual(svc.spec.clusterIPs, [svc.spec.clusterIP]);
      assert.deepEqual(svc.spec.ipFamilies, ["IPv4"]);
      assert.equal(svc.spec.ipFamilyPolicy, "SingleStack");
      assert.equal(svc.spec.sessionAffinity, "None");
      assert.equal(svc.spec.internalTrafficPolicy, "Cluster");
      // Services have no generation (pkg/registry/core/service/strategy.go never sets one).
      assert.equal(svc.metadata.generation, undefined);
      const row = cells(lines(await k.ok(["-n", "shop", "get", "service", "api"]))[1]!);
      assert.deepEqual(row.slice(0, 5), ["api", "ClusterIP", svc.spec.clusterIP, "<none>", "80/TCP"]);
    });

    test("create job", async () => {
      assert.equal(
        await k.ok(["-n", "shop", "create", "job", "once", "--image=busybox:1.36", "--", "echo", "hi"]),
        "job.batch/once created\n",
      );
      const job = JSON.parse(await k.ok(["-n", "shop", "get", "job", "once", "-o", "json"]));
      assert.equal(job.apiVersion, "batch/v1");
      const container = job.spec.template.spec.containers[0];
      assert.equal(container.image, "busybox:1.36");
      assert.deepEqual(container.command, ["echo", "hi"]);
      assert.equal(job.spec.template.spec.restartPolicy, "Never");
    });

    test("create job: selector and defaults from the Job strategy", async () => {
      const job = JSON.parse(await k.ok(["-n", "shop", "get", "job", "once", "-o", "json"]));
      const uid = job.metadata.uid;
      assert.deepEqual(job.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
      assert.equal(job.spec.template.metadata.labels["batch.kubernetes.io/job-name"], "once");
      assert.equal(job.spec.completions, 1);
      assert.equal(job.spec.parallelism, 1);
      assert.equal(job.spec.backoffLimit, 6);
      assert.equal(job.spec.completionMode, "NonIndexed");
    });

    test("create namespace twice: AlreadyExists", async () => {
      const res = await k.run(["create", "namespace", "shop"]);
      assert.equal(res.code, 1);
      assert.equal(res.stderr, 'Error from server (AlreadyExists): namespaces "shop" already exists\n');
    });

    test("create configmap twice: kubectl's generator wraps the AlreadyExists error", async () => {
      const res = await k.run(["-n", "shop", "create", "configmap", "cfg"]);
      assert.equal(res.code, 1);
      // kubectl/pkg/cmd/create/create_configmap.go: fmt.Errorf("failed to create configmap: %v", err)
      assert.equal(res.stderr, 'error: failed to create configmap: configmaps "cfg" already exists\n');
    });

    test("a body over 3 MiB: 413 RequestEntityTooLarge, whether its length is declared or chunked", async () => {
      const big = await k.file("big.txt", "x".repeat(3 * 1024 * 1024 + 1));
      const res = await k.run(["-n", "shop", "create", "configmap", "big", `--from-file=${big}`]);
      assert.equal(res.code, 1);
      // apiserver/pkg/endpoints/handlers/rest.go limitedReadBody: NewRequestEntityTooLargeError("limit is 3145728")
      assert.equal(
        res.stderr,
        "error: failed to create configmap: Request entity too large: limit is 3145728\n",
      );
      // A chunked body has no length to check up front: it is counted as it arrives.
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          `${k.clusterUrl}/api/v1/namespaces/shop/configmaps`,
          {
            method: "POST",
            ca: k.server.caPem,
            headers: {
              authorization: `Bearer ${k.tenantToken}`,
              "content-type": "application/json",
              "transfer-encoding": "chunked",
            },
          },
          (res) => {
            let text = "";
            res.on("data", (d) => {
              text += d;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        // The server may answer and close before the last chunk is sent.
        req.on("error", reject);
        const chunk = "x".repeat(64 * 1024);
        req.write('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"chunked"},"data":{"a":"');
        for (let sent = 0; sent <= 3 * 1024 * 1024; sent += chunk.length) req.write(chunk);
        req.end('"}}');
      });
      assert.equal(answer.status, 413);
      const status = JSON.parse(answer.text);
      assert.equal(status.reason, "RequestEntityTooLarge");
      assert.equal(status.message, "Request entity too large: limit is 3145728");
      assert.equal((await k.run(["-n", "shop", "get", "configmap", "big"])).code, 1);
      assert.equal((await k.run(["-n", "shop", "get", "configmap", "chunked"])).code, 1);
    });

    test("create -f twice: Error from server (AlreadyExists)", async () => {
      const path = await k.file(
        "twice.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n  namespace: shop\n",
      );
      assert.equal(await k.ok(["create", "-f", path]), "configmap/twice created\n");
      const res = await k.run(["create", "-f", path]);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        `Error from server (AlreadyExists): error when creating "${path}": configmaps "twice" already exists\n`,
      );
    });

    test("an invalid name: the 422 Invalid with its field error", async () => {
      const rfc1123 =
        'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case ' +
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
      const manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: shop\n";
      const res = await k.run(["create", "-f", "-"], { input: manifest });
      assert.equal(res.code, 1);
      assert.equal(res.stderr, `The ConfigMap "Bad_Name" is invalid: ${rfc1123}\n`);
      const generator = await k.run(["-n", "shop", "create", "configmap", "Bad_Name"]);
      assert.equal(generator.code, 1);
      assert.equal(
        generator.stderr,
        `error: failed to create configmap: ConfigMap "Bad_Name" is invalid: ${rfc1123}\n`,
      );
    });

    test("apply of a manifest with an unknown field: strict decoding error", async () => {
      const path = await k.file(
        "unknown-field.yaml",
        [
          "apiVersion: apps/v1",
          "kind: Deployment",
          "metadata: {name: strict, namespace: shop}",
          "spec:",
          "  foo: 1",
          "  selector: {matchLabels: {app: strict}}",
          "  template:",
          "    metadata: {labels: {app: strict}}",
          "    spec: {containers: [{name: c, image: nginx}]}",
          "",
        ].join("\n"),
      );
      const res = await k.run(["apply", "-f", path]);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        `Error from server (BadRequest): error when creating "${path}": Deployment in version "v1" cannot be ` +
          'handled as a Deployment: strict decoding error: unknown field "spec.foo"\n',
      );
      assert.equal((await k.run(["-n", "shop", "get", "deployment", "strict"])).code, 1);
    });
  });

  describe("get", () => {
    before(async () => {
      await k.ok(["create", "namespace", "catalog"]);
      for (const [name, labels] of [
        ["red", "app=a,tier=web"],
        ["green", "app=b"],
        ["blue", "app=c,x=1"],
        ["plain", ""],
      ] as const) {
        await k.ok(["-n", "catalog", "create", "configmap", name, `--from-literal=color=${name}`]);
        if (labels) await k.ok(["-n", "catalog", "label", "configmap", name, ...labels.split(",")]);
      }
      // As on a real cluster, the new namespace also gets kube-root-ca.crt (from a controller).
      const deadline = Date.now() + 10_000;
      while ((await k.run(["-n", "catalog", "get", "cm", "kube-root-ca.crt"])).code !== 0) {
        assert.ok(Date.now() < deadline, "kube-root-ca.crt never appeared in the new namespace");
        await new Promise((r) => setTimeout(r, 50));
      }
    });

    test("the default table: NAME, DATA, AGE", async () => {
      const rows = lines(await k.ok(["-n", "catalog", "get", "configmaps"])).map(cells);
      assert.deepEqual(rows[0], ["NAME", "DATA", "AGE"]);
      assert.deepEqual(
        rows.slice(1).map((r) => r.slice(0, 2)),
        [
          ["blue", "1"],
          ["green", "1"],
          ["kube-root-ca.crt", "1"],
          ["plain", "1"],
          ["red", "1"],
        ],
      );
      for (const r of rows.slice(1)) assert.match(r[2]!, /^\d+(s|m\d*s?)$/);
    });

    test("-o wide on deployments adds CONTAINERS, IMAGES, SELECTOR", async () => {
      await k.ok(["-n", "shop", "rollout", "status", "deployment/web", "--timeout=60s"]);
      const rows = lines(await k.ok(["-n", "shop", "get", "deployments", "web", "-o", "wide"])).map(cells);
      assert.deepEqual(rows[0], [
        "NAME",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "AGE",
        "CONTAINERS",
        "IMAGES",
        "SELECTOR",
      ]);
      const [name, ready, upToDate, available, , containers, images, selector] = rows[1]!;
      assert.deepEqual(
        [name, ready, upToDate, available, containers, images, selector],
        ["web", "1/1", "1", "1", "nginx", "nginx:1.27", "app=web"],
      );
    });

    test("-o yaml and -o json print the object", async () => {
      const json = JSON.parse(await k.ok(["-n", "catalog", "get", "configmap", "blue", "-o", "json"]));
      assert.deepEqual(json.data, { color: "blue" });
      assert.deepEqual(json.metadata.labels, { app: "c", x: "1" });
      assert.equal(json.kind, "ConfigMap");
      const yaml = await k.ok(["-n", "catalog", "get", "configmap", "blue", "-o", "yaml"]);
      assert.match(yaml, /^apiVersion: v1\ndata:\n {2}color: blue\nkind: ConfigMap\nmetadata:\n/);
      assert.match(yaml, /\n {2}labels:\n {4}app: c\n {4}x: "1"\n/);
      assert.match(yaml, new RegExp(`\\n {2}uid: ${json.metadata.uid}\\n`));
    });

    test("-o json of a list: a v1 List with every item", async () => {
      const list = JSON.parse(await k.ok(["-n", "catalog", "get", "configmaps", "-o", "json"]));
      assert.equal(list.kind, "List");
      assert.equal(list.apiVersion, "v1");
      assert.deepEqual(
        list.items.map((i: { metadata: { name: string } }) => i.metadata.name),
        ["blue", "green", "kube-root-ca.crt", "plain", "red"],
      );
    });

    test("-o jsonpath", async () => {
      assert.equal(
        await k.ok([
          "-n",
          "catalog",
          "get",
          "configmaps",
          "-o",
          'jsonpath={range .items[*]}{.metadata.name}={.data.color}{"\\n"}{end}',
        ]),
        "blue=blue\ngreen=green\nkube-root-ca.crt=\nplain=plain\nred=red\n",
      );
      assert.equal(
        await k.ok(["-n", "shop", "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "1",
      );
    });

    test("-o custom-columns", async () => {
      const out = await k.ok([
        "-n",
        "catalog",
        "get",
        "configmaps",
        "-o",
        "custom-columns=NAME:.metadata.name,APP:.metadata.labels.app",
      ]);
      assert.deepEqual(lines(out).map(cells), [
        ["NAME", "APP"],
        ["blue", "c"],
        ["green", "b"],
        ["kube-root-ca.crt", "<none>"],
        ["plain", "<none>"],
        ["red", "a"],
      ]);
    });

    test("-o name", async () => {
      assert.equal(
        await k.ok(["-n", "catalog", "get", "configmaps", "-l", "app", "-o", "name"]),
        "configmap/blue\nconfigmap/green\nconfigmap/red\n",
      );
    });

    test("-l with a set-based selector: app in (a,b)", async () => {
      const names = (await k.ok(["-n", "catalog", "get", "cm", "-l", "app in (a,b)", "-o", "name"])).trim();
      assert.equal(names, "configmap/green\nconfigmap/red");
    });

    test("-l '!x' and -l 'app,!x', notin, !=", async () => {
      assert.equal(
        await k.ok(["-n", "catalog", "get", "cm", "-l", "!x", "-o", "name"]),
        "configmap/green\nconfigmap/kube-root-ca.crt\nconfigmap/plain\nconfigmap/red\n",
      );
      assert.equal(
        await k.ok(["-n", "catalog", "get", "cm", "-l", "app,!x", "-o", "name"]),
        "configmap/green\nconfigmap/red\n",
      );
      assert.equal(
        await k.ok(["-n", "catalog", "get", "cm", "-l", "app notin (a),app!=c", "-o", "name"]),
        // notin and != also match objects without the label (apimachinery labels.Requirement.Matches).
        "configmap/green\nconfigmap/kube-root-ca.crt\nconfigmap/plain\n",
      );
    });

    test("a selector that matches nothing: 'No resources found'", async () => {
      const res = await k.run(["-n", "catalog", "get", "cm", "-l", "app=zzz"]);
      assert.equal(res.code, 0);
      assert.equal(res.stdout, "");
      assert.equal(res.stderr, "No resources found in catalog namespace.\n");
    });

    test("--field-selector metadata.name=x", async () => {
      const rows = lines(
        await k.ok(["-n", "catalog", "get", "cm", "--field-selector", "metadata.name=green"]),
      );
      assert.deepEqual(
        rows.map((r) => cells(r).slice(0, 2)),
        [
          ["NAME", "DATA"],
          ["green", "1"],
        ],
      );
      assert.equal(
        await k.ok(["-n", "catalog", "get", "cm", "--field-selector", "metadata.name!=green", "-o", "name"]),
        "configmap/blue\nconfigmap/kube-root-ca.crt\nconfigmap/plain\nconfigmap/red\n",
      );
    });

    test("-A lists across namespaces with a NAMESPACE column", async () => {
      const rows = lines(await k.ok(["get", "configmaps", "-A"])).map(cells);
      assert.deepEqual(rows[0], ["NAMESPACE", "NAME", "DATA", "AGE"]);
      const pairs = rows.slice(1).map((r) => `${r[0]}/${r[1]}`);
      for (const p of ["catalog/blue", "catalog/red", "shop/cfg", "kube-system/kube-root-ca.crt"]) {
        assert.ok(pairs.includes(p), `${p} missing from ${pairs.join(",")}`);
      }
    });

    test("--chunk-size=2 pages through the list: every item printed once, one header", async () => {
      const all = lines(await k.ok(["get", "configmaps", "-A", "-o", "name"]));
      assert.ok(all.length >= 7, all.join(","));
      const res = await k.run(["get", "configmaps", "-A", "--chunk-size=2", "-v=6"]);
      assert.equal(res.code, 0, res.stderr);
      const rows = lines(res.stdout).map(cells);
      assert.deepEqual(rows[0], ["NAMESPACE", "NAME", "DATA", "AGE"]);
      assert.deepEqual(
        rows.slice(1).map((r) => `configmap/${r[1]}`),
        all,
      );
      assert.equal(new Set(rows.slice(1).map((r) => `${r[0]}/${r[1]}`)).size, all.length);
      const pages = res.stderr
        .split("\n")
        .filter((l) => /GET https:\S+\/api\/v1\/configmaps\?.*limit=2.* 200 OK/.test(l));
      assert.equal(pages.length, Math.ceil(all.length / 2));
      assert.equal(pages.filter((l) => l.includes("continue=")).length, pages.length - 1);
    });

    test("get pod nope: NotFound", async () => {
      const res = await k.run(["get", "pod", "nope"]);
      assert.equal(res.code, 1);
      assert.equal(res.stderr, 'Error from server (NotFound): pods "nope" not found\n');
      const deploy = await k.run(["-n", "shop", "get", "deployment", "nope"]);
      assert.equal(deploy.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
    });

    test("--field-selector on an unsupported field: field label not supported", async () => {
      const res = await k.run(["get", "pods", "--field-selector", "spec.foo=x"]);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", ' +
          'field selector "spec.foo=x": field label not supported: spec.foo\n',
      );
    });

    test("-l 'a in (b': the selector parse error", async () => {
      const res = await k.run(["get", "pods", "-l", "a in (b"]);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector ' +
          "\"a in (b\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'\n",
      );
    });

    test("a bad token: You must be logged in to the server", async () => {
      const res = await k.run(["get", "pods", "--token=not-a-token"]);
      assert.equal(res.code, 1);
      assert.equal(res.stderr, "error: You must be logged in to the server (Unauthorized)\n");
    });
  });

  describe("describe", () => {
    test("describe configmap", async () => {
      const out = await k.ok(["-n", "shop", "describe", "configmap", "cfg"]);
      const head =
        "Name:         cfg\nNamespace:    shop\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\n";
      const tail = "\nBinaryData\n====\n\nEvents:  <none>\n";
      // kubectl ranges over the Go map of data (pkg/describe/describe.go): the key order is random.
      const a = "a:\n----\n1\n\n";
      const b = "b:\n----\ntwo\n\n";
      assert.ok([head + a + b + tail, head + b + a + tail].includes(out), out);
    });

    test("describe deployment", async () => {
      await k.ok(["-n", "shop", "rollout", "status", "deployment/web", "--timeout=60s"]);
      const out = lines(await k.ok(["-n", "shop", "describe", "deployment", "web"]));
      for (const re of [
        /^Name:\s+web$/,
        /^Namespace:\s+shop$/,
        /^Labels:\s+app=web$/,
        /^Selector:\s+app=web$/,
        /^Replicas:\s+1 desired \| 1 updated \| 1 total \| 1 available \| 0 unavailable$/,
        /^NewReplicaSet:\s+web-[a-z0-9]+ \(1\/1 replicas created\)$/,
        /^ {3}nginx:$/,
        /^ {4}Image:\s+nginx:1\.27$/,
      ]) {
        assert.ok(
          out.some((l) => re.test(l)),
          `${re} not in:\n${out.join("\n")}`,
        );
      }
    });

    test("describe deployment: StrategyType from the Deployment defaults", async () => {
      const out = lines(await k.ok(["-n", "shop", "describe", "deployment", "web"]));
      assert.ok(
        out.some((l) => /^StrategyType:\s+RollingUpdate$/.test(l)),
        out.join("\n"),
      );
      assert.ok(
        out.some((l) => /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/.test(l)),
        out.join("\n"),
      );
    });

    test("describe service", async () => {
      const out = lines(await k.ok(["-n", "shop", "describe", "service", "api"]));
      for (const re of [
        /^Name:\s+api$/,
        /^Namespace:\s+shop$/,
        /^Selector:\s+app=api$/,
        /^Port:\s+80-8080 {2}80\/TCP$/,
        /^TargetPort:\s+8080\/TCP$/,
      ]) {
        assert.ok(
          out.some((l) => re.test(l)),
          `${re} not in:\n${out.join("\n")}`,
        );
      }
    });

    test("describe service: type, IP and affinity from the Service defaults", async () => {
      const out = lines(await k.ok(["-n", "shop", "describe", "service", "api"]));
      const svcIp = await k.ok(["-n", "shop", "get", "service", "api", "-o", "jsonpath={.spec.clusterIP}"]);
      assert.match(svcIp, SERVICE_CIDR);
      for (const re of [
        /^Type:\s+ClusterIP$/,
        new RegExp(`^IP:\\s+${svcIp}$`),
        /^Session Affinity:\s+None$/,
      ]) {
        assert.ok(
          out.some((l) => re.test(l)),
          `${re} not in:\n${out.join("\n")}`,
        );
      }
    });

    test("describe namespace", async () => {
      const out = await k.ok(["describe", "namespace", "shop"]);
      assert.match(out, /^Name:\s+shop\n/);
      assert.match(out, /\nNo resource quota\.\n\nNo LimitRange resource\.\n$/);
    });

    test("describe namespace: Active, with its metadata.name label (Namespace strategy)", async () => {
      const out = lines(await k.ok(["describe", "namespace", "shop"]));
      assert.ok(out.includes("Labels:       kubernetes.io/metadata.name=shop"), out.join("\n"));
      assert.ok(out.includes("Status:       Active"), out.join("\n"));
    });
  });
});
