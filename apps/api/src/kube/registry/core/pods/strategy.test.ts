import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeObject, ObjectRef } from "../../../object/types.ts";
import { messages, type StrategyHarness, stored, strategyHarness } from "../testing.ts";
import { podStrategy } from "./strategy.ts";

const ref = (name: string): ObjectRef => ({ group: "", resource: "pods", namespace: "default", name });
const pod = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec,
});

describe("pod strategy", () => {
  let h: StrategyHarness;
  before(async () => {
    h = await strategyHarness();
  });
  after(() => h.close());

  test("a minimal pod is stored as a 1.32 cluster shows it (kubectl get pod -o yaml)", async () => {
    const created = stored(
      await h.create(podStrategy, ref("web"), pod("web", { containers: [{ name: "web", image: "nginx" }] })),
    );
    const spec = created.spec as Record<string, unknown>;
    const volumes = spec.volumes as { name: string }[];
    const tokenVolume = volumes[0]!.name;
    assert.match(tokenVolume, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(spec, {
      containers: [
        {
          image: "nginx",
          imagePullPolicy: "Always",
          name: "web",
          resources: {},
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          volumeMounts: [
            { mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", name: tokenVolume, readOnly: true },
          ],
        },
      ],
      dnsPolicy: "ClusterFirst",
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
      priority: 0,
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      securityContext: {},
      serviceAccount: "default",
      serviceAccountName: "default",
      terminationGracePeriodSeconds: 30,
      tolerations: [
        {
          effect: "NoExecute",
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          tolerationSeconds: 300,
        },
        {
          effect: "NoExecute",
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          tolerationSeconds: 300,
        },
      ],
      volumes: [
        {
          name: tokenVolume,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
              { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
              {
                downwardAPI: {
                  items: [
                    { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" },
                  ],
                },
              },
            ],
          },
        },
      ],
    });
    assert.deepEqual(created.status, { phase: "Pending", qosClass: "BestEffort" });
    assert.equal(created.metadata.generation, undefined);
    // Every later write defaults again (status writes included): nothing may change the second time.
    const again = structuredClone(created);
    podStrategy.applyDefaults?.(again);
    assert.deepEqual(again, created);
  });

  test("tagged images pull IfNotPresent; limits fill requests and make the pod Guaranteed", async () => {
    const created = stored(
      await h.create(
        podStrategy,
        ref("db"),
        pod("db", {
          containers: [
            {
              name: "db",
              image: "mongo:5.0",
              ports: [{ containerPort: 27017 }],
              resources: { limits: { cpu: "0.5", memory: "128Mi" } },
              readinessProbe: { httpGet: { port: 8080 } },
            },
          ],
        }),
      ),
    );
    const c = (created.spec as { containers: Record<string, unknown>[] }).containers[0]!;
    assert.equal(c.imagePullPolicy, "IfNotPresent");
    assert.deepEqual(c.ports, [{ containerPort: 27017, protocol: "TCP" }]);
    assert.deepEqual(c.resources, {
      limits: { cpu: "500m", memory: "128Mi" },
      requests: { cpu: "500m", memory: "128Mi" },
    });
    assert.deepEqual(c.readinessProbe, {
      failureThreshold: 3,
      httpGet: { path: "/", port: 8080, scheme: "HTTP" },
      periodSeconds: 10,
      successThreshold: 1,
      timeoutSeconds: 1,
    });
    assert.equal((created.status as { qosClass: string }).qosClass, "Guaranteed");
  });

  test("validation messages and paths are upstream's", async () => {
    assert.deepEqual(messages(await h.create(podStrategy, ref("empty"), pod("empty", {}))), [
      "spec.containers: Required value",
    ]);
    const errs = messages(
      await h.create(
        podStrategy,
        ref("bad"),
        pod("bad", {
          restartPolicy: "Sometimes",
          containers: [
            {
              name: "web",
              ports: [{ containerPort: 70000, protocol: "HTTP" }],
              volumeMounts: [{ name: "x", mountPath: "/x" }],
            },
            { name: "web", image: "nginx", resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } },
          ],
        }),
      ),
    );
    assert.deepEqual(errs, [
      "spec.containers[0].image: Required value",
      "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.containers[0].volumeMounts[0].name: Not found: "x"',
      'spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      'spec.containers[1].name: Duplicate value: "web"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  test("an update may change images but not ports, with upstream's message", async () => {
    const current = stored(
      await h.create(
        podStrategy,
        ref("upd"),
        pod("upd", { containers: [{ name: "web", image: "nginx:1.25" }] }),
      ),
    );
    const newer = structuredClone(current);
    (newer.spec as { containers: { image: string }[] }).containers[0]!.image = "nginx:1.26";
    const updated = stored(await h.update(podStrategy, ref("upd"), newer));
    assert.equal((updated.spec as { containers: { image: string }[] }).containers[0]!.image, "nginx:1.26");
    const ported = structuredClone(updated);
    (ported.spec as { containers: Record<string, unknown>[] }).containers[0]!.ports = [{ containerPort: 80 }];
    const [err] = messages(await h.update(podStrategy, ref("upd"), ported));
    assert.ok(
      err!.startsWith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  core.PodSpec{\n",
      ),
      err,
    );
    assert.match(err!, /\+ \tContainers\[0\]\.Ports: \[\{"containerPort":80,"protocol":"TCP"\}\],/);
  });
});
