/** Relative-path and file-mode rules shared by volume items, mounts and downward API files. */
import { type FieldError, invalidField, requiredField } from "../../../validation/field-errors.ts";
import { asNumber, asString, type JsonObject } from "../json.ts";

const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";

/** validatePathNoBacksteps: no `..` element. */
export function validateNoBacksteps(target: string, path: string): FieldError[] {
  return target.replaceAll("\\", "/").split("/").includes("..")
    ? [invalidField(path, target, "must not contain '..'")]
    : [];
}

/** validateLocalDescendingPath: relative and without `..`. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(invalidField(path, target, "must be a relative path"));
  errs.push(...validateNoBacksteps(target, path));
  return errs;
}

/** ValidateLocalNonReservedPath: also may not start with `..` (e.g. `..data`, the atomic writer's). */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith("..") && !target.startsWith("../")) {
    errs.push(invalidField(path, target, "must not start with '..'"));
  }
  return errs;
}

/** A `mode`/`defaultMode` between 0 and 0777. */
export function validateFileMode(value: unknown, path: string): FieldError[] {
  const mode = asNumber(value);
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [invalidField(path, mode, FILE_MODE_ERROR)] : [];
}

/** validateKeyToPath: an `items` entry of a secret or configMap source. */
export function validateKeyToPath(item: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!asString(item.key)) errs.push(requiredField(`${path}.key`));
  const target = asString(item.path);
  if (!target) errs.push(requiredField(`${path}.path`));
  errs.push(...validateLocalNonReservedPath(target, `${path}.path`));
  errs.push(...validateFileMode(item.mode, `${path}.mode`));
  return errs;
}
