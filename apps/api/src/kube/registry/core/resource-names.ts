/**
 * Which resource names may appear where (pkg/apis/core/helper/helpers.go and the resource-name
 * validators of pkg/apis/core/validation/validation.go, release-1.32).
 */
import { labelKeyErrors } from "../../selectors/index.ts";
import { type FieldError, invalidField } from "../../validation/field-errors.ts";
import {
  compareQuantities,
  formatQuantity,
  milliValue,
  type Quantity,
  ZERO_QUANTITY,
} from "../../validation/quantity.ts";
import { invalidRendered } from "./go-values.ts";

const STANDARD_CONTAINER_RESOURCES = new Set(["cpu", "memory", "ephemeral-storage"]);
const STANDARD_RESOURCES = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "storage",
  "requests.storage",
  "services.nodeports",
  "services.loadbalancers",
]);
const STANDARD_QUOTA_RESOURCES = new Set([...STANDARD_RESOURCES].filter((r) => r !== "storage"));
const INTEGER_RESOURCES = new Set([
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
]);

export const isHugePageResourceName = (name: string) => name.startsWith("hugepages-");
const isQuotaHugePageResourceName = (name: string) =>
  name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");

/** Unprefixed or kubernetes.io-prefixed names belong to Kubernetes itself. */
function isNativeResource(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

/** Device-plugin style names such as `nvidia.com/gpu`. */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith("requests.")) return false;
  return labelKeyErrors(`requests.${name}`).length === 0;
}

/** Only native, non-hugepage resources may be requested below their limit. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

/** validateResourceName: a qualified name, standard when unprefixed. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = labelKeyErrors(name).map((msg) => invalidField(path, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes("/") && !STANDARD_RESOURCES.has(name) && !isQuotaHugePageResourceName(name)) {
    errs.push(invalidField(path, name, "must be a standard resource type or fully qualified"));
  }
  return errs;
}

/** validateContainerResourceName: what containers (and pod overhead) may request. */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/")) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name)) {
      errs.push(invalidField(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalidField(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceQuotaResourceName */
export function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/") && !STANDARD_QUOTA_RESOURCES.has(name) && !isQuotaHugePageResourceName(name)) {
    errs.push(invalidField(path, name, "must be a standard resource for quota"));
  }
  return errs;
}

/** ValidateResourceQuantityValue: never negative; whole numbers for countable resources. */
export function validateQuantityValue(name: string, q: Quantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (compareQuantities(q, ZERO_QUANTITY) < 0) {
    errs.push(invalidField(path, formatQuantity(q), "must be greater than or equal to 0"));
  }
  if (isIntegerResourceName(name) && milliValue(q) % 1000n !== 0n) {
    errs.push(invalidRendered(path, formatQuantity(q), "must be an integer"));
  }
  return errs;
}
