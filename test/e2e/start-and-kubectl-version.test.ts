import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { kubectl, writeKubeconfig } from "../fixtures/kubectl.ts";
import { httpsRequest, type ServerProcess, startServerProcess } from "../fixtures/server-process.ts";

/**
 * The first thing a user does: `npm start`, sign up, create a cluster, download its kubeconfig and
 * point the real kubectl at it, over verified TLS.
 */
describe("npm start, then kubectl against a new cluster", () => {
  let server: ServerProcess;
  let kubeconfig: string;
  let clusterId: string;
  let token: string;

  before(async () => {
    server = await startServerProcess();
  });
  after(() => server.cleanup());

  test("sign up, create a cluster, wait until Ready, download the kubeconfig", async () => {
    const { baseUrl, caPem: ca } = server;
    const signup = await httpsRequest(`${baseUrl}/v1/signup`, {
      method: "POST",
      body: { email: "e2e@example.com" },
      ca,
    });
    assert.equal(signup.status, 201, signup.text);
    token = signup.json().token;
    const created = await httpsRequest(`${baseUrl}/v1/clusters`, {
      method: "POST",
      token,
      body: { name: "e2e" },
      ca,
    });
    assert.equal(created.status, 201, created.text);
    clusterId = created.json().id;
    const deadline = Date.now() + 15_000;
    while (
      (await httpsRequest(`${baseUrl}/v1/clusters/${clusterId}`, { token, ca })).json().status.phase !==
      "Ready"
    ) {
      assert.ok(Date.now() < deadline, "cluster never became Ready");
      await new Promise((r) => setTimeout(r, 50));
    }
    const kc = await httpsRequest(`${baseUrl}/v1/clusters/${clusterId}/kubeconfig`, { token, ca });
    assert.equal(kc.status, 200);
    assert.doesNotMatch(kc.text, /insecure-skip-tls-verify/);
    kubeconfig = await writeKubeconfig(server.home, kc.text);
  });

  test("kubectl version reports the server over TLS", async () => {
    const res = await kubectl(kubeconfig, server.home, ["version", "-o", "json"]);
    assert.equal(res.code, 0, res.stderr);
    const version = JSON.parse(res.stdout);
    assert.equal(version.serverVersion.major, "1");
    assert.equal(version.serverVersion.minor, "32");
    assert.equal(version.serverVersion.gitVersion, "v1.32.4");
  });

  test("kubectl get --raw /version answers the cluster's version", async () => {
    const res = await kubectl(kubeconfig, server.home, ["get", "--raw", "/version"]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(JSON.parse(res.stdout).gitVersion, "v1.32.4");
  });

  test("a wrong CA is refused by kubectl: TLS is really verified", async () => {
    const { readFile } = await import("node:fs/promises");
    const { createCertificateAuthority } = await import("../../apps/api/src/tls/certificates.ts");
    const other = Buffer.from(createCertificateAuthority("someone-else").certPem).toString("base64");
    const yaml = (await readFile(kubeconfig, "utf8")).replace(
      /certificate-authority-data: .*/,
      `certificate-authority-data: ${other}`,
    );
    const res = await kubectl(await writeKubeconfig(server.home, yaml, "wrong-ca"), server.home, [
      "get",
      "--raw",
      "/version",
    ]);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /certificate signed by unknown authority/);
  });

  test("after DELETE the kubeconfig is refused with kubectl's login error", async () => {
    const del = await httpsRequest(`${server.baseUrl}/v1/clusters/${clusterId}`, {
      method: "DELETE",
      token,
      ca: server.caPem,
    });
    assert.equal(del.status, 202);
    const res = await kubectl(kubeconfig, server.home, ["get", "--raw", "/version"]);
    assert.notEqual(res.code, 0);
    assert.equal(res.stderr.trim(), "error: You must be logged in to the server (Unauthorized)");
  });
});

describe("shutdown", () => {
  test("SIGTERM finishes in-flight work, closes pools and exits 0", async () => {
    const server = await startServerProcess({}, { direct: true });
    try {
      const code = await server.stop();
      assert.equal(code, 0, server.output());
      assert.match(server.output(), /SIGTERM received/);
    } finally {
      await server.cleanup();
    }
  });
});
