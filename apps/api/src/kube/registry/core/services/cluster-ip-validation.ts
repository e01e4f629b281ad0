/**
 * ValidateServiceClusterIPsRelatedFields (validation.go) and the checks initIPFamilyFields makes
 * before allocating (alloc.go), for a single-stack IPv4 cluster, release-1.32.
 */
import {
  duplicateField,
  type FieldError,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { INVALID_IP, isIp, isIpv6 } from "../ip.ts";
import { asArray, asObject, asString, type JsonObject } from "../json.ts";
import { clusterIPs, isHeadless } from "./service-fields.ts";

const FAMILIES = ["IPv4", "IPv6"];
const POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"];

/** initIPFamilyFields' refusals; upstream stops at these before any other validation. */
export function ipFamilyInitErrors(spec: JsonObject): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const families = asArray(spec.ipFamilies).map(asString);
  const policy = spec.ipFamilyPolicy;
  if (policy === "SingleStack") {
    if (ips.length === 2) {
      errs.push(
        invalidField(
          "spec.ipFamilyPolicy",
          policy,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
        ),
      );
    }
    if (families.length === 2) {
      errs.push(
        invalidField(
          "spec.ipFamilyPolicy",
          policy,
          "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
        ),
      );
    }
  }
  ips.forEach((ip, i) => {
    if (ip !== "None" && i >= families.length && isIpv6(ip)) {
      errs.push(invalidField(`spec.clusterIPs[${i}]`, ips, "IPv6 is not configured on this cluster"));
    }
  });
  if (errs.length > 0) return errs;
  const headlessSelectorless =
    spec.clusterIP === "None" && Object.keys(asObject(spec.selector) ?? {}).length === 0;
  if (headlessSelectorless) return [];
  if (policy === "RequireDualStack") {
    errs.push(
      invalidField("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services"),
    );
  }
  families.forEach((family, i) => {
    if (family !== "IPv4")
      errs.push(invalidField(`spec.ipFamilies[${i}]`, family, "not configured on this cluster"));
  });
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields */
export function validateClusterIPFields(spec: JsonObject): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ips = clusterIPs(spec);
  const clusterIP = asString(spec.clusterIP);
  if (clusterIP) {
    if (ips.length === 0) errs.push(requiredField("spec.clusterIPs"));
    else if (ips[0] !== clusterIP)
      errs.push(invalidField("spec.clusterIPs", ips, "first value must match `clusterIP`"));
  } else if (ips.length !== 0) {
    errs.push(invalidField("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  asArray(spec.ipFamilies).forEach((f, i) => {
    const family = asString(f);
    if (!FAMILIES.includes(family)) errs.push(notSupportedField(`spec.ipFamilies[${i}]`, family, FAMILIES));
    if (seen.has(family)) errs.push(duplicateField(`spec.ipFamilies[${i}]`, family));
    seen.add(family);
  });
  if (
    spec.ipFamilyPolicy !== undefined &&
    spec.ipFamilyPolicy !== null &&
    !POLICIES.includes(spec.ipFamilyPolicy as string)
  ) {
    errs.push(notSupportedField("spec.ipFamilyPolicy", spec.ipFamilyPolicy, POLICIES));
  }
  let invalidIps = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        invalidIps = true;
        errs.push(invalidField("spec.clusterIPs", ips, "'None' must be the first and only value"));
      }
      return;
    }
    if (!isIp(ip)) {
      invalidIps = true;
      errs.push(invalidField(`spec.clusterIPs[${i}]`, ip, INVALID_IP));
    }
  });
  if (ips.length > 2) errs.push(invalidField("spec.clusterIPs", ips, "may only hold up to 2 values"));
  if (invalidIps) return errs;
  if (ips.length > 1 && isIpv6(ips[0] ?? "") === isIpv6(ips[1] ?? "")) {
    errs.push(invalidField("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"));
  }
  const families = asArray(spec.ipFamilies).map(asString);
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === "IPv4" && isIpv6(ip)) {
        errs.push(
          invalidField(
            `spec.clusterIPs[${i}]`,
            ip,
            `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
      if (families[i] === "IPv6" && !isIpv6(ip)) {
        errs.push(
          invalidField(
            `spec.clusterIPs[${i}]`,
            ip,
            `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: a primary cluster IP never changes once set. */
export function validateClusterIPsUpdate(spec: JsonObject, old: JsonObject): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(spec) && isHeadless(old)) return [];
  const ips = clusterIPs(spec);
  const oldIps = clusterIPs(old);
  const errs: FieldError[] = [];
  if (oldIps.length === ips.length) {
    oldIps.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalidField(`spec.clusterIPs[${i}]`, ips, "may not change once set"));
    });
  } else if (oldIps.length > ips.length) {
    if (ips.length === 0)
      errs.push(invalidField("spec.clusterIPs[0]", ips, "primary clusterIP can not be unset"));
    if (oldIps.length > 0 && ips.length > 0 && ips[0] !== oldIps[0]) {
      errs.push(invalidField("spec.clusterIPs[0]", ips, "may not change once set"));
    }
    if (ips.length === 1 && spec.ipFamilyPolicy !== "SingleStack") {
      errs.push(
        invalidField(
          "spec.ipFamilyPolicy",
          spec.ipFamilyPolicy ?? null,
          "must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
  } else if (oldIps.length > 0 && ips[0] !== oldIps[0]) {
    errs.push(invalidField("spec.clusterIPs[0]", ips, "may not change once set"));
  }
  return errs;
}
