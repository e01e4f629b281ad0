/**
 * `$(( ))` arithmetic: integers, the C operators sh allows, variables by bare name (unset or empty
 * is 0) and assignment (`i = i + 1`, `i += 2`, `i++`).
 */

export class ArithmeticError extends Error {}

export interface ArithmeticScope {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { t: "num"; v: number } | { t: "name"; v: string } | { t: "op"; v: string };

const OPERATORS = [
  "<<=",
  ">>=",
  "**",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
  "&&",
  "||",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "!",
  "~",
  "&",
  "|",
  "^",
  "(",
  ")",
  "?",
  ":",
  "=",
  ",",
];

function tokenize(text: string): Tok[] {
  const tokens: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|\d+)/.exec(rest);
    if (num) {
      const raw = num[0];
      const value = /^0[xX]/.test(raw)
        ? Number.parseInt(raw, 16)
        : raw.length > 1 && raw.startsWith("0")
          ? Number.parseInt(raw, 8)
          : Number(raw);
      if (Number.isNaN(value)) throw new ArithmeticError(`invalid number "${raw}"`);
      tokens.push({ t: "num", v: value });
      i += raw.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      tokens.push({ t: "name", v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!op) throw new ArithmeticError(`syntax error: "${rest}"`);
    tokens.push({ t: "op", v: op });
    i += op.length;
  }
  return tokens;
}

const BINARY: Record<string, [number, (a: number, b: number) => number]> = {
  "||": [1, (a, b) => (a || b ? 1 : 0)],
  "&&": [2, (a, b) => (a && b ? 1 : 0)],
  "|": [3, (a, b) => a | b],
  "^": [4, (a, b) => a ^ b],
  "&": [5, (a, b) => a & b],
  "==": [6, (a, b) => (a === b ? 1 : 0)],
  "!=": [6, (a, b) => (a !== b ? 1 : 0)],
  "<": [7, (a, b) => (a < b ? 1 : 0)],
  ">": [7, (a, b) => (a > b ? 1 : 0)],
  "<=": [7, (a, b) => (a <= b ? 1 : 0)],
  ">=": [7, (a, b) => (a >= b ? 1 : 0)],
  "<<": [8, (a, b) => a << b],
  ">>": [8, (a, b) => a >> b],
  "+": [9, (a, b) => a + b],
  "-": [9, (a, b) => a - b],
  "*": [10, (a, b) => a * b],
  "/": [10, (a, b) => divide(a, b)],
  "%": [10, (a, b) => modulo(a, b)],
  "**": [11, (a, b) => a ** b],
};

function divide(a: number, b: number): number {
  if (b === 0) throw new ArithmeticError("division by zero");
  return Math.trunc(a / b);
}

function modulo(a: number, b: number): number {
  if (b === 0) throw new ArithmeticError("division by zero");
  return a % b;
}

class Evaluator {
  private i = 0;

  constructor(
    private readonly tokens: Tok[],
    private readonly scope: ArithmeticScope,
  ) {}

  private peek(): Tok | undefined {
    return this.tokens[this.i];
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token?.t === "op" && token.v === value;
  }

  private variable(name: string): number {
    const raw = (this.scope.get(name) ?? "").trim();
    if (raw === "") return 0;
    if (!/^-?\d+$/.test(raw)) throw new ArithmeticError(`illegal number: ${raw}`);
    return Number(raw);
  }

  run(): number {
    if (this.tokens.length === 0) return 0;
    const value = this.comma();
    if (this.i < this.tokens.length) throw new ArithmeticError("syntax error");
    return value;
  }

  private comma(): number {
    let value = this.assignment();
    while (this.isOp(",")) {
      this.i++;
      value = this.assignment();
    }
    return value;
  }

  private assignment(): number {
    const token = this.peek();
    const next = this.tokens[this.i + 1];
    if (token?.t === "name" && next?.t === "op" && /^([-+*/%&|^]|<<|>>)?=$/.test(next.v)) {
      this.i += 2;
      const right = this.assignment();
      const op = next.v.slice(0, -1);
      const value = op ? BINARY[op]![1](this.variable(token.v), right) : right;
      this.scope.set(token.v, String(value));
      return value;
    }
    return this.ternary();
  }

  private ternary(): number {
    const cond = this.binary(1);
    if (!this.isOp("?")) return cond;
    this.i++;
    const a = this.assignment();
    if (!this.isOp(":")) throw new ArithmeticError("expecting ':'");
    this.i++;
    const b = this.assignment();
    return cond ? a : b;
  }

  private binary(minPrecedence: number): number {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      const entry = token?.t === "op" ? BINARY[token.v] : undefined;
      if (!entry || entry[0] < minPrecedence) return left;
      this.i++;
      // `**` is right-associative; everything else left.
      const right = this.binary(token?.v === "**" ? entry[0] : entry[0] + 1);
      left = entry[1](left, right);
    }
  }

  private unary(): number {
    const token = this.peek();
    if (token?.t === "op") {
      if (token.v === "++" || token.v === "--") {
        this.i++;
        const name = this.peek();
        if (name?.t !== "name") throw new ArithmeticError("syntax error");
        this.i++;
        const value = this.variable(name.v) + (token.v === "++" ? 1 : -1);
        this.scope.set(name.v, String(value));
        return value;
      }
      const unaryOps: Record<string, (v: number) => number> = {
        "-": (v) => -v,
        "+": (v) => v,
        "!": (v) => (v ? 0 : 1),
        "~": (v) => ~v,
      };
      const apply = unaryOps[token.v];
      if (apply) {
        this.i++;
        return apply(this.unary());
      }
    }
    return this.primary();
  }

  private primary(): number {
    const token = this.peek();
    if (!token) throw new ArithmeticError("expecting primary");
    this.i++;
    if (token.t === "num") return token.v;
    if (token.t === "name") {
      const value = this.variable(token.v);
      if (this.isOp("++") || this.isOp("--")) {
        const delta = this.isOp("++") ? 1 : -1;
        this.i++;
        this.scope.set(token.v, String(value + delta));
      }
      return value;
    }
    if (token.v === "(") {
      const value = this.comma();
      if (!this.isOp(")")) throw new ArithmeticError("expecting ')'");
      this.i++;
      return value;
    }
    throw new ArithmeticError(`expecting primary: "${token.v}"`);
  }
}

/** Evaluates an (already expanded) arithmetic expression. */
export function evaluateArithmetic(text: string, scope: ArithmeticScope): number {
  return new Evaluator(tokenize(text), scope).run();
}
