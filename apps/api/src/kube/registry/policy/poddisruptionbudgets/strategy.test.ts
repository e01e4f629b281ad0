import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../object/types.ts";
import { createThrough } from "../../support/strategy-pipeline.ts";
import { podDisruptionBudgetStrategy } from "./strategy.ts";

function kubectlCreatePdb(): KubeObject {
  const url = new URL("../../../protobuf/testdata/create-poddisruptionbudget.json", import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as KubeObject;
}

describe("PodDisruptionBudget strategy", () => {
  test("kubectl create pdb: valid, zeroed status, generation 1", () => {
    const { obj, errors } = createThrough(podDisruptionBudgetStrategy, kubectlCreatePdb());
    assert.deepEqual(errors, []);
    assert.deepEqual(obj.status, {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
    });
    assert.equal(obj.metadata.generation, 1);
  });

  test("minAvailable and maxUnavailable are exclusive; percentages are checked", () => {
    const body = kubectlCreatePdb();
    const spec = body.spec as Record<string, unknown>;
    spec.maxUnavailable = "120%";
    spec.minAvailable = "x";
    assert.deepEqual(createThrough(podDisruptionBudgetStrategy, body).errors, [
      "spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000000000), Selector:(*v1.LabelSelector)(0xc000000000), MaxUnavailable:(*intstr.IntOrString)(0xc000000000), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set",
      "spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
    ]);
  });
});
