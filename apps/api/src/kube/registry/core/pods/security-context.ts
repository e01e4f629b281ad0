/** Pod and container security contexts: the range and enum checks of release-1.32 validation. */
import {
  type FieldError,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { validateLocalDescendingPath } from "./paths.ts";

const ID_RANGE = "must be between 0 and 4294967295, inclusive";
const SECCOMP_TYPES = ["Localhost", "RuntimeDefault", "Unconfined"];

function validateId(sc: JsonObject, field: string, path: string): FieldError[] {
  const id = asNumber(sc[field]);
  return id !== undefined && (id < 0 || id > 0xffffffff)
    ? [invalidField(`${path}.${field}`, id, ID_RANGE)]
    : [];
}

function validateSeccomp(value: unknown, path: string): FieldError[] {
  const profile = asObject(value);
  if (!profile) return [];
  const type = asString(profile.type);
  const errs: FieldError[] = [];
  if (!type) errs.push(requiredField(`${path}.type`, "type is required when seccompProfile is set"));
  else if (!SECCOMP_TYPES.includes(type)) errs.push(notSupportedField(`${path}.type`, type, SECCOMP_TYPES));
  if (type === "Localhost") {
    if (profile.localhostProfile === undefined || profile.localhostProfile === null) {
      errs.push(requiredField(`${path}.localhostProfile`, "must be set when seccomp type is Localhost"));
    } else {
      errs.push(
        ...validateLocalDescendingPath(asString(profile.localhostProfile), `${path}.localhostProfile`),
      );
    }
  }
  return errs;
}

/** ValidateSecurityContext (container level). */
export function validateContainerSecurityContext(value: unknown, path: string): FieldError[] {
  const sc = asObject(value);
  if (!sc) return [];
  const errs = [...validateId(sc, "runAsUser", path), ...validateId(sc, "runAsGroup", path)];
  if (
    sc.procMount !== undefined &&
    sc.procMount !== null &&
    sc.procMount !== "Default" &&
    sc.procMount !== "Unmasked"
  ) {
    errs.push(notSupportedField(`${path}.procMount`, sc.procMount, ["Default", "Unmasked"]));
  }
  errs.push(...validateSeccomp(sc.seccompProfile, `${path}.seccompProfile`));
  return errs;
}

/** validatePodSpecSecurityContext (pod level). */
export function validatePodSecurityContext(value: unknown, path: string): FieldError[] {
  const sc = asObject(value);
  if (!sc) return [];
  const errs = [
    ...validateId(sc, "fsGroup", path),
    ...validateId(sc, "runAsUser", path),
    ...validateId(sc, "runAsGroup", path),
  ];
  asArray(sc.supplementalGroups).forEach((gid, i) => {
    if (typeof gid === "number" && (gid < 0 || gid > 0xffffffff)) {
      errs.push(invalidField(`${path}.supplementalGroups[${i}]`, gid, ID_RANGE));
    }
  });
  const sysctlNames = new Set<string>();
  for (const [sysctl, i] of objectsOf(sc.sysctls)) {
    const name = asString(sysctl.name);
    const at = `${path}.sysctls[${i}].name`;
    if (!name) errs.push(requiredField(at));
    else if (
      name.length > 253 ||
      !/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name)
    ) {
      errs.push(
        invalidField(
          at,
          name,
          "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
        ),
      );
    } else if (sysctlNames.has(name)) {
      errs.push({
        type: "FieldValueDuplicate",
        field: at,
        message: `Duplicate value: ${JSON.stringify(name)}`,
      });
    }
    sysctlNames.add(name);
  }
  const fsGroupPolicy = sc.fsGroupChangePolicy;
  if (
    fsGroupPolicy !== undefined &&
    fsGroupPolicy !== null &&
    fsGroupPolicy !== "Always" &&
    fsGroupPolicy !== "OnRootMismatch"
  ) {
    errs.push(notSupportedField(`${path}.fsGroupChangePolicy`, fsGroupPolicy, ["Always", "OnRootMismatch"]));
  }
  errs.push(...validateSeccomp(sc.seccompProfile, `${path}.seccompProfile`));
  return errs;
}
