import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "../../errors.ts";
import {
  decodeKubernetesProtobuf,
  isKubernetesProtobuf,
  MalformedProtobufError,
  UnsupportedProtobufKindError,
} from "./index.ts";
import {
  bytes,
  concat,
  envelope,
  mapEntry,
  message,
  objectMeta,
  packed,
  rawVarint,
  varint,
} from "./test-wire-encoder.ts";

// Field numbers below are read from k8s.io/api and apimachinery generated.proto at release-1.32 and
// written out here on purpose, so these tests check the decoder's table rather than reuse it.

const decode = (b: Uint8Array) => decodeKubernetesProtobuf(b).object;

describe("objects as kubectl's typed clients send them", () => {
  test("ConfigMap from `kubectl create configmap x --from-literal=a=b`", () => {
    // core/v1 ConfigMap: metadata 1, data 2 (map<string,string>).
    const body = envelope("v1", "ConfigMap", concat(objectMeta(1, { name: "x" }), mapEntry(2, "a", "b")));
    const decoded = decodeKubernetesProtobuf(body);
    assert.equal(decoded.apiVersion, "v1");
    assert.equal(decoded.kind, "ConfigMap");
    // Empty non-pointer strings and generation 0 are on the wire but omitempty in Go: gone. The
    // empty creationTimestamp is Go's zero Time, which metav1.Time marshals as null.
    assert.deepEqual(decoded.object, {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "x", creationTimestamp: null },
      data: { a: "b" },
    });
  });

  test("Secret and ConfigMap bytes become base64; a present pointer bool is kept", () => {
    // core/v1 Secret: metadata 1, data 2 (map<string,bytes>), type 3, stringData 4, immutable 5.
    const secret = envelope(
      "v1",
      "Secret",
      concat(
        objectMeta(1, { name: "s1", namespace: "default" }),
        mapEntry(2, "password", "hunter2"),
        mapEntry(2, "bin", Uint8Array.from([0x00, 0xff, 0x10, 0x80])),
        bytes(3, "Opaque"),
        varint(5, false),
      ),
    );
    assert.deepEqual(decode(secret), {
      kind: "Secret",
      apiVersion: "v1",
      metadata: { name: "s1", namespace: "default", creationTimestamp: null },
      immutable: false,
      data: { bin: "AP8QgA==", password: "aHVudGVyMg==" },
      type: "Opaque",
    });
    // ConfigMap binaryData 3 (map<string,bytes>).
    const cm = envelope(
      "v1",
      "ConfigMap",
      concat(objectMeta(1, { name: "b" }), mapEntry(3, "k", Uint8Array.from([1, 2]))),
    );
    assert.deepEqual(decode(cm).binaryData, { k: "AQI=" });
  });

  test("Deployment from `kubectl create deployment web --image=nginx --replicas=2`", () => {
    // apps/v1 DeploymentSpec: replicas 1, selector 2, template 3, strategy 4, minReadySeconds 5,
    // paused 7. PodSpec: containers 2, restartPolicy 3, dnsPolicy 6 … Container: name 1, image 2,
    // workingDir 5, resources 8, terminationMessagePath 13, imagePullPolicy 14, stdin 16.
    const labels = { app: "web" };
    const container = message(
      2,
      bytes(1, "nginx"),
      bytes(2, "nginx"),
      bytes(5, ""),
      bytes(8, ""),
      bytes(13, ""),
      bytes(14, ""),
      varint(16, false),
      varint(17, false),
      varint(18, false),
      bytes(20, ""),
    );
    const podSpec = message(
      2,
      container,
      bytes(3, ""),
      bytes(6, ""),
      bytes(8, ""),
      varint(11, false),
      bytes(19, ""),
    );
    const spec = message(
      2,
      varint(1, 2),
      message(2, mapEntry(1, "app", "web")),
      message(3, objectMeta(1, { labels }), podSpec),
      message(4, bytes(1, "")),
      varint(5, 0),
      varint(7, false),
    );
    const status = message(
      3,
      varint(1, 0),
      varint(2, 0),
      varint(3, 0),
      varint(4, 0),
      varint(5, 0),
      varint(7, 0),
    );
    const body = envelope(
      "apps/v1",
      "Deployment",
      concat(objectMeta(1, { name: "web", labels }), spec, status),
    );
    // What `kubectl create deployment … --dry-run=client -o json` prints for the same object:
    // non-pointer structs (resources, strategy, status) stay as {}.
    assert.deepEqual(decode(body), {
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name: "web", creationTimestamp: null, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { creationTimestamp: null, labels },
          spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  test("Service ports with IntOrString targetPort as number, string and zero", () => {
    // ServiceSpec: ports 1, selector 2, clusterIP 3, type 4. ServicePort: name 1, protocol 2, port 3,
    // targetPort 4, nodePort 5. IntOrString: type 1 (0 Int, 1 String), intVal 2, strVal 3.
    const port = (name: string, number: number, target: Uint8Array[], nodePort = 0) =>
      message(
        1,
        bytes(1, name),
        bytes(2, "TCP"),
        varint(3, number),
        message(4, ...target),
        varint(5, nodePort),
      );
    const spec = message(
      2,
      port("http", 80, [varint(1, 0), varint(2, 8080), bytes(3, "")], 30080),
      port("https", 443, [varint(1, 1), varint(2, 0), bytes(3, "https")]),
      port("raw", 9000, []),
      mapEntry(2, "app", "web"),
      bytes(3, ""),
      bytes(4, "NodePort"),
    );
    const body = envelope(
      "v1",
      "Service",
      concat(objectMeta(1, { name: "web" }), spec, message(3, message(1))),
    );
    assert.deepEqual(decode(body), {
      kind: "Service",
      apiVersion: "v1",
      metadata: { name: "web", creationTimestamp: null },
      spec: {
        ports: [
          { name: "http", protocol: "TCP", port: 80, targetPort: 8080, nodePort: 30080 },
          { name: "https", protocol: "TCP", port: 443, targetPort: "https" },
          // A zero IntOrString is a struct, which omitempty never drops: Go prints 0.
          { name: "raw", protocol: "TCP", port: 9000, targetPort: 0 },
        ],
        selector: { app: "web" },
        type: "NodePort",
      },
      status: { loadBalancer: {} },
    });
  });

  test("Job: pointer int32 zero kept, absent pointers omitted, packed and unpacked repeated ints", () => {
    // JobSpec: parallelism 1, completions 2, podFailurePolicy 11, backoffLimit 7, template 6.
    // PodFailurePolicy: rules 1; rule: action 1, onExitCodes 2 {containerName 1, operator 2, values 3}.
    const rule = message(
      1,
      bytes(1, "FailJob"),
      message(2, bytes(1, "main"), bytes(2, "In"), packed(3, [1, 42]), varint(3, 137)),
    );
    const container = message(
      2,
      bytes(1, "j1"),
      bytes(2, "busybox"),
      bytes(3, "echo"),
      bytes(3, "hi"),
      bytes(8, ""),
    );
    const template = message(6, objectMeta(1, {}), message(2, container, bytes(3, "Never")));
    const spec = message(2, varint(1, 0), message(11, rule), varint(7, 6), template);
    const body = envelope("batch/v1", "Job", concat(objectMeta(1, { name: "j1" }), spec, message(3)));
    assert.deepEqual(decode(body), {
      kind: "Job",
      apiVersion: "batch/v1",
      metadata: { name: "j1", creationTimestamp: null },
      spec: {
        parallelism: 0,
        podFailurePolicy: {
          rules: [
            {
              action: "FailJob",
              onExitCodes: { containerName: "main", operator: "In", values: [1, 42, 137] },
            },
          ],
        },
        backoffLimit: 6,
        template: {
          metadata: { creationTimestamp: null },
          spec: {
            containers: [{ name: "j1", image: "busybox", command: ["echo", "hi"], resources: {} }],
            restartPolicy: "Never",
          },
        },
      },
      status: {},
    });
  });

  test("SelfSubjectAccessReview from `kubectl auth can-i create pods`", () => {
    // SelfSubjectAccessReviewSpec: resourceAttributes 1. ResourceAttributes: namespace 1, verb 2,
    // group 3, version 4, resource 5, subresource 6, name 7. Status: allowed 1, reason 2,
    // evaluationError 3, denied 4.
    const attrs = message(
      1,
      bytes(1, "default"),
      bytes(2, "create"),
      bytes(3, ""),
      bytes(4, ""),
      bytes(5, "pods"),
      bytes(6, ""),
      bytes(7, ""),
    );
    const status = message(3, varint(1, false), bytes(2, ""), bytes(3, ""), varint(4, false));
    const body = envelope(
      "authorization.k8s.io/v1",
      "SelfSubjectAccessReview",
      concat(objectMeta(1, {}), message(2, attrs), status),
    );
    assert.deepEqual(decode(body), {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } },
      // `allowed` has no omitempty upstream, so false stays; `denied` has it, so it goes.
      status: { allowed: false },
    });
  });

  test("Eviction with deleteOptions", () => {
    // policy/v1 Eviction: metadata 1, deleteOptions 2. DeleteOptions: gracePeriodSeconds 1,
    // preconditions 2 {uid 1, resourceVersion 2}, orphanDependents 3, propagationPolicy 4, dryRun 5.
    const options = message(
      2,
      varint(1, 0),
      message(2, bytes(1, "u-1")),
      bytes(4, "Foreground"),
      bytes(5, "All"),
    );
    const body = envelope(
      "policy/v1",
      "Eviction",
      concat(objectMeta(1, { name: "p1", namespace: "default" }), options),
    );
    assert.deepEqual(decode(body), {
      kind: "Eviction",
      apiVersion: "policy/v1",
      metadata: { name: "p1", namespace: "default", creationTimestamp: null },
      deleteOptions: {
        gracePeriodSeconds: 0,
        preconditions: { uid: "u-1" },
        propagationPolicy: "Foreground",
        dryRun: ["All"],
      },
    });
  });

  test("DeleteOptions under any group version, as typed deletes send it", () => {
    const body = envelope("apps/v1", "DeleteOptions", concat(varint(1, 30), bytes(4, "Background")));
    assert.deepEqual(decode(body), {
      kind: "DeleteOptions",
      apiVersion: "apps/v1",
      gracePeriodSeconds: 30,
      propagationPolicy: "Background",
    });
  });
});

describe("special types", () => {
  test("Time drops nanoseconds, MicroTime keeps microseconds, an empty MicroTime pointer is null", () => {
    // coordination/v1 Lease spec: holderIdentity 1, leaseDurationSeconds 2, acquireTime 3, renewTime 4.
    // Time/MicroTime: seconds 1, nanos 2. ObjectMeta creationTimestamp 8 (after the fields objectMeta writes,
    // so it wins).
    const meta = message(1, bytes(1, "l"), message(8, varint(1, 1704164645), varint(2, 5)));
    const spec = message(
      2,
      bytes(1, "me"),
      varint(2, 15),
      message(3, varint(1, 1704164645), varint(2, 123456789)),
      message(4),
    );
    assert.deepEqual(decode(envelope("coordination.k8s.io/v1", "Lease", concat(meta, spec))), {
      kind: "Lease",
      apiVersion: "coordination.k8s.io/v1",
      metadata: { name: "l", creationTimestamp: "2024-01-02T03:04:05Z" },
      spec: {
        holderIdentity: "me",
        leaseDurationSeconds: 15,
        acquireTime: "2024-01-02T03:04:05.123456Z",
        renewTime: null,
      },
    });
  });

  test("managedFields: FieldsV1 raw JSON is parsed, time formatted", () => {
    // ObjectMeta managedFields 17. ManagedFieldsEntry: manager 1, operation 2, apiVersion 3, time 4,
    // fieldsType 6, fieldsV1 7 {Raw 1}, subresource 8.
    const fields = '{"f:data":{".":{},"f:a":{}}}';
    const entry = message(
      17,
      bytes(1, "kubectl-create"),
      bytes(2, "Update"),
      bytes(3, "v1"),
      message(4, varint(1, 1704164645)),
      bytes(6, "FieldsV1"),
      message(7, bytes(1, fields)),
      bytes(8, ""),
    );
    const body = envelope("v1", "ConfigMap", message(1, bytes(1, "x"), entry));
    assert.deepEqual(decode(body).metadata, {
      name: "x",
      creationTimestamp: null,
      managedFields: [
        {
          manager: "kubectl-create",
          operation: "Update",
          apiVersion: "v1",
          time: "2024-01-02T03:04:05Z",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:data": { ".": {}, "f:a": {} } },
        },
      ],
    });
  });

  test("resource quantities pass through as written; ExtraValue maps become string arrays", () => {
    // Container resources 8: limits 1, requests 2 (map<string, Quantity{string 1}>).
    const resources = message(
      8,
      mapEntry(1, "cpu", [bytes(1, "500m")]),
      mapEntry(2, "memory", [bytes(1, "1Gi")]),
      mapEntry(2, "x", []),
    );
    const pod = envelope("v1", "Pod", message(2, message(2, bytes(1, "c"), resources)));
    const container = (decode(pod).spec as { containers: unknown[] }).containers[0];
    // An empty Quantity message is the zero Quantity, which Go prints as "0".
    assert.deepEqual(container, {
      name: "c",
      resources: { limits: { cpu: "500m" }, requests: { memory: "1Gi", x: "0" } },
    });

    // authorization/v1 SubjectAccessReviewSpec: user 3, groups 4, extra 5 (map<string, ExtraValue{items 1}>).
    const spec = message(
      2,
      bytes(3, "alice"),
      bytes(4, "devs"),
      mapEntry(5, "scopes", [bytes(1, "a"), bytes(1, "b")]),
    );
    const sar = decode(envelope("authorization.k8s.io/v1", "SubjectAccessReview", spec));
    assert.deepEqual(sar.spec, { user: "alice", groups: ["devs"], extra: { scopes: ["a", "b"] } });
  });
});

describe("wire-level rules", () => {
  test("unknown fields and groups are skipped; the last scalar wins; repeated messages merge", () => {
    const group = concat(rawVarint((50 << 3) | 3), varint(1, 7), rawVarint((50 << 3) | 4));
    const body = envelope(
      "v1",
      "ConfigMap",
      concat(
        message(1, bytes(1, "first"), bytes(1, "x")),
        message(1, bytes(3, "ns")),
        varint(99, 5),
        group,
        mapEntry(2, "a", "1"),
        mapEntry(2, "a", "2"),
      ),
    );
    assert.deepEqual(decode(body), {
      kind: "ConfigMap",
      apiVersion: "v1",
      // creationTimestamp never came: an absent non-pointer struct is its zero value, as in Go.
      metadata: { name: "x", namespace: "ns", creationTimestamp: null },
      data: { a: "2" },
    });
  });

  test("negative int32 (ten-byte varint) and int64", () => {
    // PodSpec priority 25 (int32 pointer), activeDeadlineSeconds 5 (int64 pointer).
    const pod = envelope("v1", "Pod", message(2, varint(25, -5), varint(5, -1)));
    // `containers` has no omitempty upstream, so the nil slice prints as null.
    assert.deepEqual(decode(pod).spec, { containers: null, priority: -5, activeDeadlineSeconds: -1 });
  });

  test("missing typeMeta is filled from the request's defaults", () => {
    const raw = concat(Uint8Array.from([0x6b, 0x38, 0x73, 0]), bytes(2, objectMeta(1, { name: "x" })));
    const decoded = decodeKubernetesProtobuf(raw, { apiVersion: "v1", kind: "ConfigMap" });
    assert.equal(decoded.kind, "ConfigMap");
    assert.deepEqual(decoded.object.metadata, { name: "x", creationTimestamp: null });
    assert.throws(() => decodeKubernetesProtobuf(raw), /Object 'Kind' is missing/);
  });
});

describe("errors", () => {
  const malformed = (b: Uint8Array, message: RegExp | string) =>
    assert.throws(
      () => decodeKubernetesProtobuf(b),
      (err: unknown) => {
        assert.ok(err instanceof MalformedProtobufError);
        assert.equal(err.status, 400);
        assert.equal(err.reason, "BadRequest");
        if (typeof message === "string") assert.equal(err.message, message);
        else assert.match(err.message, message);
        return true;
      },
    );

  test("bodies that are not Kubernetes protobuf (messages from runtime/serializer/protobuf)", () => {
    malformed(new Uint8Array(0), "empty data");
    malformed(
      new TextEncoder().encode('{"kind":"ConfigMap"}'),
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
    malformed(Uint8Array.from([0x6b, 0x38, 0x73, 0]), "empty body");
  });

  test("a kind without a schema is 415 UnsupportedMediaType", () => {
    assert.throws(
      () => decodeKubernetesProtobuf(envelope("example.com/v1", "Widget", new Uint8Array(0))),
      (err: unknown) => {
        assert.ok(err instanceof UnsupportedProtobufKindError);
        assert.ok(err instanceof ApiError);
        assert.equal(err.status, 415);
        assert.equal(err.reason, "UnsupportedMediaType");
        assert.match(err.message, /kind "Widget" in version "example.com\/v1"/);
        return true;
      },
    );
  });

  test("broken object bytes are worded like kube-apiserver's decode errors", () => {
    const truncated = envelope("v1", "ConfigMap", Uint8Array.from([0x0a, 0x05, 0x0a]));
    malformed(truncated, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF');
    const wrongWire = envelope("v1", "ConfigMap", message(1, varint(1, 3)));
    malformed(wrongWire, /cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field name$/);
    const overflow = envelope(
      "v1",
      "ConfigMap",
      concat(Uint8Array.from([0x38]), new Uint8Array(11).fill(0xff)),
    );
    malformed(overflow, /proto: integer overflow$/);
    const negativeLength = envelope("v1", "ConfigMap", concat(Uint8Array.from([0x0a]), rawVarint(-1)));
    malformed(negativeLength, /proto: negative length found during unmarshaling$/);
    malformed(envelope("v1", "ConfigMap", Uint8Array.from([0x0f])), /proto: illegal wireType 7$/);
    malformed(envelope("v1", "ConfigMap", Uint8Array.from([0x0c])), /wiretype end group for non-group$/);
    malformed(
      envelope("v1", "ConfigMap", message(1, message(17, message(7, bytes(1, "{nope"))))),
      /not valid JSON/,
    );
    malformed(
      envelope("v1", "Service", message(2, message(1, message(4, varint(1, 7))))),
      /impossible IntOrString.Type$/,
    );
  });

  test("a broken envelope names the expected kind when the caller gives it", () => {
    const body = Uint8Array.from([0x6b, 0x38, 0x73, 0, 0x12, 0x09, 0x00]);
    assert.throws(
      () => decodeKubernetesProtobuf(body, { kind: "ConfigMap" }),
      /^MalformedProtobufError: the object provided is unrecognized \(must be of type ConfigMap\): unexpected EOF$/,
    );
  });

  test("random bytes after the prefix never escape as anything but typed errors", () => {
    // A fixed-seed LCG keeps this deterministic and cheap.
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const valid = envelope(
      "apps/v1",
      "Deployment",
      message(2, varint(1, 3), message(3, message(2, message(2, bytes(1, "c"))))),
    );
    for (let i = 0; i < 300; i++) {
      const mutated = Uint8Array.from(valid);
      for (let j = 0; j < 3; j++) mutated[4 + (next() % (mutated.length - 4))] = next() % 256;
      const cut = mutated.subarray(0, 4 + (next() % (mutated.length - 3)));
      try {
        decodeKubernetesProtobuf(cut);
      } catch (err) {
        assert.ok(err instanceof ApiError, `unexpected ${String(err)}`);
      }
    }
  });
});

test("isKubernetesProtobuf reads the media type and ignores parameters", () => {
  assert.equal(isKubernetesProtobuf("application/vnd.kubernetes.protobuf"), true);
  assert.equal(isKubernetesProtobuf("application/vnd.kubernetes.protobuf; charset=binary"), true);
  assert.equal(isKubernetesProtobuf("application/json"), false);
  assert.equal(isKubernetesProtobuf(undefined), false);
});
