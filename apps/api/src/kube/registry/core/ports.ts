/** Port numbers and IANA service names (validation.IsValidPortNum / IsValidPortName, release-1.32). */
import { type FieldError, invalidField } from "../../validation/field-errors.ts";

const PORT_RANGE_ERROR = "must be between 1 and 65535, inclusive";

/** IsValidPortNum */
export function portNumErrors(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [PORT_RANGE_ERROR];
}

/** IsValidPortName: up to 15 of [-a-z0-9], at least one letter, no leading/trailing/double hyphen. */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(name)) errs.push("must contain at least one letter (a-z)");
  if (name.includes("--")) errs.push("must not contain consecutive hyphens");
  if (name.length > 0 && (name.startsWith("-") || name.endsWith("-")))
    errs.push("must not begin or end with a hyphen");
  return errs;
}

/** ValidatePortNumOrName for an IntOrString (targetPort, probe ports). */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === "string") return portNameErrors(port).map((msg) => invalidField(path, port, msg));
  const n = typeof port === "number" ? port : 0;
  return portNumErrors(n).map((msg) => invalidField(path, n, msg));
}
