/**
 * The Node strategy (pkg/registry/core/node/strategy.go, ValidateNode / ValidateNodeUpdate,
 * release-1.32). Unlike most kinds a Node may be created with its status (kubelets do).
 */

import { labelValueErrors } from "../../../selectors/index.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import type { Strategy } from "../../types.ts";
import { withDecodeErrors } from "../decode-error.ts";
import { duplicateRendered } from "../go-values.ts";
import { asArray, asObject, asString, ensureObject, type JsonObject, objectsOf } from "../json.ts";
import { validateLabelName } from "../labels.ts";
import { TAINT_EFFECTS } from "../pods/tolerations.ts";
import { defaultResourceList, resourceEntries } from "../resource-list.ts";
import { validateQuantityValue } from "../resource-names.ts";

const CIDR = /^(\d{1,3}(\.\d{1,3}){3})\/(\d|[12]\d|3[0-2])$|^[0-9a-fA-F:]+\/(\d{1,3})$/;

/** validateNodeTaints; upstream builds the path from metadata, hence `metadata.taints`. */
function validateTaints(list: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  for (const [taint, i] of objectsOf(list)) {
    const at = `metadata.taints[${i}]`;
    const key = asString(taint.key);
    const value = asString(taint.value);
    const effect = asString(taint.effect);
    errs.push(...validateLabelName(key, `${at}.key`));
    const msgs = labelValueErrors(value);
    if (msgs.length > 0) errs.push(invalidField(`${at}.value`, value, msgs.join(";")));
    if (!effect) errs.push(requiredField(`${at}.effect`));
    else if (!TAINT_EFFECTS.includes(effect))
      errs.push(notSupportedField(`${at}.effect`, effect, TAINT_EFFECTS));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      const rendered = `core.Taint{Key:${goQuote(key)}, Value:${goQuote(value)}, Effect:${goQuote(effect)}, TimeAdded:(*v1.Time)(nil)}`;
      errs.push(duplicateRendered(at, rendered, "taints must be unique by key and effect pair"));
      continue;
    }
    keys.add(key);
    unique.set(effect, keys);
  }
  return errs;
}

function validateNodeResources(status: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ["capacity", "allocatable"]) {
    for (const [name, q] of resourceEntries(status[list]))
      errs.push(...validateQuantityValue(name, q, `status.${list}.${name}`));
  }
  return errs;
}

function validateNode(node: JsonObject): FieldError[] {
  const spec = asObject(node.spec) ?? {};
  const errs = validateTaints(spec.taints);
  errs.push(...validateNodeResources(asObject(node.status) ?? {}));
  asArray(spec.podCIDRs).forEach((raw, i) => {
    const cidr = asString(raw);
    if (!CIDR.test(cidr)) {
      errs.push(
        invalidField(
          `spec.podCIDRs[${i}]`,
          cidr,
          "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        ),
      );
    }
  });
  return errs;
}

export const nodeStrategy: Strategy = {
  hasStatusSubresource: true,
  tracksGeneration: false,
  applyDefaults(node) {
    withDecodeErrors("Node", "v1", () => {
      const status = ensureObject(node, "status");
      defaultResourceList(status.capacity);
      defaultResourceList(status.allocatable);
      // SetDefaults_NodeStatus: allocatable is the capacity until a kubelet reports otherwise.
      if (status.allocatable === undefined && status.capacity !== undefined)
        status.allocatable = structuredClone(status.capacity);
    });
  },
  prepareForUpdate(next, prev) {
    if (prev.status === undefined) delete next.status;
    else next.status = structuredClone(prev.status);
  },
  validate: (node) => validateNode(node),
  validateUpdate(next, prev) {
    const spec = asObject(next.spec) ?? {};
    const old = asObject(prev.spec) ?? {};
    const errs = validateNode(next);
    const oldCidrs = asArray(old.podCIDRs);
    const cidrs = asArray(spec.podCIDRs);
    if (
      oldCidrs.length > 0 &&
      (oldCidrs.length !== cidrs.length || oldCidrs.some((c, i) => c !== cidrs[i]))
    ) {
      errs.push(
        forbiddenField("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'),
      );
    }
    if (asString(old.providerID) && old.providerID !== spec.providerID) {
      errs.push(
        forbiddenField("spec.providerID", 'node updates may not change providerID except from "" to valid'),
      );
    }
    return errs;
  },
};
