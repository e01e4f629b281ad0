/*
 * The label selector lexer of apimachinery pkg/labels/selector.go (release-1.32), reproduced step for
 * step: its quirks decide which literal ends up in an error message ("found '…'"), and clients see those.
 */

export type TokenType =
  | "error"
  | "end"
  | "closed-paren"
  | "comma"
  | "does-not-exist"
  | "double-equals"
  | "equals"
  | "greater-than"
  | "identifier"
  | "in"
  | "less-than"
  | "not-equals"
  | "not-in"
  | "open-paren";

export interface Token {
  readonly type: TokenType;
  readonly literal: string;
}

const LITERAL_TOKENS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  [")", "closed-paren"],
  [",", "comma"],
  ["!", "does-not-exist"],
  ["==", "double-equals"],
  ["=", "equals"],
  [">", "greater-than"],
  ["in", "in"],
  ["<", "less-than"],
  ["!=", "not-equals"],
  ["notin", "not-in"],
  ["(", "open-paren"],
]);

/** Upstream reads bytes and uses 0 for "no more input"; a NUL in the input therefore ends it too. */
const EOF = "\0";

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
}

function isSpecialSymbol(ch: string): boolean {
  return ch === "=" || ch === "!" || ch === "(" || ch === ")" || ch === "," || ch === ">" || ch === "<";
}

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++] ?? EOF;
    return EOF;
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdOrKeyword(): Token {
    let buffer = "";
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
    }
    const keyword = LITERAL_TOKENS.get(buffer);
    return { type: keyword ?? "identifier", literal: buffer };
  }

  /** Longest run of special symbols that is still a known operator ("!=" over "!"). */
  private scanSpecialSymbol(): Token {
    let last: Token | undefined;
    let buffer = "";
    for (;;) {
      const ch = this.read();
      if (ch === EOF) break;
      if (!isSpecialSymbol(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const type = LITERAL_TOKENS.get(buffer);
      if (type !== undefined) {
        last = { type, literal: buffer };
      } else if (last !== undefined) {
        this.unread();
        break;
      }
    }
    return last ?? { type: "error", literal: `error expected: keyword found '${buffer}'` };
  }

  next(): Token {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === EOF) return { type: "end", literal: "" };
    this.unread();
    return isSpecialSymbol(ch) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }
}

/** All tokens of a selector string, the last one always `end`. */
export function scanLabelSelector(s: string): Token[] {
  const lexer = new Lexer(s);
  const tokens: Token[] = [];
  for (;;) {
    const token = lexer.next();
    tokens.push(token);
    if (token.type === "end") return tokens;
  }
}
