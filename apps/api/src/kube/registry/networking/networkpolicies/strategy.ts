import type { KubeObject } from "../../../object/types.ts";
import type { LabelSelectorObject } from "../../../selectors/index.ts";
import { validateLabelSelector } from "../../../selectors/index.ts";
import type { FieldError } from "../../../validation/field-errors.ts";
import {
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { carryGeneration, specChanged } from "../../apps/workload-lifecycle.ts";
import { cidrContains, parseCidr } from "../../support/cidr.ts";
import { invalidRendered, portNameErrors, portNumErrors } from "../../support/field-rules.ts";
import { goTypedStringSlice } from "../../support/go-values.ts";
import { defaultValue, ensureObject, type JsonObject, objectAt, objectsAt } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";

/**
 * SetObjectDefaults_NetworkPolicy (pkg/apis/networking/v1/defaults.go, release-1.32): ports default
 * to TCP; a policy without policyTypes is an Ingress policy, and also Egress when it has egress rules.
 */
export function defaultNetworkPolicy(obj: JsonObject): void {
  const spec = ensureObject(obj, "spec");
  for (const rulesKey of ["ingress", "egress"]) {
    for (const rule of objectsAt(spec, rulesKey)) {
      for (const port of objectsAt(rule, "ports")) defaultValue(port, "protocol", "TCP");
    }
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes =
      Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

function validatePort(port: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const protocol = port.protocol;
  if (protocol !== undefined && protocol !== null && !["TCP", "UDP", "SCTP"].includes(protocol as string)) {
    errs.push(notSupportedField(`${path}.protocol`, protocol, ["TCP", "UDP", "SCTP"]));
  }
  const value = port.port;
  const endPort = port.endPort;
  const hasEnd = typeof endPort === "number";
  if (typeof value === "number") {
    for (const msg of portNumErrors(value)) errs.push(invalidField(`${path}.port`, value, msg));
    if (hasEnd) {
      if (endPort < value)
        errs.push(invalidField(`${path}.endPort`, value, "must be greater than or equal to `port`"));
      for (const msg of portNumErrors(endPort)) errs.push(invalidField(`${path}.endPort`, endPort, msg));
    }
  } else if (typeof value === "string") {
    if (hasEnd)
      errs.push(invalidField(`${path}.endPort`, endPort, "may not be specified when `port` is non-numeric"));
    for (const msg of portNameErrors(value)) errs.push(invalidField(`${path}.port`, value, msg));
  } else if (hasEnd) {
    errs.push(invalidField(`${path}.endPort`, endPort, "may not be specified when `port` is not specified"));
  }
  return errs;
}

function validateIPBlock(block: JsonObject, path: string): FieldError[] {
  const cidrText = typeof block.cidr === "string" ? block.cidr : "";
  if (cidrText === "") return [requiredField(`${path}.cidr`)];
  const cidr = parseCidr(cidrText);
  if (cidr === undefined) return [invalidField(`${path}.cidr`, cidrText, "not a valid CIDR")];
  const errs: FieldError[] = [];
  const except = Array.isArray(block.except) ? block.except : [];
  for (let i = 0; i < except.length; i++) {
    const text = typeof except[i] === "string" ? (except[i] as string) : "";
    const at = `${path}.except[${i}]`;
    const inner = parseCidr(text);
    if (inner === undefined) {
      errs.push(invalidField(at, text, "not a valid CIDR"));
      return errs;
    }
    if (!cidrContains(cidr, inner) || cidr.prefix >= inner.prefix) {
      errs.push(invalidField(at, text, "must be a strict subset of `cidr`"));
    }
  }
  return errs;
}

function validatePeer(peer: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  for (const key of ["podSelector", "namespaceSelector"]) {
    const sel = objectAt(peer, key);
    if (sel === undefined) continue;
    peers++;
    errs.push(...validateLabelSelector(sel as LabelSelectorObject, `${path}.${key}`));
  }
  const block = objectAt(peer, "ipBlock");
  if (block !== undefined) {
    peers++;
    errs.push(...validateIPBlock(block, `${path}.ipBlock`));
  }
  if (peers === 0) errs.push(requiredField(path, "must specify a peer"));
  else if (peers > 1 && block !== undefined)
    errs.push(forbiddenField(path, "may not specify both ipBlock and another peer"));
  return errs;
}

/** ValidateNetworkPolicySpec (pkg/apis/networking/validation/validation.go, release-1.32). */
export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const spec = objectAt(obj, "spec") ?? {};
  const errs = validateLabelSelector(
    (objectAt(spec, "podSelector") ?? {}) as LabelSelectorObject,
    "spec.podSelector",
  );
  for (const [rulesKey, peersKey] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    objectsAt(spec, rulesKey).forEach((rule, i) => {
      const at = `spec.${rulesKey}[${i}]`;
      objectsAt(rule, "ports").forEach((port, j) => {
        errs.push(...validatePort(port, `${at}.ports[${j}]`));
      });
      objectsAt(rule, peersKey).forEach((peer, j) => {
        errs.push(...validatePeer(peer, `${at}.${peersKey}[${j}]`));
      });
    });
  }
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (types.length > 2) {
    errs.push(
      invalidRendered(
        "spec.policyTypes",
        goTypedStringSlice("networking.PolicyType", types),
        "may not specify more than two policyTypes",
      ),
    );
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress")
      errs.push(notSupportedField(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
  });
  return errs;
}

/** networking.k8s.io/v1 NetworkPolicies: spec only, generation counted. */
export const networkPolicyStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: true,
  applyDefaults: defaultNetworkPolicy,
  prepareForCreate(obj) {
    obj.metadata.generation = 1;
  },
  prepareForUpdate(next, prev) {
    defaultNetworkPolicy(next);
    carryGeneration(next, prev, specChanged(next, prev));
  },
  validate: (obj) => validateNetworkPolicy(obj),
  validateUpdate: (next) => validateNetworkPolicy(next),
};
