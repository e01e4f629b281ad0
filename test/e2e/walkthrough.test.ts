import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";

/** The tutorial's manifests (copied from ../shared/walkthrough), applied as a learner applies them. */
const MANIFESTS = join(import.meta.dirname, "walkthrough");

/**
 * The acceptance journey of the control plane: the walkthrough, command by command, with the real
 * kubectl against `npm start`, on a fresh cluster at the default (realistic) speed.
 */
describe("the walkthrough, end to end", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("walkthrough@example.com");
  });
  after(() => k?.close());

  const manifest = (name: string) => join(MANIFESTS, name);

  /** Polls a kubectl command until `ok` accepts its output. */
  const until = async (args: string[], ok: (stdout: string) => boolean, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    for (;;) {
      const res = await k.run(args);
      last = res.stdout + res.stderr;
      if (res.code === 0 && ok(res.stdout)) return res.stdout;
      assert.ok(Date.now() < deadline, `kubectl ${args.join(" ")} never satisfied:\n${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  test("kubectl get node lists Ready nodes", async () => {
    const out = lines(await k.ok(["get", "node"]));
    assert.deepEqual(cells(out[0]!).slice(0, 2), ["NAME", "STATUS"]);
    assert.ok(out.length >= 2);
    for (const row of out.slice(1)) assert.equal(cells(row)[1], "Ready");
    // A node's start as kind records it.
    const described = await k.ok(["describe", "node", cells(out[1]!)[0]!]);
    const reasons = [...described.matchAll(/^\s+Normal\s+(\w+)\s/gm)].map((m) => m[1]);
    assert.deepEqual(
      reasons,
      [
        "Starting",
        "NodeHasSufficientMemory",
        "NodeHasNoDiskPressure",
        "NodeHasSufficientPID",
        "NodeAllocatableEnforced",
        "RegisteredNode",
        "NodeReady",
      ],
      described,
    );
  });

  test("apply the ConfigMap, the Secret, mongo and webapp; both Deployments become available", async () => {
    assert.match(
      await k.ok(["apply", "-f", manifest("mongo-config.yaml")]),
      /configmap\/mongo-config created/,
    );
    assert.match(await k.ok(["apply", "-f", manifest("mongo-secret.yaml")]), /secret\/mongo-secret created/);
    const mongo = await k.ok(["apply", "-f", manifest("mongo.yaml")]);
    assert.match(mongo, /deployment.apps\/mongo-deployment created/);
    assert.match(mongo, /service\/mongo-service created/);
    const webapp = await k.ok(["apply", "-f", manifest("webapp.yaml")]);
    assert.match(webapp, /deployment.apps\/webapp-deployment created/);
    assert.match(webapp, /service\/webapp-service created/);
    await k.ok(["rollout", "status", "deployment/mongo-deployment", "--timeout=90s"]);
    await k.ok(["rollout", "status", "deployment/webapp-deployment", "--timeout=90s"]);
  });

  test("kubectl get all shows the Deployments, ReplicaSets, Running pods and both Services", async () => {
    const out = await until(["get", "all"], (s) => (s.match(/1\/1\s+Running/g) ?? []).length === 2);
    const rows = lines(out).map(cells);
    const row = (prefix: string) => rows.find((r) => r[0]?.startsWith(prefix));
    assert.deepEqual(row("deployment.apps/mongo-deployment")?.slice(1, 4), ["1/1", "1", "1"]);
    assert.deepEqual(row("deployment.apps/webapp-deployment")?.slice(1, 4), ["1/1", "1", "1"]);
    assert.match(
      row("replicaset.apps/mongo-deployment-")?.[0] ?? "",
      /^replicaset\.apps\/mongo-deployment-[a-z0-9]{8,10}$/,
    );
    assert.deepEqual(row("replicaset.apps/webapp-deployment-")?.slice(1, 4), ["1", "1", "1"]);
    assert.deepEqual(row("pod/mongo-deployment-")?.slice(1, 3), ["1/1", "Running"]);
    assert.deepEqual(row("pod/webapp-deployment-")?.slice(1, 3), ["1/1", "Running"]);
    const mongoSvc = row("service/mongo-service");
    assert.equal(mongoSvc?.[1], "ClusterIP");
    assert.match(mongoSvc?.[2] ?? "", /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/);
    assert.equal(mongoSvc?.[4], "27017/TCP");
    const webSvc = row("service/webapp-service");
    assert.equal(webSvc?.[1], "NodePort");
    assert.equal(webSvc?.[4], "3000:30100/TCP");
  });

  test("describe service mongo-service lists the mongo pod's address on 27017", async () => {
    const podIp = (
      await k.ok(["get", "pod", "-l", "app=mongo", "-o", "jsonpath={.items[0].status.podIP}"])
    ).trim();
    assert.match(podIp, /^10\.244\.\d+\.\d+$/);
    const out = await until(["describe", "service", "mongo-service"], (s) => s.includes(`${podIp}:27017`));
    assert.match(out, new RegExp(`Endpoints:\\s+${podIp.replaceAll(".", "\\.")}:27017`));
  });

  test("describe pod shows the node, env from the Secret and ConfigMap, and the start-up events", async () => {
    const pod = (
      await k.ok(["get", "pod", "-l", "app=webapp", "-o", "jsonpath={.items[0].metadata.name}"])
    ).trim();
    const out = await k.ok(["describe", "pod", pod]);
    assert.match(out, /^Node:\s+e2e-(control-plane|worker\d*)\/\d+\.\d+\.\d+\.\d+$/m);
    assert.match(out, /^Status:\s+Running$/m);
    assert.match(
      out,
      /USER_NAME:\s+<set to the key 'mongo-user' in secret 'mongo-secret'>\s+Optional: false/,
    );
    assert.match(
      out,
      /DB_URL:\s+<set to the key 'mongo-url' of config map 'mongo-config'>\s+Optional: false/,
    );
    // In the order a real node records them.
    const reasons = [...out.matchAll(/^\s+Normal\s+(\w+)\s/gm)].map((m) => m[1]);
    assert.deepEqual(reasons, ["Scheduled", "Pulling", "Pulled", "Created", "Started"], out);
    assert.match(
      out,
      /Successfully assigned default\/webapp-deployment-[a-z0-9-]+ to e2e-(control-plane|worker\d*)/,
    );
  });

  test("kubectl logs shows what the containers printed", async () => {
    const webPod = (
      await k.ok(["get", "pod", "-l", "app=webapp", "-o", "jsonpath={.items[0].metadata.name}"])
    ).trim();
    assert.match(await k.ok(["logs", webPod]), /app listening on port 3000!/);
    assert.ok((await k.ok(["logs", "deployment/mongo-deployment"])).trim().length > 0);
  });

  test("get node -o wide shows each node's INTERNAL-IP", async () => {
    const out = lines(await k.ok(["get", "node", "-o", "wide"]));
    const header = cells(out[0]!);
    const ipColumn = header.indexOf("INTERNAL-IP");
    assert.ok(ipColumn > 0, out[0]);
    for (const row of out.slice(1)) assert.match(cells(row)[ipColumn] ?? "", /^\d+\.\d+\.\d+\.\d+$/);
  });

  test("kubectl top shows each pod's and node's usage, as metrics-server would", async () => {
    const pods = lines(await k.ok(["top", "pod"])).map(cells);
    assert.deepEqual(pods[0], ["NAME", "CPU(cores)", "MEMORY(bytes)"]);
    const mongo = pods.find((r) => r[0]?.startsWith("mongo-deployment-"));
    const webapp = pods.find((r) => r[0]?.startsWith("webapp-deployment-"));
    assert.match(mongo?.[1] ?? "", /^\d+m$/);
    // mongod at rest uses ~75 MiB, the Node.js demo app ~35 MiB.
    const mib = (cell: string | undefined) => Number(/^(\d+)Mi$/.exec(cell ?? "")?.[1]);
    assert.ok(mib(mongo?.[2]) >= 70 && mib(mongo?.[2]) <= 80, mongo?.join(" "));
    assert.ok(mib(webapp?.[2]) >= 30 && mib(webapp?.[2]) <= 40, webapp?.join(" "));
    const nodes = lines(await k.ok(["top", "node"])).map(cells);
    assert.deepEqual(nodes[0], ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]);
    assert.equal(nodes.length - 1, lines(await k.ok(["get", "nodes", "-o", "name"])).length);
    for (const row of nodes.slice(1)) {
      assert.match(row[1] ?? "", /^\d+m$/);
      assert.match(row[2] ?? "", /^\d+%$/);
      assert.match(row[3] ?? "", /^\d+Mi$/);
    }
  });

  test("applied in the wrong order, the pod waits in CreateContainerConfigError, then starts", async () => {
    await k.ok(["create", "namespace", "wrong-order"]);
    const ns = ["-n", "wrong-order"];
    await k.ok(["apply", ...ns, "-f", manifest("mongo.yaml")]);
    const waiting = await until(["get", "pods", ...ns], (s) => s.includes("CreateContainerConfigError"));
    assert.match(waiting, /0\/1\s+CreateContainerConfigError/);
    const pod = (await k.ok(["get", "pod", ...ns, "-o", "jsonpath={.items[0].metadata.name}"])).trim();
    const described = await k.ok(["describe", "pod", ...ns, pod]);
    assert.match(described, /Error: secret "mongo-secret" not found/);
    await k.ok(["apply", ...ns, "-f", manifest("mongo-secret.yaml")]);
    await until(["get", "pods", ...ns], (s) => /1\/1\s+Running/.test(s));
  });
});
