import { formatFieldError, invalidField } from "../validation/field-errors.ts";
import { compareGoStrings, sortedUnique } from "../validation/go-format.ts";
import { scanLabelSelector, type Token, type TokenType } from "./label-lexer.ts";
import {
  formatRequirement,
  type LabelOperator,
  type LabelRequirement,
  type Labels,
  newRequirement,
  requirementMatches,
} from "./label-requirement.ts";
import { labelKeyErrors } from "./label-validation.ts";
import { SelectorError } from "./selector-error.ts";

/**
 * A parsed label selector (upstream's labels.Selector). `requirements` are ANDed and sorted by key;
 * none means Everything. `nothing` is labels.Nothing(), what a workload with a nil selector gets: it
 * matches no object at all.
 */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly nothing: boolean;
}

/** labels.Everything(): matches every object. */
export const EVERYTHING_LABELS: LabelSelector = Object.freeze({
  requirements: Object.freeze([]),
  nothing: false,
});

/** labels.Nothing(): matches no object. */
export const NOTHING_LABELS: LabelSelector = Object.freeze({
  requirements: Object.freeze([]),
  nothing: true,
});

const BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

/** In value position `in` and `notin` are plain words (`x in (in)` is legal). */
function asValue(t: Token): Token {
  return t.type === "in" || t.type === "not-in" ? { type: "identifier", literal: t.literal } : t;
}

class ParseFailure extends Error {}

/** The recursive-descent parser of pkg/labels/selector.go, one method per upstream function. */
class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private lookahead(values: boolean): Token {
    const t = this.tokens[this.position] ?? { type: "end", literal: "" };
    return values ? asValue(t) : t;
  }

  private consume(values: boolean): Token {
    const t = this.lookahead(values);
    this.position++;
    return t;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { type, literal } = this.lookahead(true);
      if (type === "end") return requirements;
      if (type !== "identifier" && type !== "does-not-exist") {
        throw new ParseFailure(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseFailure) throw new ParseFailure(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.consume(true);
      if (after.type === "end") return requirements;
      if (after.type !== "comma") {
        throw new ParseFailure(`found '${after.literal}', expected: ',' or 'end of string'`);
      }
      const next = this.lookahead(true);
      if (next.type !== "identifier" && next.type !== "does-not-exist") {
        throw new ParseFailure(`found '${next.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    let operator: LabelOperator;
    let values: string[];
    if (inferred !== undefined) {
      operator = inferred;
      values = [];
    } else {
      operator = this.parseOperator();
      values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
    }
    const { requirement, error } = newRequirement(key, operator, sortedUnique(values));
    if (error !== undefined) throw new ParseFailure(error);
    return requirement;
  }

  private parseKeyAndInferOperator(): { key: string; operator: "exists" | "!" | undefined } {
    let operator: "exists" | "!" | undefined;
    let t = this.consume(true);
    if (t.type === "does-not-exist") {
      operator = "!";
      t = this.consume(true);
    }
    if (t.type !== "identifier") throw new ParseFailure(`found '${t.literal}', expected: identifier`);
    const keyErrs = labelKeyErrors(t.literal);
    if (keyErrs.length > 0) {
      // Parse passes no path, so upstream prints its nil *field.Path: "<nil>".
      throw new ParseFailure(formatFieldError(invalidField("<nil>", t.literal, keyErrs.join("; "))));
    }
    const next = this.lookahead(true).type;
    if ((next === "end" || next === "comma") && operator === undefined) operator = "exists";
    return { key: t.literal, operator };
  }

  private parseOperator(): LabelOperator {
    const t = this.consume(false);
    const operators: Partial<Record<TokenType, LabelOperator>> = {
      in: "in",
      equals: "=",
      "double-equals": "==",
      "greater-than": "gt",
      "less-than": "lt",
      "not-in": "notin",
      "not-equals": "!=",
    };
    const op = operators[t.type];
    if (op === undefined) throw new ParseFailure(`found '${t.literal}', expected: ${BINARY_OPERATORS}`);
    return op;
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.type !== "open-paren") throw new ParseFailure(`found '${open.literal}' expected: '('`);
    const first = this.lookahead(true);
    if (first.type === "identifier" || first.type === "comma") {
      const values = this.parseIdentifiersList();
      if (this.consume(true).type !== "closed-paren") {
        throw new ParseFailure(`found '${first.literal}', expected: ')'`);
      }
      return values;
    }
    if (first.type === "closed-paren") {
      this.consume(true);
      return [""];
    }
    throw new ParseFailure(`found '${first.literal}', expected: ',', ')' or identifier`);
  }

  /**
   * Comma-separated, possibly empty values. As in release-1.32, a `,,` consumes its second comma, so
   * `(a,,)` is an error there while `(a,,b)` and `(,a)` are fine.
   */
  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const t = this.consume(true);
      if (t.type === "identifier") {
        values.add(t.literal);
        const next = this.lookahead(true);
        if (next.type === "comma") continue;
        if (next.type === "closed-paren") return [...values];
        throw new ParseFailure(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (t.type !== "comma") throw new ParseFailure(`found '${t.literal}', expected: ',', or identifier`);
      if (values.size === 0) values.add("");
      const next = this.lookahead(true).type;
      if (next === "closed-paren") {
        values.add("");
        return [...values];
      }
      if (next === "comma") {
        this.consume(true);
        values.add("");
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true).type;
    if (next === "end" || next === "comma") return [""];
    const t = this.consume(true);
    if (t.type === "identifier") return [t.literal];
    throw new ParseFailure(`found '${t.literal}', expected: identifier`);
  }
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  // Array.prototype.sort is stable, as Go's sort is for the short lists selectors are.
  return requirements.sort((a, b) => compareGoStrings(a.key, b.key));
}

/**
 * labels.Parse: the `labelSelector` query parameter. Empty (or blank) is Everything. Throws a
 * SelectorError carrying upstream's message, e.g. `app in (a` →
 * `unable to parse requirement: found '', expected: ',' or ')'`.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    const requirements = new Parser(scanLabelSelector(s)).parse();
    return { requirements: sortByKey(requirements), nothing: false };
  } catch (e) {
    if (e instanceof ParseFailure) throw new SelectorError("label-syntax", e.message);
    throw e;
  }
}

/** A selector from requirements already checked by newRequirement (Selector.Add sorts them by key). */
export function labelSelectorFromRequirements(requirements: readonly LabelRequirement[]): LabelSelector {
  return { requirements: sortByKey([...requirements]), nothing: false };
}

/** Selector.Matches. Objects without labels match only requirements that allow an absent key. */
export function matchesLabels(selector: LabelSelector, labels: Labels | null | undefined): boolean {
  if (selector.nothing) return false;
  return selector.requirements.every((r) => requirementMatches(r, labels));
}

/** Selector.Empty(): true for Everything, so a caller can skip filtering. Nothing is not empty. */
export function isEverythingLabels(selector: LabelSelector): boolean {
  return !selector.nothing && selector.requirements.length === 0;
}

/** Selector.String(): canonical text, e.g. for Scale's status.selector; "" for Everything and Nothing. */
export function labelSelectorToString(selector: LabelSelector): string {
  return selector.requirements.map(formatRequirement).join(",");
}

/**
 * Selector.RequiresExactMatch: the single value the selector pins `key` to (`key=v`, `key==v` or
 * `key in (v)`), judged on the first requirement with that key as upstream does.
 */
export function labelSelectorRequiresExactMatch(selector: LabelSelector, key: string): string | undefined {
  const r = selector.requirements.find((req) => req.key === key);
  if (r === undefined) return undefined;
  const exact = r.operator === "=" || r.operator === "==" || r.operator === "in";
  return exact && r.values.length === 1 ? r.values[0] : undefined;
}
