import { ArithmeticError, evaluateArithmetic } from "./arith.ts";
import type { List, Word, WordPart } from "./ast.ts";
import { escapeGlob, GLOB_CHARS } from "./glob.ts";
import type { ShellState } from "./runtime.ts";

/**
 * Word expansion: parameters, command substitution, arithmetic, then field splitting of the unquoted
 * results on blanks (no globbing: a container's simulated filesystem has nothing to match).
 */
export interface ExpansionHost {
  readonly state: ShellState;
  /** Runs `$(…)` in a subshell and returns its output without trailing newlines. */
  substitute(body: List): string;
  /** Reports an expansion error (the shell exits with `code`). */
  fail(text: string, code: number): never;
  /** `$RANDOM` */
  random(): number;
  /** Paths matching a pathname pattern, sorted (none: the word stays as written). */
  glob(pattern: string): string[];
}

const IFS_BLANKS = new Set([" ", "\t", "\n"]);

/** Fields being built, each with its pattern (quoted characters escaped) for pathname expansion. */
class Fields {
  readonly fields: { text: string; pattern: string; globbable: boolean }[] = [];
  private current = "";
  private pattern = "";
  private globbable = false;
  private active = false;

  literal(text: string, quoted: boolean): void {
    this.current += text;
    this.pattern += quoted ? escapeGlob(text) : text;
    if (!quoted && GLOB_CHARS.test(text)) this.globbable = true;
    if (quoted || text !== "") this.active = true;
  }

  splittable(text: string): void {
    for (const c of text) {
      if (IFS_BLANKS.has(c)) this.boundary();
      else this.literal(c, false);
    }
  }

  boundary(): void {
    if (this.active)
      this.fields.push({ text: this.current, pattern: this.pattern, globbable: this.globbable });
    this.current = "";
    this.pattern = "";
    this.globbable = false;
    this.active = false;
  }
}

function specialParameter(state: ShellState, name: string): string | undefined {
  switch (name) {
    case "?":
      return String(state.status);
    case "$":
      return "1";
    case "#":
      return String(state.positional.length);
    case "@":
    case "*":
      return state.positional.join(" ");
    case "!":
      return "";
    case "-":
      return `${state.errexit ? "e" : ""}${state.xtrace ? "x" : ""}`;
    case "0":
      return state.arg0;
    default:
      if (/^\d$/.test(name)) return state.positional[Number(name) - 1];
      return undefined;
  }
}

function lookup(host: ExpansionHost, name: string): string | undefined {
  const special = specialParameter(host.state, name);
  if (special !== undefined || /^[?$#@*!\-\d]$/.test(name)) return special;
  if (name === "RANDOM" && !host.state.vars.has("RANDOM")) return String(host.random());
  return host.state.vars.get(name);
}

function parameter(host: ExpansionHost, part: Extract<WordPart, { kind: "param" }>): string {
  const value = lookup(host, part.name);
  if (!part.op) return value ?? "";
  const colon = part.op.startsWith(":");
  const missing = value === undefined || (colon && value === "");
  const argument = () => expandWord(host, part.arg ?? []);
  switch (part.op.replace(":", "")) {
    case "-":
      return missing ? argument() : (value ?? "");
    case "=": {
      if (!missing) return value ?? "";
      const assigned = argument();
      host.state.vars.set(part.name, assigned);
      return assigned;
    }
    case "+":
      return missing ? "" : argument();
    default: {
      if (!missing) return value ?? "";
      const message = argument() || (colon ? "parameter null or not set" : "parameter not set");
      return host.fail(`${part.name}: ${message}`, 1);
    }
  }
}

function arithmetic(host: ExpansionHost, expr: Word): string {
  const text = expandWord(host, expr);
  try {
    return String(
      evaluateArithmetic(text, {
        get: (name) => lookup(host, name),
        set: (name, value) => host.state.vars.set(name, value),
      }),
    );
  } catch (error) {
    if (error instanceof ArithmeticError) return host.fail(`arithmetic syntax error: ${error.message}`, 2);
    throw error;
  }
}

function expandPart(host: ExpansionHost, part: WordPart, fields: Fields): void {
  switch (part.kind) {
    case "lit":
      fields.literal(part.text, part.quoted);
      return;
    case "param": {
      if (part.name === "@" && part.quoted && !part.op) {
        // "$@": one field per positional parameter.
        host.state.positional.forEach((arg, i) => {
          if (i > 0) fields.boundary();
          fields.literal(arg, true);
        });
        return;
      }
      const value = parameter(host, part);
      if (part.quoted) fields.literal(value, true);
      else fields.splittable(value);
      return;
    }
    case "length": {
      const value = String((lookup(host, part.name) ?? "").length);
      fields.literal(value, part.quoted);
      return;
    }
    case "cmdsub": {
      const output = host.substitute(part.body);
      if (part.quoted) fields.literal(output, true);
      else fields.splittable(output);
      return;
    }
    case "arith": {
      const value = arithmetic(host, part.expr);
      if (part.quoted) fields.literal(value, true);
      else fields.splittable(value);
      return;
    }
  }
}

/** Expands command words into argv fields (pathname expansion included). */
export function expandWords(host: ExpansionHost, words: Word[]): string[] {
  const fields = new Fields();
  for (const word of words) {
    for (const part of word) expandPart(host, part, fields);
    fields.boundary();
  }
  return fields.fields.flatMap((field) => {
    if (!field.globbable) return [field.text];
    const matches = host.glob(field.pattern);
    return matches.length > 0 ? matches : [field.text];
  });
}

/** A `case` pattern: unquoted parts keep their meaning, quoted ones match literally. */
export function expandPattern(host: ExpansionHost, word: Word): string {
  let pattern = "";
  for (const part of word) {
    const text = expandWord(host, [part]);
    pattern += part.quoted ? escapeGlob(text) : text;
  }
  return pattern;
}

/** Expands one word to one string (assignments, redirection targets, `${x:-word}`): no splitting. */
export function expandWord(host: ExpansionHost, word: Word): string {
  let out = "";
  for (const part of word) {
    switch (part.kind) {
      case "lit":
        out += part.text;
        break;
      case "param":
        out +=
          part.name === "@" || part.name === "*" ? host.state.positional.join(" ") : parameter(host, part);
        break;
      case "length":
        out += String((lookup(host, part.name) ?? "").length);
        break;
      case "cmdsub":
        out += host.substitute(part.body);
        break;
      case "arith":
        out += arithmetic(host, part.expr);
        break;
    }
  }
  return out;
}
