/**
 * ValidateContainerResourceRequirements (pkg/apis/core/validation, release-1.32): resource names,
 * quantities, requests ≤ limits, hugepages rules and claim references.
 */
import {
  duplicateField,
  type FieldError,
  forbiddenField,
  invalidField,
  notFoundField,
  requiredField,
} from "../../validation/field-errors.ts";
import { compareQuantities, formatQuantity } from "../../validation/quantity.ts";
import { asObject, asString, objectsOf } from "./json.ts";
import { resourceEntries } from "./resource-list.ts";
import {
  isHugePageResourceName,
  isOvercommitAllowed,
  validateContainerResourceName,
  validateQuantityValue,
} from "./resource-names.ts";

const QOS_RESOURCES = new Set(["cpu", "memory"]);

/** `resources` of a container under `path` (e.g. "spec.containers[0].resources"). */
export function validateResourceRequirements(
  resources: unknown,
  path: string,
  podClaimNames: ReadonlySet<string> = new Set(),
): FieldError[] {
  const errs: FieldError[] = [];
  const req = asObject(resources) ?? {};
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map(resourceEntries(req.limits));
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits) {
    const at = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, at), ...validateQuantityValue(name, q, at));
    if (isHugePageResourceName(name)) hugePages = true;
    if (QOS_RESOURCES.has(name)) cpuOrMemory = true;
  }
  for (const [name, q] of resourceEntries(req.requests)) {
    const at = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, at), ...validateQuantityValue(name, q, at));
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(
          invalidField(
            reqPath,
            formatQuantity(q),
            `must be equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
      } else if (cmp > 0) {
        errs.push(
          invalidField(
            reqPath,
            formatQuantity(q),
            `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`,
          ),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(requiredField(limPath, "Limit must be set for non overcommitable resources"));
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (QOS_RESOURCES.has(name)) cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(forbiddenField(path, "HugePages require cpu or memory"));
  errs.push(...validateClaimReferences(req.claims, `${path}.claims`, podClaimNames));
  return errs;
}

/** validateResourceClaimNames: each claim named once and declared in spec.resourceClaims. */
function validateClaimReferences(
  claims: unknown,
  path: string,
  podClaimNames: ReadonlySet<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [claim, i] of objectsOf(claims)) {
    const name = asString(claim.name);
    const at = `${path}[${i}]`;
    if (!name) {
      errs.push(requiredField(at));
      continue;
    }
    if (seen.has(name)) errs.push(duplicateField(at, name));
    seen.add(name);
    if (!podClaimNames.has(name)) {
      const known = [...podClaimNames].sort();
      const detail = known.length === 0 ? " which is empty" : `: ${known.join(", ")}`;
      const err = notFoundField(at, name);
      errs.push({
        ...err,
        message: `${err.message}: must be one of the names in pod.spec.resourceClaims${detail}`,
      });
    }
  }
  return errs;
}
