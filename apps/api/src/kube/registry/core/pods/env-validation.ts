/** Environment variables and envFrom sources (ValidateEnv, ValidateEnvFrom; release-1.32). */
import { dns1123SubdomainErrors } from "../../../selectors/index.ts";
import { type FieldError, invalidField, requiredField } from "../../../validation/field-errors.ts";
import { configKeyErrors } from "../config-keys.ts";
import { asArray, asObject, asString, type JsonObject } from "../json.ts";
import {
  ENV_FIELD_PATHS,
  validateObjectFieldSelector,
  validateResourceFieldSelector,
} from "./field-selectors.ts";

const RELAXED_ENV_NAME =
  "a valid environment variable name must consist only of printable ASCII characters other than '='";

/** RelaxedEnvironmentVariableValidation is on by default in 1.32: any printable ASCII but '='. */
function relaxedEnvNameErrors(name: string): string[] {
  return /^[\x20-\x3c\x3e-\x7e]*$/.test(name) ? [] : [RELAXED_ENV_NAME];
}

export function validateEnv(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(list).forEach((raw, i) => {
    const ev = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    const name = asString(ev.name);
    if (!name) errs.push(requiredField(`${at}.name`));
    else for (const msg of relaxedEnvNameErrors(name)) errs.push(invalidField(`${at}.name`, name, msg));
    errs.push(...validateEnvValueFrom(ev, `${at}.valueFrom`));
  });
  return errs;
}

function validateEnvValueFrom(ev: JsonObject, path: string): FieldError[] {
  const from = asObject(ev.valueFrom);
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  const fieldRef = asObject(from.fieldRef);
  if (fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(fieldRef, ENV_FIELD_PATHS, `${path}.fieldRef`));
  }
  const resourceRef = asObject(from.resourceFieldRef);
  if (resourceRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(resourceRef, `${path}.resourceFieldRef`, false));
  }
  for (const kind of ["configMapKeyRef", "secretKeyRef"]) {
    const ref = asObject(from[kind]);
    if (!ref) continue;
    sources++;
    const name = asString(ref.name);
    for (const msg of dns1123SubdomainErrors(name))
      errs.push(invalidField(`${path}.${kind}.name`, name, msg));
    const key = asString(ref.key);
    if (!key) errs.push(requiredField(`${path}.${kind}.key`));
    else for (const msg of configKeyErrors(key)) errs.push(invalidField(`${path}.${kind}.key`, key, msg));
  }
  if (sources === 0) {
    errs.push(
      invalidField(
        path,
        "",
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    );
  } else if (asString(ev.value)) {
    errs.push(invalidField(path, "", "may not be specified when `value` is not empty"));
  } else if (sources > 1) {
    errs.push(invalidField(path, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

export function validateEnvFrom(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(list).forEach((raw, i) => {
    const ev = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    const prefix = asString(ev.prefix);
    if (prefix)
      for (const msg of relaxedEnvNameErrors(prefix)) errs.push(invalidField(`${at}.prefix`, prefix, msg));
    let sources = 0;
    for (const kind of ["configMapRef", "secretRef"]) {
      const ref = asObject(ev[kind]);
      if (!ref) continue;
      sources++;
      const name = asString(ref.name);
      // Validated as a generateName prefix upstream: a trailing '-' is tolerated.
      if (!name) errs.push(requiredField(`${at}.${kind}.name`));
      else
        for (const msg of dns1123SubdomainErrors(name.replace(/-$/, "a")))
          errs.push(invalidField(`${at}.${kind}.name`, name, msg));
    }
    if (sources === 0)
      errs.push(invalidField(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (sources > 1)
      errs.push(invalidField(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}
