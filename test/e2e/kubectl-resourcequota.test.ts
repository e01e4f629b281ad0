import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type KubectlSession, lines, openKubectlSession } from "../fixtures/kubectl-session.ts";

/** The ResourceQuota tutorial's first steps, as a learner types them against `npm start`. */
describe("kubectl and ResourceQuota", () => {
  let k: KubectlSession;

  before(async () => {
    k = await openKubectlSession("kubectl-quota@example.com", { speed: "instant" });
  });
  after(() => k.close());

  test("a pods quota refuses the pod past it; describe shows used and hard", async () => {
    assert.equal(await k.ok(["create", "quota", "q", "--hard=pods=1"]), "resourcequota/q created\n");
    assert.equal(await k.ok(["run", "a", "--image=nginx"]), "pod/a created\n");
    const refused = await k.run(["run", "b", "--image=nginx"]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'Error from server (Forbidden): pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1\n',
    );

    // The controller writes status.used after the pod's creation: poll until it shows.
    const deadline = Date.now() + 15_000;
    let described = "";
    for (;;) {
      described = await k.ok(["describe", "quota", "q"]);
      if (lines(described).some((l) => /^pods\s+1\s+1$/.test(l))) break;
      assert.ok(Date.now() < deadline, `describe never showed pods 1/1:\n${described}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const table = lines(described).slice(lines(described).findIndex((l) => l.startsWith("Resource")));
    assert.match(table[0]!, /^Resource\s+Used\s+Hard$/);
    assert.match(table[2]!, /^pods\s+1\s+1$/);
    assert.match(await k.ok(["get", "quota", "q"]), /\bpods: 1\/1\b/);
  });
});
