import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { KUBECTL } from "../fixtures/kubectl.ts";
import { cells, type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";
import { httpsRequest } from "../fixtures/server-process.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A kubectl that keeps running (logs -f, get -w): its lines, when each arrived, and a way to stop it. */
interface StreamingKubectl {
  output(): string;
  /** Date.now() at which each complete line of stdout arrived. */
  arrivals: number[];
  /** Waits (up to 5 s) until stdout has at least `atLeast` lines; returns how many it has. */
  lineCount(atLeast: number): Promise<number>;
  running(): boolean;
  stop(): Promise<void>;
}

function streamKubectl(session: KubectlSession, args: string[]): StreamingKubectl {
  const child = spawn(KUBECTL, ["--kubeconfig", session.kubeconfigPath, ...args], {
    env: { PATH: process.env.PATH, HOME: session.server.home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((r) => child.on("close", r));
  const arrivals: number[] = [];
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
    const count = (stdout.match(/\n/g) ?? []).length;
    while (arrivals.length < count) arrivals.push(Date.now());
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    output: () => stdout,
    arrivals,
    async lineCount(atLeast) {
      const deadline = Date.now() + 5_000;
      while (arrivals.length < atLeast && Date.now() < deadline) await sleep(20);
      assert.ok(arrivals.length >= atLeast, `kubectl ${args.join(" ")} printed:\n${stdout}\n${stderr}`);
      return arrivals.length;
    },
    running,
    async stop() {
      if (running()) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * What a learner and a CI job do with workloads, with the real kubectl against `npm start`, on one
 * `instant` cluster (no simulated pulls; back-offs a tenth of the real ones): one-off pods, Jobs,
 * logs, crash loops, image typos, a Deployment's rollouts, Services, drains, StatefulSets,
 * DaemonSets, CronJobs and a node failure.
 */
describe("workloads with the real kubectl", () => {
  let k: KubectlSession;
  /** Learner-style bare pods live here, so that they do not block the drain later. */
  const learn = ["-n", "learn"];

  before(async () => {
    k = await openKubectlSession("kubectl-workloads@example.com", { speed: "instant" });
    await k.ok(["create", "namespace", "learn"]);
  });
  after(() => k?.close());

  /** Polls a kubectl command until `ok` accepts its output; returns that output. */
  const until = async (args: string[], ok: (stdout: string) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await k.run(args);
      if (res.code === 0 && ok(res.stdout)) return res.stdout;
      assert.ok(
        Date.now() < deadline,
        `kubectl ${args.join(" ")} never satisfied:\n${res.stdout}${res.stderr}`,
      );
      await sleep(200);
    }
  };

  /** The cells of the row of `name` in a `kubectl get` table. */
  const row = (stdout: string, name: string) =>
    lines(stdout)
      .map(cells)
      .find((r) => r[0] === name);

  /** Each pod of a selector: name, phase, node, and whether it is being deleted. */
  const podsOf = async (selector: string, ns = "default") => {
    const out = await k.ok([
      "get",
      "pods",
      "-n",
      ns,
      "-l",
      selector,
      "-o",
      'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName} {.metadata.deletionTimestamp}{"\\n"}{end}',
    ]);
    return lines(out)
      .filter((l) => l.trim())
      .map((l) => {
        const [name = "", phase = "", node = "", deleting] = l.split(" ");
        return { name, phase, node, deleting: Boolean(deleting) };
      });
  };

  test("kubectl run --restart=Never: the pod completes and kubectl logs prints its output", async () => {
    assert.equal(
      await k.ok([
        "run",
        "once",
        ...learn,
        "--image=busybox",
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "echo one; echo two",
      ]),
      "pod/once created\n",
    );
    const out = await until(["get", "pod", "once", ...learn], (s) => s.includes("Completed"));
    assert.deepEqual(row(out, "once")?.slice(0, 4), ["once", "0/1", "Completed", "0"]);
    assert.equal(await k.ok(["logs", "once", ...learn]), "one\ntwo\n");
  });

  test("kubectl create job: wait for complete, logs job/hello, COMPLETIONS 1/1", async () => {
    assert.equal(
      await k.ok(["create", "job", "hello", ...learn, "--image=busybox", "--", "echo", "hello"]),
      "job.batch/hello created\n",
    );
    assert.equal(
      await k.ok(["wait", "--for=condition=complete", "job/hello", ...learn, "--timeout=30s"]),
      "job.batch/hello condition met\n",
    );
    assert.equal(await k.ok(["logs", "job/hello", ...learn]), "hello\n");
    const out = lines(await k.ok(["get", "job", "hello", ...learn]));
    assert.deepEqual(cells(out[0]!), ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]);
    assert.deepEqual(cells(out[1]!).slice(0, 3), ["hello", "Complete", "1/1"]);
    assert.match(cells(out[1]!)[3] ?? "", /^\d+s$/);
  });

  test("kubectl logs -f streams new lines as the container prints them; --tail and --timestamps", async () => {
    await k.ok([
      "run",
      "ticker",
      ...learn,
      "--image=busybox",
      "--",
      "sh",
      "-c",
      "while true; do echo tick; sleep 1; done",
    ]);
    await until(["get", "pod", "ticker", ...learn], (s) => /1\/1\s+Running/.test(s));

    const follow = streamKubectl(k, ["logs", "-f", "ticker", ...learn]);
    try {
      const first = await follow.lineCount(1);
      await follow.lineCount(first + 2);
      const { arrivals } = follow;
      assert.ok(arrivals.at(-1)! - arrivals[first - 1]! >= 1_000, "new lines come as the clock reaches them");
      assert.equal(follow.running(), true, "kubectl logs -f is still following");
      assert.match(follow.output(), /^(tick\n)+$/);
    } finally {
      await follow.stop();
    }

    assert.equal(await k.ok(["logs", "ticker", ...learn, "--tail=1"]), "tick\n");
    const stamped = lines(await k.ok(["logs", "ticker", ...learn, "--timestamps", "--tail=2"]));
    assert.equal(stamped.length, 2);
    for (const line of stamped) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick$/);
    assert.ok(Date.parse(stamped[0]!.slice(0, 23)) < Date.parse(stamped[1]!.slice(0, 23)));
  });

  test("a two-container pod: -c picks one; without -c kubectl defaults to the first and says so", async () => {
    const pod = await k.file(
      "two.yaml",
      `apiVersion: v1
kind: Pod
metadata:
  name: two
  namespace: learn
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo from app; sleep 3600"]
  - name: sidecar
    image: busybox
    command: ["sh", "-c", "echo from sidecar; sleep 3600"]
`,
    );
    await k.ok(["apply", "-f", pod]);
    await until(["get", "pod", "two", ...learn], (s) => /2\/2\s+Running/.test(s));
    assert.equal(await k.ok(["logs", "two", ...learn, "-c", "sidecar"]), "from sidecar\n");
    // kubectl 1.32 no longer refuses: it picks the first container and tells on stderr.
    const defaulted = await k.run(["logs", "two", ...learn]);
    assert.equal(defaulted.code, 0, defaulted.stderr);
    assert.equal(defaulted.stdout, "from app\n");
    assert.equal(defaulted.stderr, 'Defaulted container "app" out of: app, sidecar\n');
    const wrong = await k.run(["logs", "two", ...learn, "-c", "nope"]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, "error: container nope is not valid for pod two\n");
  });

  test("a crash loop: CrashLoopBackOff with growing RESTARTS, logs --previous, describe", async () => {
    await k.ok(["run", "crash", ...learn, "--image=busybox", "--", "sh", "-c", "echo boom; exit 1"]);
    const restartsOf = (stdout: string) => Number.parseInt(row(stdout, "crash")?.[3] ?? "0", 10);
    const first = await until(["get", "pod", "crash", ...learn], (s) => restartsOf(s) >= 1);
    assert.match(row(first, "crash")?.[2] ?? "", /^(CrashLoopBackOff|Error)$/);
    const later = await until(["get", "pod", "crash", ...learn], (s) => restartsOf(s) > restartsOf(first));
    const cols = row(later, "crash")!;
    assert.equal(cols[1], "0/1");
    assert.match(cols[2] ?? "", /^(CrashLoopBackOff|Error|Running)$/);
    assert.match(cols[3] ?? "", /^\d+ \(\d+s ago\)$/);

    assert.equal(await k.ok(["logs", "crash", ...learn, "--previous"]), "boom\n");
    const described = await until(["describe", "pod", "crash", ...learn], (s) => s.includes("BackOff"));
    assert.match(described, /Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1\n/);
    assert.match(described, /Restart Count:\s+[1-9]\d*\n/);
    assert.match(
      described,
      /Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container crash in pod crash_learn\(/,
    );
  });

  test("postgres without POSTGRES_PASSWORD crash-loops with the real error; with it, it runs", async () => {
    await k.ok(["run", "pg", ...learn, "--image=postgres:16"]);
    await until(["get", "pod", "pg", ...learn], (s) => /CrashLoopBackOff|Error/.test(s));
    const logs = await k.ok(["logs", "pg", ...learn]);
    assert.match(logs, /^Error: Database is uninitialized and superuser password is not specified\.\n/);
    assert.match(logs, /You must specify POSTGRES_PASSWORD to a non-empty value/);

    await k.ok(["run", "pg-ok", ...learn, "--image=postgres:16", "--env=POSTGRES_PASSWORD=secret"]);
    await until(["get", "pod", "pg-ok", ...learn], (s) => /1\/1\s+Running\s+0/.test(s));
    const ok = await until(["logs", "pg-ok", ...learn], (s) => s.includes("ready to accept connections"));
    assert.match(ok, /database system is ready to accept connections\n$/);
  });

  test("an image typo: ErrImagePull / ImagePullBackOff, and describe says why", async () => {
    await k.ok(["run", "typo", ...learn, "--image=ngnix"]);
    const out = await until(["get", "pods", "typo", ...learn], (s) =>
      /ErrImagePull|ImagePullBackOff/.test(s),
    );
    assert.equal(row(out, "typo")?.[1], "0/1");
    assert.match(row(out, "typo")?.[2] ?? "", /^(ErrImagePull|ImagePullBackOff)$/);
    const described = await k.ok(["describe", "pod", "typo", ...learn]);
    assert.match(
      described,
      /Warning\s+Failed\s+.*kubelet\s+Failed to pull image "ngnix": .*pull access denied, repository does not exist or may require authorization/,
    );
    assert.match(described, /Reason:\s+(ErrImagePull|ImagePullBackOff)/);
  });

  test("a Deployment's journey: scale, set image, history, undo, restart, pause and resume", async () => {
    await k.ok(["create", "deployment", "web", "--image=nginx:1.26"]);
    assert.equal(await k.ok(["scale", "deployment/web", "--replicas=3"]), "deployment.apps/web scaled\n");
    await k.ok(["rollout", "status", "deployment/web", "--timeout=30s"]);
    const scaled = await until(["get", "deployment", "web"], (s) => row(s, "web")?.[1] === "3/3");
    assert.deepEqual(row(scaled, "web")?.slice(1, 4), ["3/3", "3", "3"]);

    await k.ok(["set", "image", "deployment/web", "nginx=nginx:1.27"]);
    const status = lines(await k.ok(["rollout", "status", "deployment/web", "--timeout=30s"]));
    assert.equal(status.at(-1), 'deployment "web" successfully rolled out');
    assert.equal(
      await k.ok(["rollout", "history", "deployment/web"]),
      "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n",
    );
    const image = () =>
      k.ok(["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    assert.equal(await image(), "nginx:1.27");

    assert.equal(await k.ok(["rollout", "undo", "deployment/web"]), "deployment.apps/web rolled back\n");
    await k.ok(["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert.equal(await image(), "nginx:1.26");
    // The old template came back as revision 3 (revision 1 is gone).
    assert.match(await k.ok(["rollout", "history", "deployment/web"]), /\n2 +<none>\n3 +<none>\n\n$/);
    const podImages = await until(
      ["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}"],
      (s) => s.split(" ").length === 3 && s.split(" ").every((i) => i === "nginx:1.26"),
    );
    assert.equal(podImages, "nginx:1.26 nginx:1.26 nginx:1.26");

    assert.equal(await k.ok(["rollout", "restart", "deployment/web"]), "deployment.apps/web restarted\n");
    await k.ok(["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert.match(
      await k.ok(["get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations}"]),
      /"kubectl.kubernetes.io\/restartedAt":"\d{4}-/,
    );
    assert.match(await k.ok(["rollout", "history", "deployment/web"]), /\n4 +<none>\n\n$/);

    assert.equal(await k.ok(["rollout", "pause", "deployment/web"]), "deployment.apps/web paused\n");
    await k.ok(["set", "image", "deployment/web", "nginx=nginx:1.27"]);
    const held = await k.run(["rollout", "status", "deployment/web", "--timeout=2s"]);
    assert.equal(held.code, 1);
    assert.equal(
      held.stdout,
      'Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...\n',
    );
    assert.equal(held.stderr, "error: timed out waiting for the condition\n");
    const replicaSets = () => k.ok(["get", "rs", "-l", "app=web", "-o", "name"]);
    assert.equal(lines(await replicaSets()).length, 3, "a paused Deployment starts no rollout");

    assert.equal(await k.ok(["rollout", "resume", "deployment/web"]), "deployment.apps/web resumed\n");
    await k.ok(["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert.equal(lines(await replicaSets()).length, 4);
    assert.equal(await image(), "nginx:1.27");
  });

  test("a Service's endpoints follow its pods' readiness", async () => {
    await k.ok(["create", "service", "clusterip", "shop", "--tcp=80:80"]);
    const manifest = (name: string, probe: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: shop, variant: ${name}}
  template:
    metadata:
      labels: {app: shop, variant: ${name}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
        readinessProbe: ${probe}
`;
    // Ready 4 s after it starts; and one whose probe asks a port nginx does not listen on.
    await k.ok([
      "apply",
      "-f",
      await k.file(
        "late.yaml",
        manifest("late", "{tcpSocket: {port: 80}, initialDelaySeconds: 4, periodSeconds: 1}"),
      ),
    ]);
    await k.ok([
      "apply",
      "-f",
      await k.file("never.yaml", manifest("never", "{httpGet: {port: 8080, path: /}, periodSeconds: 1}")),
    ]);
    const ipOf = async (variant: string) =>
      (
        await until(
          ["get", "pod", "-l", `variant=${variant}`, "-o", "jsonpath={.items[0].status.podIP}"],
          (s) => /^10\.244\.\d+\.\d+$/.test(s),
        )
      ).trim();
    const late = await ipOf("late");
    const never = await ipOf("never");

    // The late pod's address is listed not ready while its probe waits, then ready.
    const addresses = async () => {
      const out = await k.ok([
        "get",
        "endpoints",
        "shop",
        "-o",
        "jsonpath={.subsets[*].addresses[*].ip}/{.subsets[*].notReadyAddresses[*].ip}",
      ]);
      const [ready = "", notReady = ""] = out.split("/");
      return { ready: ready.split(" ").filter(Boolean), notReady: notReady.split(" ").filter(Boolean) };
    };
    const seen: string[] = [];
    const deadline = Date.now() + 15_000;
    for (;;) {
      const now = await addresses();
      const state = now.ready.includes(late) ? "ready" : now.notReady.includes(late) ? "not ready" : "absent";
      if (seen.at(-1) !== state) seen.push(state);
      if (state === "not ready") {
        // Nothing ready: kubectl's ENDPOINTS cell is empty (formatEndpoints lists ready addresses only).
        const row = lines(await k.ok(["get", "endpoints", "shop"]))[1] ?? "";
        // Unless the probe passed in between (then the address is listed, and ready now).
        if (!/^shop\s+\d+s$/.test(row)) {
          assert.match(row, new RegExp(`^shop\\s+${late.replaceAll(".", "\\.")}:80\\s`));
          assert.ok((await addresses()).ready.includes(late), row);
        }
      }
      if (state === "ready") break;
      assert.ok(Date.now() < deadline, `never ready in the endpoints: ${seen.join(" → ")}`);
      await sleep(200);
    }
    assert.deepEqual(
      seen.filter((s) => s !== "absent"),
      ["not ready", "ready"],
    );
    const ready = await k.ok(["get", "endpoints", "shop"]);
    assert.deepEqual(row(ready, "shop")?.slice(0, 2), ["shop", `${late}:80`]);
    assert.deepEqual(await addresses(), { ready: [late], notReady: [never] });

    const slices = await k.ok([
      "get",
      "endpointslices",
      "-l",
      "kubernetes.io/service-name=shop",
      "-o",
      'jsonpath={range .items[*].endpoints[*]}{.addresses[0]}={.conditions.ready}{"\\n"}{end}',
    ]);
    assert.deepEqual(lines(slices).sort(), [`${late}=true`, `${never}=false`].sort());
    const table = await k.ok(["get", "endpointslices", "-l", "kubernetes.io/service-name=shop"]);
    const sliceRow = lines(table).map(cells)[1]!;
    assert.match(sliceRow[0] ?? "", /^shop-[a-z0-9]{5}$/);
    assert.deepEqual(sliceRow.slice(1, 3), ["IPv4", "80"]);
    assert.deepEqual((sliceRow[3] ?? "").split(",").sort(), [late, never].sort());

    // Scaled down, its address goes; the never-ready one stays listed as not ready.
    await k.ok(["scale", "deployment/late", "--replicas=0"]);
    await until(["get", "endpoints", "shop"], (s) => /^shop\s+\d+s$/.test(lines(s)[1] ?? ""));
    assert.deepEqual(await addresses(), { ready: [], notReady: [never] });
  });

  test("kubectl drain evicts pods to other nodes, is refused by a PodDisruptionBudget, uncordon", async () => {
    // A learner's bare pods would stop a drain ("cannot delete Pods that declare no controller").
    await k.ok(["delete", "pods", "--all", ...learn]);
    const webNodes = async () => (await podsOf("app=web")).filter((p) => !p.deleting);
    const target = (await webNodes()).map((p) => p.node).find((n) => !n.endsWith("control-plane"));
    assert.ok(target, "a web pod runs on a worker");

    const drained = await k.run([
      "drain",
      target,
      "--ignore-daemonsets",
      "--delete-emptydir-data",
      "--timeout=30s",
    ]);
    assert.equal(drained.code, 0, drained.stderr);
    const out = lines(drained.stdout);
    assert.equal(out[0], `node/${target} cordoned`);
    assert.equal(out.at(-1), `node/${target} drained`);
    assert.ok(
      out.some((l) => /^pod\/web-[a-z0-9]+-[a-z0-9]{5} evicted$/.test(l)),
      drained.stdout,
    );
    assert.ok(
      out.some((l) => /^evicting pod default\/web-[a-z0-9]+-[a-z0-9]{5}$/.test(l)),
      drained.stdout,
    );
    const nodes = await k.ok(["get", "node", target]);
    assert.equal(row(nodes, target)?.[1], "Ready,SchedulingDisabled");
    await until(["get", "deployment", "web"], (s) => row(s, "web")?.[1] === "3/3");
    const moved = await webNodes();
    assert.equal(moved.length, 3);
    assert.ok(
      moved.every((p) => p.node !== target && p.phase === "Running"),
      JSON.stringify(moved),
    );
    assert.equal(await k.ok(["uncordon", target]), `node/${target} uncordoned\n`);
    assert.equal(row(await k.ok(["get", "node", target]), target)?.[1], "Ready");

    // Every web pod must stay: the budget allows no disruption, the drain gives up at its timeout.
    await k.ok(["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=3"]);
    const pdb = await until(["get", "pdb", "web"], (s) => row(s, "web")?.[3] === "0");
    assert.deepEqual(row(pdb, "web")?.slice(1, 4), ["3", "N/A", "0"]);
    const blocked = (await webNodes()).map((p) => p.node).find((n) => n !== target);
    assert.ok(blocked);
    const refused = await k.run([
      "drain",
      blocked,
      "--ignore-daemonsets",
      "--delete-emptydir-data",
      "--timeout=2s",
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.match(refused.stderr, new RegExp(`error: unable to drain node "${blocked}"`));
    assert.equal((await webNodes()).length, 3);
    assert.equal(row(await k.ok(["get", "deployment", "web"]), "web")?.[1], "3/3");
    await k.ok(["delete", "pdb", "web"]);
    await k.ok(["uncordon", blocked]);
    assert.equal(row(await k.ok(["get", "node", blocked]), blocked)?.[1], "Ready");
  });

  test("a StatefulSet starts db-0 then db-1 with Bound claims; a DaemonSet runs one pod a node; a CronJob", async () => {
    const manifest = await k.file(
      "sts.yaml",
      `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts: [{name: data, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`,
    );
    await k.ok(["apply", "-f", manifest]);
    const status = lines(await k.ok(["rollout", "status", "statefulset/db", "--timeout=30s"]));
    assert.equal(status.at(-1), "partitioned roll out complete: 2 new pods have been updated...");
    const pods = lines(await k.ok(["get", "pods", "-l", "app=db"])).map(cells);
    assert.deepEqual(
      pods.slice(1).map((r) => r.slice(0, 3)),
      [
        ["db-0", "1/1", "Running"],
        ["db-1", "1/1", "Running"],
      ],
    );
    // In order: db-1 is created only once db-0 is Running and Ready.
    const times = await k.ok([
      "get",
      "pods",
      "-l",
      "app=db",
      "-o",
      'jsonpath={range .items[*]}{.metadata.name} {.metadata.creationTimestamp} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}{"\\n"}{end}',
    ]);
    const [db0, db1] = lines(times).map((l) => l.split(" "));
    assert.ok(Date.parse(db1![1]!) >= Date.parse(db0![2]!), times);
    const claims = lines(await k.ok(["get", "pvc"])).map(cells);
    assert.deepEqual(claims[0]?.slice(0, 7), [
      "NAME",
      "STATUS",
      "VOLUME",
      "CAPACITY",
      "ACCESS MODES",
      "STORAGECLASS",
      "VOLUMEATTRIBUTESCLASS",
    ]);
    assert.deepEqual(
      claims.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5]]),
      [
        ["data-db-0", "Bound", "1Gi", "RWO", "standard"],
        ["data-db-1", "Bound", "1Gi", "RWO", "standard"],
      ],
    );
    assert.match(claims[1]?.[2] ?? "", /^pvc-[0-9a-f-]{36}$/);
    // A deleted member comes back under its name, on the node its local volume lives on.
    const db0Node = (await podsOf("app=db")).find((p) => p.name === "db-0")?.node;
    const oldUid = await k.ok(["get", "pod", "db-0", "-o", "jsonpath={.metadata.uid}"]);
    await k.ok(["delete", "pod", "db-0"]);
    await until(["get", "pod", "db-0", "-o", "jsonpath={.metadata.uid}"], (uid) => uid !== oldUid);
    await until(["get", "pod", "db-0"], (s) => /1\/1\s+Running/.test(s));
    assert.equal((await podsOf("app=db")).find((p) => p.name === "db-0")?.node, db0Node);
    assert.equal(
      await k.ok(["get", "pod", "db-0", "-o", "jsonpath={.spec.volumes[0].persistentVolumeClaim.claimName}"]),
      "data-db-0",
    );

    const ds = await k.file(
      "ds.yaml",
      `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: busybox
        command: ["sh", "-c", "echo agent up; sleep 3600"]
`,
    );
    await k.ok(["apply", "-f", ds]);
    assert.match(
      await k.ok(["rollout", "status", "daemonset/agent", "--timeout=30s"]),
      /daemon set "agent" successfully rolled out\n$/,
    );
    // Nodes a DaemonSet pod may run on: every node but one tainted NoSchedule for good (a cordon's
    // unschedulable taint is tolerated by DaemonSet pods).
    const nodeList = JSON.parse(await k.ok(["get", "nodes", "-o", "json"])) as {
      items: { metadata: { name: string }; spec: { taints?: { key: string; effect: string }[] } }[];
    };
    const open = nodeList.items
      .filter(
        (n) =>
          !(n.spec.taints ?? []).some(
            (t) => t.effect === "NoSchedule" && t.key !== "node.kubernetes.io/unschedulable",
          ),
      )
      .map((n) => n.metadata.name);
    const agents = (await podsOf("app=agent")).filter((p) => p.phase === "Running");
    assert.deepEqual(agents.map((p) => p.node).sort(), open.sort());
    const dsRow = row(await k.ok(["get", "ds", "agent"]), "agent");
    const n = String(open.length);
    assert.deepEqual(dsRow?.slice(1, 7), [n, n, n, n, n, "<none>"]);

    assert.equal(
      await k.ok([
        "create",
        "cronjob",
        "tick",
        "--image=busybox",
        "--schedule=*/1 * * * *",
        "--",
        "echo",
        "tick",
      ]),
      "cronjob.batch/tick created\n",
    );
    const cron = lines(await k.ok(["get", "cronjob", "tick"])).map(cells);
    assert.deepEqual(cron[0], ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"]);
    assert.deepEqual(cron[1]?.slice(0, 6), ["tick", "*/1 * * * *", "<none>", "False", "0", "<none>"]);
  });

  test("a failed node goes NotReady, its Deployment pods move to other nodes; recovered, Ready again", async () => {
    const { baseUrl, caPem: ca } = k.server;
    const token = k.tenantToken;
    const live = async () => (await podsOf("app=web")).filter((p) => !p.deleting);
    const victim = (await live()).map((p) => p.node).find((n) => !n.endsWith("control-plane"));
    assert.ok(victim);
    const nodeUrl = `${baseUrl}/v1/clusters/${k.clusterId}/nodes/${victim}`;
    const failed = await httpsRequest(`${nodeUrl}/fail`, { method: "POST", token, ca });
    assert.equal(failed.status, 202, failed.text);
    assert.equal(failed.json().state, "Failed");

    await until(["get", "node", victim], (s) => row(s, victim)?.[1] === "NotReady");
    const moved = await until(
      ["get", "pods", "-l", "app=web", "-o", "wide"],
      (s) => {
        const rows = lines(s).map(cells).slice(1);
        const running = rows.filter((r) => r[2] === "Running" && r[6] !== victim);
        return running.length === 3;
      },
      30_000,
    );
    // Pods on the lost node stay Terminating: its kubelet cannot confirm they stopped.
    for (const r of lines(moved)
      .map(cells)
      .slice(1)
      .filter((r) => r[6] === victim))
      assert.equal(r[2], "Terminating");
    const described = await k.ok(["describe", "node", victim]);
    assert.match(
      described,
      /Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute\n\s+node\.kubernetes\.io\/unreachable:NoSchedule\n/,
    );

    const recovered = await httpsRequest(`${nodeUrl}/recover`, { method: "POST", token, ca });
    assert.equal(recovered.status, 202, recovered.text);
    await until(["get", "node", victim], (s) => row(s, victim)?.[1] === "Ready");
    // Back, its kubelet finishes the deletions it missed.
    await until(["get", "pods", "-l", "app=web", "-o", "wide"], (s) => !s.includes("Terminating"));
    assert.equal((await live()).length, 3);
  });
});

/**
 * What only realistic timing shows: a crash loop alternates Error (the exit, as the kubelet reports
 * it) and CrashLoopBackOff (the back-off before the next start, 10 s, then 20 s), and an image typo
 * alternates ErrImagePull (each pull attempt) and ImagePullBackOff.
 */
describe("crash loops and pull back-off at realistic speed", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("kubectl-workloads-realistic@example.com");
  });
  after(() => k?.close());

  test("get pods -w: Error ↔ CrashLoopBackOff with RESTARTS growing; ErrImagePull ↔ ImagePullBackOff", async () => {
    const watch = streamKubectl(k, ["get", "pods", "-w", "--output-watch-events"]);
    try {
      // The watch is live once it reports a first pod.
      await k.ok(["run", "first", "--image=nginx:1.27"]);
      await watch.lineCount(2);
      await k.ok(["run", "crash", "--image=busybox", "--", "sh", "-c", "echo boom; exit 1"]);
      await k.ok(["run", "typo", "--image=ngnix"]);
      // The second restart comes 10 s after the first crash-loop exit.
      const deadline = Date.now() + 25_000;
      const statuses = (name: string) =>
        lines(watch.output())
          .slice(1)
          .map(cells)
          .filter((r) => r[1] === name)
          .map((r) => `${r[3]} ${r[4]?.replace(/ \(\d+[smh]+ ago\)$/, "")}`)
          .filter((s, i, all) => s !== all[i - 1]);
      while (
        !statuses("crash").includes("Error 2") ||
        statuses("typo").filter((s) => s.startsWith("ImagePullBackOff")).length < 2
      ) {
        assert.ok(Date.now() < deadline, watch.output());
        await sleep(200);
      }
      const crash = statuses("crash");
      assert.deepEqual(crash.slice(crash.indexOf("Error 0"), crash.indexOf("Error 2") + 1), [
        "Error 0",
        "Error 1",
        "CrashLoopBackOff 1",
        "Error 2",
      ]);
      assert.deepEqual(statuses("typo").slice(-4), [
        "ErrImagePull 0",
        "ImagePullBackOff 0",
        "ErrImagePull 0",
        "ImagePullBackOff 0",
      ]);
    } finally {
      await watch.stop();
    }
    const described = await k.ok(["describe", "pod", "crash"]);
    assert.match(
      described,
      /Warning\s+BackOff\s+.*Back-off restarting failed container crash in pod crash_default/,
    );
    assert.equal(await k.ok(["logs", "crash", "--previous"]), "boom\n");
  });
});
