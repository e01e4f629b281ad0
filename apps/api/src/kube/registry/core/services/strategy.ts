/**
 * The Service strategy (pkg/registry/core/service/strategy.go and storage, release-1.32): defaults,
 * IP family initialisation, validation, and cluster IP / node port allocation in the transaction.
 * Services have a status subresource and no metadata.generation.
 */
import type { Strategy } from "../../types.ts";
import { ensureObject } from "../json.ts";
import { allocateServiceCreate, allocateServiceUpdate } from "./allocation.ts";
import { defaultService, normalizeClusterIPsOnCreate } from "./defaults.ts";
import { dropTypeDependentFields, normalizeClusterIPsOnUpdate, patchAllocatedValues } from "./update-prep.ts";
import { validateService, validateServiceUpdate } from "./validation.ts";

export const serviceStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  nameValidation: "dns-1035-label",
  applyDefaults: defaultService,
  prepareForCreate(svc) {
    svc.status = { loadBalancer: {} };
    normalizeClusterIPsOnCreate(svc);
  },
  prepareForUpdate(next, prev) {
    next.status = structuredClone(prev.status ?? { loadBalancer: {} });
    const spec = ensureObject(next, "spec");
    const old = ensureObject(structuredClone(prev), "spec");
    patchAllocatedValues(spec, old);
    normalizeClusterIPsOnUpdate(spec, old);
    dropTypeDependentFields(next, prev);
    // An update that omits the policy adopts the stored one (initIPFamilyFields).
    if (
      (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) &&
      old.ipFamilyPolicy &&
      spec.type !== "ExternalName"
    ) {
      spec.ipFamilyPolicy = old.ipFamilyPolicy;
    }
  },
  validate: (svc) => validateService(svc),
  validateUpdate: (next, prev) => validateServiceUpdate(next, prev),
  beforeCreate: (svc, ctx) => allocateServiceCreate(svc, ctx.tx, ctx.dryRun),
  beforeUpdate: (next, prev, ctx) => allocateServiceUpdate(next, prev, ctx.tx, ctx.dryRun),
};
