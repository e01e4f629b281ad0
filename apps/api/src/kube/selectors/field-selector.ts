import { compareGoStrings } from "../validation/go-format.ts";
import { type FieldGetter, fieldLabelsFor, type JsonObject } from "./field-labels.ts";
import { SelectorError } from "./selector-error.ts";

/** One `field=value` or `field!=value` term; `field` is already the resource's internal name. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: "=" | "!=";
  readonly value: string;
}

/**
 * A field selector parsed and converted for one resource (upstream's fields.Selector after
 * Transform with the kind's field label conversion). No requirements means Everything.
 */
export interface FieldSelector {
  readonly group: string;
  readonly resource: string;
  readonly requirements: readonly FieldRequirement[];
  /** The resource's field getters, so matching needs only the selector and the object. */
  readonly fields: Readonly<Record<string, FieldGetter>>;
}

/** splitTerms: commas split terms unless backslash-escaped; escapes stay in the term for later. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// "==" before "=" so that `a==b` does not leave "=b" as the value.
const TERM_OPERATORS = ["!=", "==", "="] as const;

/** splitTerm: the first operator anywhere in the term splits it; the left side is never unescaped. */
function splitTerm(
  term: string,
): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; a bare `,` or `=` is an error. */
function unescapeValue(s: string): string {
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new SelectorError("field-syntax", `invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      // Upstream formats the rune with %v, which prints its code point ("61" for '=').
      throw new SelectorError(
        "field-syntax",
        `invalid field selector: unescaped character in value: ${c.codePointAt(0)}`,
      );
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorError("field-syntax", "invalid field selector: invalid escape sequence: \\");
  return out;
}

/** fields.EscapeValue: the inverse of unescapeValue, for printing a selector. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Parses the `fieldSelector` query parameter for a resource (group "" for core, plural name) the way
 * kube-apiserver's list and watch handlers do: fields.ParseSelector, then the kind's field label
 * conversion. Terms are handled in sorted order, so the first bad term in that order is the one
 * reported. Throws a SelectorError with upstream's message, e.g. `field label not supported: spec.foo`
 * for pods or `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`
 * for kinds without their own conversion.
 */
export function parseFieldSelector(s: string, group: string, resource: string): FieldSelector {
  const parts = splitTerms(s).sort(compareGoStrings);
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const split = splitTerm(part);
    if (split === undefined) {
      throw new SelectorError("field-syntax", `invalid selector: '${s}'; can't understand '${part}'`);
    }
    terms.push({
      field: split.lhs,
      operator: split.op === "!=" ? "!=" : "=",
      value: unescapeValue(split.rhs),
    });
  }
  const labels = fieldLabelsFor(group, resource);
  const requirements = terms.map((t) => {
    const field = labels.convert(t.field);
    if (field === undefined) throw new SelectorError("field-unsupported", labels.unsupported(t.field));
    return { ...t, field };
  });
  return { group, resource, requirements, fields: labels.fields };
}

/** Selector.Matches over the object's selectable fields; unknown or unset fields read as "". */
export function matchesFields(selector: FieldSelector, obj: JsonObject): boolean {
  return selector.requirements.every((r) => {
    const actual = selector.fields[r.field]?.(obj) ?? "";
    return r.operator === "=" ? actual === r.value : actual !== r.value;
  });
}

/**
 * The name a selector pins with `metadata.name=<name>` (Selector.RequiresExactMatch), so a list or
 * watch can read one object instead of scanning. Undefined when no such term exists; "" is possible
 * (`metadata.name=`) and matches no object.
 */
export function fieldSelectorRequiresName(selector: FieldSelector): string | undefined {
  return selector.requirements.find((r) => r.field === "metadata.name" && r.operator === "=")?.value;
}

/** Selector.Empty(): true when the selector matches every object. */
export function isEverythingFields(selector: FieldSelector): boolean {
  return selector.requirements.length === 0;
}

/** Selector.String(): terms with internal field names and escaped values, `==` shown as `=`. */
export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(",");
}
