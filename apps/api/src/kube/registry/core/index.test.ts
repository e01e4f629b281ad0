import assert from "node:assert/strict";
import { test } from "node:test";
import { strategyFor } from "../strategies.ts";
import { CORE_STRATEGIES } from "./index.ts";
import { podStrategy } from "./pods/strategy.ts";
import { serviceStrategy } from "./services/strategy.ts";

test("importing the core registry registers every core kind", () => {
  assert.equal(strategyFor("", "pods", true), podStrategy);
  assert.equal(strategyFor("", "services", true), serviceStrategy);
  for (const { group, resource, strategy } of CORE_STRATEGIES)
    assert.equal(strategyFor(group, resource, false), strategy);
  const withStatus = CORE_STRATEGIES.filter((s) => s.strategy.hasStatusSubresource).map((s) => s.resource);
  assert.deepEqual(withStatus, [
    "pods",
    "services",
    "namespaces",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "resourcequotas",
  ]);
  assert.ok(
    CORE_STRATEGIES.every((s) => !s.strategy.tracksGeneration),
    "no core/v1 kind has metadata.generation in 1.32",
  );
});
