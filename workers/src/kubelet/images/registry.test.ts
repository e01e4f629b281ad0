import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pullImage } from "./registry.ts";

const notFound = (ref: string) =>
  `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
const denied = (ref: string) =>
  `rpc error: code = Unknown desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ` +
  "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";

function pulled(image: string) {
  const result = pullImage(image);
  assert.ok(result.ok, `${image} should pull: ${JSON.stringify(result)}`);
  return result;
}

describe("image references", () => {
  for (const [image, reference] of [
    ["nginx", "docker.io/library/nginx:latest"],
    ["nginx:1.14.2", "docker.io/library/nginx:1.14.2"],
    ["library/nginx:stable", "docker.io/library/nginx:stable"],
    ["docker.io/nginx:alpine", "docker.io/library/nginx:alpine"],
    ["index.docker.io/library/redis:7", "docker.io/library/redis:7"],
    ["bitnami/redis:7", "docker.io/bitnami/redis:7"],
    ["ghcr.io/x/y:tag", "ghcr.io/x/y:tag"],
    ["localhost:5000/team/app", "localhost:5000/team/app:latest"],
    ["registry.example.com:8443/a/b/c:v1.2.3", "registry.example.com:8443/a/b/c:v1.2.3"],
    [`nginx@sha256:${"a".repeat(64)}`, `docker.io/library/nginx@sha256:${"a".repeat(64)}`],
    [`nginx:1.27@sha256:${"b".repeat(64)}`, `docker.io/library/nginx@sha256:${"b".repeat(64)}`],
  ] as const) {
    it(`${image} → ${reference}`, () => assert.equal(pulled(image).reference, reference));
  }

  for (const [image, error] of [
    ["Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"],
    ["nginx:", "invalid reference format"],
    ["nginx:latest:1", "invalid reference format"],
    ["my app", "invalid reference format"],
    ["-nginx", "invalid reference format"],
    ["nginx@sha256:abc", "invalid reference format"],
    [`nginx@sha256:${"a".repeat(40)}`, "invalid checksum digest length"],
    [`nginx@md5:${"a".repeat(32)}`, "unsupported digest algorithm"],
    [
      "a".repeat(64),
      `invalid repository name (${"a".repeat(64)}), cannot specify 64-byte hexadecimal strings`,
    ],
  ] as const) {
    it(`${JSON.stringify(image)} is InvalidImageName`, () => {
      assert.deepEqual(pullImage(image), {
        ok: false,
        reason: "InvalidImageName",
        message: `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${error}`,
      });
    });
  }
});

describe("pulling from the simulated registry", () => {
  it("known images resolve their real tags, patch releases and variants", () => {
    for (const image of [
      "nginx:1.27",
      "nginx:1.25.3",
      "nginx:1.25-alpine",
      "nginx:alpine3.20",
      "nginx:stable-alpine",
      "postgres:16.4-alpine3.20",
      "node:lts-alpine",
      "node:20.18.0-slim",
      "python:3.12-slim-bookworm",
      "rabbitmq:4-management",
      "busybox:1.28",
      "ubuntu:jammy",
      "debian:bookworm-slim",
      "traefik:v3.2",
      "mongo:7",
      "mongo-express:1.0.2-20-alpine3.19",
      "elasticsearch:8.15.3",
      "perl:5.34.0",
      "nanajanashia/k8s-demo-app:v1.0",
      "gcr.io/google-samples/hello-app:1.0",
    ]) {
      pulled(image);
    }
  });

  it("an unknown tag of a known image is not found", () => {
    assert.deepEqual(pullImage("nginx:1.999"), {
      ok: false,
      reason: "ErrImagePull",
      message: notFound("docker.io/library/nginx:1.999"),
    });
    // The rolling-update tutorial's typo, a patch newer than any release, and an image without `latest`.
    for (const [image, ref] of [
      ["nginx:1.161", "docker.io/library/nginx:1.161"],
      ["nginx:1.25.9", "docker.io/library/nginx:1.25.9"],
      ["elasticsearch", "docker.io/library/elasticsearch:latest"],
      ["nginx:latest-alpine", "docker.io/library/nginx:latest-alpine"],
    ]) {
      assert.deepEqual(pullImage(image!), { ok: false, reason: "ErrImagePull", message: notFound(ref!) });
    }
  });

  it("a near-miss of a known repository is denied as a missing repository", () => {
    for (const [image, ref] of [
      ["ngnix", "docker.io/library/ngnix:latest"],
      ["ngin", "docker.io/library/ngin:latest"],
      ["redsi:7", "docker.io/library/redsi:7"],
      ["postgress", "docker.io/library/postgress:latest"],
      ["mongo-expres", "docker.io/library/mongo-expres:latest"],
      ["nanajanashia/k8s-demo-ap:v1.0", "docker.io/nanajanashia/k8s-demo-ap:v1.0"],
    ]) {
      assert.deepEqual(pullImage(image!), { ok: false, reason: "ErrImagePull", message: denied(ref!) });
    }
  });

  it("other official images and users' own images pull, with a stable size and digest", () => {
    for (const image of [
      "mono",
      "kong:3",
      "myuser/my-app:1.0",
      "ghcr.io/acme/api:sha-1234",
      "registry.local:5000/x",
    ]) {
      const first = pulled(image);
      const again = pulled(image);
      assert.deepEqual(first, again);
      assert.match(first.digest, /^sha256:[0-9a-f]{64}$/);
      assert.ok(first.sizeBytes > 10 * 1024 * 1024);
    }
    assert.notEqual(pulled("myuser/a").digest, pulled("myuser/b").digest);
  });

  it("sizes are realistic and pull times follow them, within 0.5–3 s", () => {
    const busybox = pulled("busybox");
    const nginx = pulled("nginx");
    const postgres = pulled("postgres");
    const elastic = pulled("elasticsearch:8.16.1");
    assert.ok(busybox.sizeBytes < 3 * 1024 * 1024);
    assert.ok(nginx.sizeBytes > 50 * 1024 * 1024 && nginx.sizeBytes < 100 * 1024 * 1024);
    assert.ok(pulled("nginx:alpine").sizeBytes < nginx.sizeBytes);
    assert.equal(busybox.pullMs, 500);
    assert.ok(busybox.pullMs < nginx.pullMs && nginx.pullMs < postgres.pullMs);
    assert.equal(elastic.pullMs, 3000);
  });

  it("a digest reference keeps its digest", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    assert.equal(pulled(`redis@${digest}`).digest, digest);
  });
});
