import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CORE_STRATEGIES } from "./core/index.ts";
import { GROUP_STRATEGIES } from "./groups.ts";
import { RESOURCES } from "./resources.ts";
import { strategyFor } from "./strategies.ts";

describe("group strategies", () => {
  test("every strategy belongs to a served storage resource", () => {
    for (const { group, resource } of GROUP_STRATEGIES) {
      assert.ok(
        RESOURCES.some((r) => r.storage.group === group && r.storage.resource === resource),
        `${group}/${resource} is not served`,
      );
    }
  });

  test("strategyFor answers with them, and every served resource has its own", () => {
    for (const { group, resource, strategy } of [...CORE_STRATEGIES, ...GROUP_STRATEGIES]) {
      assert.equal(strategyFor(group, resource, strategy.hasStatusSubresource), strategy);
    }
    const own = new Set([...CORE_STRATEGIES, ...GROUP_STRATEGIES].map((s) => `${s.group}/${s.resource}`));
    const generic = RESOURCES.filter(
      (r) => !["authorization.k8s.io", "metrics.k8s.io"].includes(r.group) && r.resource !== "bindings",
    ).filter((r) => !own.has(`${r.storage.group}/${r.storage.resource}`));
    assert.deepEqual(
      generic.map((r) => `${r.group}/${r.resource}`),
      ["/replicationcontrollers"],
    );
  });
});
