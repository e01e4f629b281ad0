import { dns1123SubdomainErrors, labelKeyErrors, labelValueErrors } from "../../selectors/index.ts";
import {
  type FieldError,
  formatBadValue,
  invalidField,
  requiredField,
  tooLongField,
} from "../../validation/field-errors.ts";
import { byteLength, goQuote } from "../../validation/go-format.ts";
import { goIntOrString } from "./go-values.ts";
import { semanticEqual } from "./json.ts";

/*
 * Field checks shared by the kinds of this module, with apimachinery's messages
 * (pkg/util/validation/validation.go, pkg/apis/core/validation, pkg/apis/apps/validation at release-1.32).
 */

/** field.Invalid whose bad value is already rendered (a Go %#v the generic formatter cannot produce). */
export function invalidRendered(field: string, rendered: string, detail: string): FieldError {
  return {
    type: "FieldValueInvalid",
    field,
    message: detail ? `Invalid value: ${rendered}: ${detail}` : `Invalid value: ${rendered}`,
  };
}

/** field.Invalid(path, field.OmitValueType{}, detail): the value is left out of the message. */
export function invalidOmitValue(field: string, detail: string): FieldError {
  return { type: "FieldValueInvalid", field, message: `Invalid value: ${detail}` };
}

/** field.NotSupported whose bad value is already rendered. */
export function notSupportedRendered(field: string, rendered: string, valid: readonly string[]): FieldError {
  const supported = valid.length > 0 ? `: supported values: ${valid.map((v) => goQuote(v)).join(", ")}` : "";
  return { type: "FieldValueNotSupported", field, message: `Unsupported value: ${rendered}${supported}` };
}

/** field.TooMany(path, actual, max). */
export function tooManyField(field: string, actual: number, max: number): FieldError {
  return { type: "FieldValueTooMany", field, message: `Too many: ${actual}: must have at most ${max} items` };
}

const IS_NEGATIVE = "must be greater than or equal to 0";

/** ValidateNonnegativeField: `Invalid value: -1: must be greater than or equal to 0`. */
export function nonNegative(field: string, value: unknown): FieldError[] {
  return typeof value === "number" && value < 0 ? [invalidField(field, value, IS_NEGATIVE)] : [];
}

const FIELD_IMMUTABLE = "field is immutable";

/**
 * ValidateImmutableField: the new value, rendered by `render` (formatBadValue by default), with
 * `field is immutable` when it differs semantically from the old one.
 */
export function immutable(
  field: string,
  next: unknown,
  prev: unknown,
  render: (v: unknown) => string = formatImmutableValue,
): FieldError[] {
  return semanticEqual(next, prev) ? [] : [invalidRendered(field, render(next), FIELD_IMMUTABLE)];
}

function formatImmutableValue(v: unknown): string {
  return v === undefined || v === null ? "null" : formatBadValue(v);
}

const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** validation.IsValidPercent */
export function percentErrors(s: string): string[] {
  return PERCENT_RE.test(s) ? [] : [PERCENT_MSG];
}

/** getPercentValue: the number of a valid percent string. */
function percentValue(v: unknown): number | undefined {
  return typeof v === "string" && PERCENT_RE.test(v) ? Number.parseInt(v.slice(0, -1), 10) : undefined;
}

/** getIntOrPercentValue: a percent's number, an int, or strconv.Atoi of another string (0 on error). */
export function intOrPercentValue(v: unknown): number {
  const pct = percentValue(v);
  if (pct !== undefined) return pct;
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^[+-]?[0-9]+$/.test(v)) return Number.parseInt(v, 10);
  return 0;
}

/** appsvalidation.ValidatePositiveIntOrPercent */
export function positiveIntOrPercent(field: string, v: unknown): FieldError[] {
  if (typeof v === "string")
    return percentErrors(v).map((msg) => invalidRendered(field, goIntOrString(v), msg));
  if (typeof v === "number") return nonNegative(field, v);
  return [];
}

/** appsvalidation.IsNotMoreThan100Percent */
export function notMoreThan100Percent(field: string, v: unknown): FieldError[] {
  const pct = percentValue(v);
  return pct !== undefined && pct > 100
    ? [invalidRendered(field, goIntOrString(v), "must not be greater than 100%")]
    : [];
}

/** validation.MaxLenError */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** validation.RegexError, with upstream's `',  or '` spacing. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${fmt}')`;
}

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

/** validation.IsDNS1123Label */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value))
    errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
  return errs;
}

const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

/** validation.IsDNS1035Label (Service names). */
export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1035_LABEL_RE.test(value))
    errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
  return errs;
}

const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const WILDCARD_FMT = `\\*\\.${DNS1123_SUBDOMAIN_FMT}`;
const WILDCARD_RE = new RegExp(`^${WILDCARD_FMT}$`);
const WILDCARD_MSG =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** validation.IsWildcardDNS1123Subdomain */
export function wildcardDns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!WILDCARD_RE.test(value)) errs.push(regexError(WILDCARD_MSG, WILDCARD_FMT, "*.example.com"));
  return errs;
}

/** validation.IsValidPortNum */
export function portNumErrors(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

/** validation.IsValidPortName (IANA_SVC_NAME). */
export function portNameErrors(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  else if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-")))
    errs.push("must not begin or end with a hyphen");
  return errs;
}

/** path.IsValidPathSegmentName: names that become one URL path segment (RBAC, references). */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** unversionedvalidation.ValidateLabels under `field` (keys, then values, in Go-sorted key order). */
export function validateLabelMap(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const msg of labelKeyErrors(k)) errs.push(invalidField(field, k, msg));
    for (const msg of labelValueErrors(v)) errs.push(invalidField(field, v, msg));
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** apivalidation.ValidateAnnotations: lower-cased keys are qualified names; 256 KiB in total. */
export function validateAnnotationMap(
  annotations: Record<string, string> | undefined,
  field: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of labelKeyErrors(k.toLowerCase())) errs.push(invalidField(field, k, msg));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLongField(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** validation.IsDomainPrefixedPath (Job spec.managedBy, IngressClass spec.controller). */
export function domainPrefixedPathErrors(path: string, value: string): FieldError[] {
  if (value.length === 0) return [requiredField(path)];
  const slash = value.indexOf("/");
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? "" : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [invalidField(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = dns1123SubdomainErrors(host).map((msg) => invalidField(path, host, msg));
  const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
  if (!new RegExp(`^${httpPathFmt}$`).test(rest))
    errs.push(invalidField(path, rest, regexError("Invalid path", httpPathFmt)));
  return errs;
}
