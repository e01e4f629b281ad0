import type { AndOr, Assignment, Command, List, ParamOp, Pipeline, Redirect, Word, WordPart } from "./ast.ts";

/**
 * A recursive-descent parser for the sh subset tutorials use: simple commands with quoting and
 * expansions, `;` `&&` `||` `|` `&`, redirections, `if`, `while`/`until`, `for`, `{ }` and `( )`.
 * Anything else (functions, `case`, here-documents) is a syntax error, as an unknown construct
 * would be for a stricter shell.
 */

export class ShellSyntaxError extends Error {
  constructor(
    /** `unexpected`: a token out of place; `eof`: the script ended early; `unterminated`: an open quote. */
    readonly kind: "unexpected" | "eof" | "unterminated" | "bad-substitution",
    readonly token: string,
    readonly expecting: string | undefined,
    readonly line: number,
  ) {
    super(kind === "eof" ? "unexpected end of file" : `unexpected ${token}`);
  }
}

type Token =
  | { type: "word"; word: Word; raw: string; plain: string | undefined; line: number }
  | { type: "op"; op: string; line: number }
  | { type: "redir"; op: Redirect["op"]; fd: number; line: number; strip?: boolean }
  | { type: "nl"; line: number }
  | { type: "eof"; line: number };

const METACHARS = new Set([" ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">"]);
const TERMINATORS = ["then", "else", "elif", "fi", "do", "done", "}", "esac"];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPECIAL_PARAMS = new Set([
  "?",
  "$",
  "#",
  "@",
  "*",
  "!",
  "-",
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
]);
const PARAM_OPS: ParamOp[] = [":-", ":=", ":+", ":?", "-", "=", "+", "?"];

function pushLiteral(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last && last.kind === "lit" && last.quoted === quoted) last.text += text;
  else parts.push({ kind: "lit", text, quoted });
}

type PartsMode = "word" | "dquote" | "heredoc";

interface PendingHeredoc {
  redirect: Redirect;
  delimiter: string;
  quoted: boolean;
  strip: boolean;
}

class Lexer {
  private readonly heredocs: PendingHeredoc[] = [];

  constructor(
    readonly src: string,
    public pos = 0,
    public line = 1,
  ) {}

  /** A here-document's text starts after the current line: read it when that newline comes. */
  addHeredoc(heredoc: PendingHeredoc): void {
    this.heredocs.push(heredoc);
  }

  private readHeredocs(): void {
    const src = this.src;
    for (const heredoc of this.heredocs.splice(0)) {
      let body = "";
      while (this.pos < src.length) {
        const nl = src.indexOf("\n", this.pos);
        const end = nl < 0 ? src.length : nl;
        const raw = src.slice(this.pos, end);
        this.pos = nl < 0 ? src.length : nl + 1;
        this.line++;
        const line = heredoc.strip ? raw.replace(/^\t+/, "") : raw;
        if (line === heredoc.delimiter) break;
        body += `${line}\n`;
      }
      heredoc.redirect.target = heredoc.quoted
        ? [{ kind: "lit", text: body, quoted: true }]
        : new Lexer(body).readParts(() => false, "heredoc");
    }
  }

  private error(kind: ShellSyntaxError["kind"], token = "", expecting?: string): ShellSyntaxError {
    return new ShellSyntaxError(kind, token, expecting, this.line);
  }

  next(): Token {
    const src = this.src;
    for (;;) {
      const c = src[this.pos];
      if (c === " " || c === "\t") this.pos++;
      else if (c === "\\" && src[this.pos + 1] === "\n") {
        this.pos += 2;
        this.line++;
      } else if (c === "#") {
        while (this.pos < src.length && src[this.pos] !== "\n") this.pos++;
      } else break;
    }
    const line = this.line;
    if (this.pos >= src.length) return { type: "eof", line };
    const c = src[this.pos]!;
    if (c === "\n") {
      this.pos++;
      this.line++;
      if (this.heredocs.length > 0) this.readHeredocs();
      return { type: "nl", line };
    }
    const io = /^(\d+)(?=[<>])/.exec(src.slice(this.pos, this.pos + 4));
    if (io) {
      this.pos += io[1]!.length;
      return this.redirect(Number(io[1]), line);
    }
    if (c === "<" || c === ">") return this.redirect(undefined, line);
    const two = src.slice(this.pos, this.pos + 2);
    if (two === "&&" || two === "||" || two === ";;") {
      this.pos += 2;
      return { type: "op", op: two, line };
    }
    if (c === ";" || c === "&" || c === "|" || c === "(" || c === ")") {
      this.pos++;
      return { type: "op", op: c, line };
    }
    const start = this.pos;
    const word = this.readParts((ch) => METACHARS.has(ch), "word");
    const raw = src.slice(start, this.pos);
    const only = word[0];
    const plain = word.length === 1 && only?.kind === "lit" && !only.quoted ? only.text : undefined;
    return { type: "word", word, raw, plain, line };
  }

  private redirect(fd: number | undefined, line: number): Token {
    const src = this.src;
    if (src.startsWith("<<", this.pos) && src[this.pos + 2] !== "<") {
      const strip = src[this.pos + 2] === "-";
      this.pos += strip ? 3 : 2;
      return { type: "redir", op: "<<", fd: fd ?? 0, line, strip };
    }
    const three = src.slice(this.pos, this.pos + 2);
    let op: Redirect["op"];
    if (three === ">>") op = ">>";
    else if (three === ">&") op = ">&";
    else if (three === "<&") op = "<&";
    else if (three === ">|") op = ">";
    else op = src[this.pos] === "<" ? "<" : ">";
    this.pos += three === ">>" || three === ">&" || three === "<&" || three === ">|" ? 2 : 1;
    return { type: "redir", op, fd: fd ?? (op === "<" || op === "<&" ? 0 : 1), line };
  }

  /**
   * Reads word parts until `stop` says so at an unquoted character, or a closing `"` in double quotes.
   * A here-document's text expands like double quotes but has no closing quote.
   */
  readParts(stop: (c: string) => boolean, mode: PartsMode): WordPart[] {
    const src = this.src;
    const parts: WordPart[] = [];
    const inDoubleQuotes = mode !== "word";
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (mode === "dquote" && c === '"') return parts;
      if (mode === "word" && stop(c)) return parts;
      if (c === "\\") {
        const next = src[this.pos + 1];
        this.pos += 2;
        if (next === undefined) pushLiteral(parts, "\\", inDoubleQuotes);
        else if (next === "\n") this.line++;
        else if (!inDoubleQuotes || (mode === "dquote" ? '$`"\\' : "$`\\").includes(next))
          pushLiteral(parts, next, true);
        else pushLiteral(parts, `\\${next}`, true);
      } else if (c === "'" && !inDoubleQuotes) {
        const end = src.indexOf("'", this.pos + 1);
        if (end < 0) throw this.error("unterminated", "'");
        const text = src.slice(this.pos + 1, end);
        this.line += text.split("\n").length - 1;
        pushLiteral(parts, text, true);
        this.pos = end + 1;
      } else if (c === '"' && !inDoubleQuotes) {
        this.pos++;
        const inner = this.readParts(() => false, "dquote");
        if (src[this.pos] !== '"') throw this.error("unterminated", '"');
        this.pos++;
        // An empty "" still makes a (quoted, empty) field.
        if (inner.length === 0) pushLiteral(parts, "", true);
        for (const part of inner) {
          if (part.kind === "lit") pushLiteral(parts, part.text, true);
          else parts.push(part);
        }
      } else if (c === "$") {
        this.readDollar(parts, inDoubleQuotes);
      } else if (c === "`") {
        parts.push({ kind: "cmdsub", body: this.readBackquoted(), quoted: inDoubleQuotes });
      } else {
        if (c === "\n") this.line++;
        pushLiteral(parts, c, inDoubleQuotes);
        this.pos++;
      }
    }
    if (mode === "dquote") throw this.error("unterminated", '"');
    return parts;
  }

  private readBackquoted(): List {
    const src = this.src;
    let inner = "";
    let i = this.pos + 1;
    for (; i < src.length && src[i] !== "`"; i++) {
      if (src[i] === "\\" && "\\`$".includes(src[i + 1] ?? "")) inner += src[++i];
      else inner += src[i];
    }
    if (i >= src.length) throw this.error("unterminated", "`");
    this.pos = i + 1;
    return parseScript(inner);
  }

  private readDollar(parts: WordPart[], quoted: boolean): void {
    const src = this.src;
    const next = src[this.pos + 1];
    if (next === "(" && src[this.pos + 2] === "(") {
      const start = this.pos + 3;
      let depth = 0;
      let i = start;
      for (; i < src.length; i++) {
        if (src[i] === "(") depth++;
        else if (src[i] === ")") {
          if (depth === 0 && src[i + 1] === ")") break;
          depth--;
        }
      }
      if (i >= src.length) throw this.error("eof", "", "))");
      const inner = new Lexer(src.slice(start, i));
      parts.push({ kind: "arith", expr: inner.readParts(() => false, "heredoc"), quoted });
      this.pos = i + 2;
      return;
    }
    if (next === "(") {
      const nested = new Parser(new Lexer(src, this.pos + 2, this.line));
      const body = nested.parseList();
      nested.expectOp(")");
      this.pos = nested.lexer.pos;
      this.line = nested.lexer.line;
      parts.push({ kind: "cmdsub", body, quoted });
      return;
    }
    if (next === "{") {
      this.readBraced(parts, quoted);
      return;
    }
    const name = NAME.exec(src.slice(this.pos + 1));
    if (name) {
      parts.push({ kind: "param", name: name[0], quoted });
      this.pos += 1 + name[0].length;
    } else if (next !== undefined && SPECIAL_PARAMS.has(next)) {
      parts.push({ kind: "param", name: next, quoted });
      this.pos += 2;
    } else {
      pushLiteral(parts, "$", quoted);
      this.pos++;
    }
  }

  private readBraced(parts: WordPart[], quoted: boolean): void {
    const src = this.src;
    this.pos += 2;
    const length = src[this.pos] === "#" && src[this.pos + 1] !== "}";
    if (length) this.pos++;
    const name =
      NAME.exec(src.slice(this.pos))?.[0] ?? (SPECIAL_PARAMS.has(src[this.pos] ?? "") ? src[this.pos]! : "");
    if (!name) throw this.error("bad-substitution", src.slice(this.pos - 2, src.indexOf("}", this.pos) + 1));
    this.pos += name.length;
    if (length) {
      if (src[this.pos] !== "}") throw this.error("bad-substitution", "${#");
      this.pos++;
      parts.push({ kind: "length", name, quoted });
      return;
    }
    if (src[this.pos] === "}") {
      this.pos++;
      parts.push({ kind: "param", name, quoted });
      return;
    }
    const op = PARAM_OPS.find((candidate) => src.startsWith(candidate, this.pos));
    if (!op) throw this.error("bad-substitution", `\${${name}${src[this.pos] ?? ""}`);
    this.pos += op.length;
    const arg = this.readParts((c) => c === "}", "word");
    if (src[this.pos] !== "}") throw this.error("eof", "", "}");
    this.pos++;
    parts.push({ kind: "param", name, op, arg, quoted });
  }
}

function tokenText(token: Token): string {
  switch (token.type) {
    case "word":
      return token.raw;
    case "op":
      return token.op;
    case "redir":
      return token.op;
    case "nl":
      return "newline";
    case "eof":
      return "end of file";
  }
}

class Parser {
  private peeked: Token | undefined;

  constructor(readonly lexer: Lexer) {}

  private peek(): Token {
    this.peeked ??= this.lexer.next();
    return this.peeked;
  }

  private take(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private unexpected(token: Token, expecting?: string): ShellSyntaxError {
    if (token.type === "eof") return new ShellSyntaxError("eof", "", expecting, token.line);
    return new ShellSyntaxError("unexpected", tokenText(token), expecting, token.line);
  }

  private isReserved(token: Token, ...words: string[]): boolean {
    return token.type === "word" && token.plain !== undefined && words.includes(token.plain);
  }

  private skipNewlines(): void {
    while (this.peek().type === "nl") this.take();
  }

  expectOp(op: string): void {
    const token = this.take();
    if (token.type !== "op" || token.op !== op) throw this.unexpected(token, op);
  }

  private expectReserved(word: string): void {
    const token = this.take();
    if (!this.isReserved(token, word)) throw this.unexpected(token, word);
  }

  parseProgram(): List {
    const list = this.parseList();
    const token = this.peek();
    if (token.type !== "eof") throw this.unexpected(token);
    return list;
  }

  /** and-or lists separated by `;`, `&` or newlines, up to a closing keyword, `)` or the end. */
  parseList(): List {
    const items: AndOr[] = [];
    this.skipNewlines();
    for (;;) {
      const token = this.peek();
      const closing = token.type === "op" && (token.op === ")" || token.op === ";;");
      if (token.type === "eof" || closing || this.isReserved(token, ...TERMINATORS)) break;
      items.push(this.parseAndOr());
      const separator = this.peek();
      if (separator.type === "op" && (separator.op === ";" || separator.op === "&")) {
        this.take();
        this.skipNewlines();
      } else if (separator.type === "nl") {
        this.skipNewlines();
      } else break;
    }
    return items;
  }

  private parseBody(): List {
    const list = this.parseList();
    if (list.length === 0) throw this.unexpected(this.peek());
    return list;
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr["rest"] = [];
    for (;;) {
      const token = this.peek();
      if (token.type !== "op" || (token.op !== "&&" && token.op !== "||")) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: token.op, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    if (this.isReserved(this.peek(), "!")) {
      this.take();
      negate = true;
    }
    const commands = [this.parseCommand()];
    for (;;) {
      const token = this.peek();
      if (token.type !== "op" || token.op !== "|") break;
      this.take();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { negate, commands };
  }

  private parseCommand(): Command {
    const token = this.peek();
    if (token.type === "op" && token.op === "(") {
      this.take();
      const body = this.parseBody();
      this.expectOp(")");
      return { kind: "group", body, subshell: true, redirects: this.parseRedirects() };
    }
    if (this.isReserved(token, "if")) return this.parseIf();
    if (this.isReserved(token, "while", "until")) return this.parseLoop();
    if (this.isReserved(token, "for")) return this.parseFor();
    if (this.isReserved(token, "case")) return this.parseCase();
    if (this.isReserved(token, "{")) {
      this.take();
      const body = this.parseBody();
      this.expectReserved("}");
      return { kind: "group", body, subshell: false, redirects: this.parseRedirects() };
    }
    if (this.isReserved(token, ...TERMINATORS)) throw this.unexpected(token);
    return this.parseSimple();
  }

  private parseRedirects(): Redirect[] {
    const redirects: Redirect[] = [];
    for (let token = this.peek(); token.type === "redir"; token = this.peek()) {
      this.take();
      redirects.push(this.parseRedirect(token));
    }
    return redirects;
  }

  private parseRedirect(token: Extract<Token, { type: "redir" }>): Redirect {
    const target = this.take();
    if (target.type !== "word") throw this.unexpected(target);
    if (token.op !== "<<") return { fd: token.fd, op: token.op, target: target.word };
    // The delimiter is the word without quotes; quoting any of it turns expansion off in the text.
    const redirect: Redirect = { fd: token.fd, op: "<<", target: [] };
    const delimiter = target.word.map((part) => (part.kind === "lit" ? part.text : "")).join("");
    this.lexer.addHeredoc({
      redirect,
      delimiter,
      quoted: /['"\\]/.test(target.raw),
      strip: token.strip === true,
    });
    return redirect;
  }

  private expectWord(): Word {
    const token = this.take();
    if (token.type !== "word") throw this.unexpected(token);
    return token.word;
  }

  private parseSimple(): Command {
    const line = this.peek().line;
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const token = this.peek();
      if (token.type === "redir") {
        this.take();
        redirects.push(this.parseRedirect(token));
      } else if (token.type === "word") {
        this.take();
        const assignment = words.length === 0 ? asAssignment(token.word) : undefined;
        if (assignment) assigns.push(assignment);
        else words.push(token.word);
        const next = this.peek();
        if (words.length === 1 && assigns.length === 0 && next.type === "op" && next.op === "(") {
          return this.parseFunction(token);
        }
      } else break;
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0)
      throw this.unexpected(this.peek());
    return { kind: "simple", assigns, words, redirects, line };
  }

  /** `name() compound-command` */
  private parseFunction(nameToken: Extract<Token, { type: "word" }>): Command {
    if (!nameToken.plain || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(nameToken.plain))
      throw this.unexpected(this.peek());
    this.expectOp("(");
    this.expectOp(")");
    this.skipNewlines();
    const body = this.parseCommand();
    if (body.kind === "simple") throw this.unexpected(this.peek());
    return { kind: "function", name: nameToken.plain, body };
  }

  /** `case word in pattern|pattern) list ;; … esac` */
  private parseCase(): Command {
    this.take();
    const word = this.expectWord();
    this.skipNewlines();
    this.expectReserved("in");
    this.skipNewlines();
    const items: { patterns: Word[]; body: List }[] = [];
    while (!this.isReserved(this.peek(), "esac")) {
      const open = this.peek();
      if (open.type === "op" && open.op === "(") this.take();
      const patterns = [this.expectWord()];
      for (let next = this.peek(); next.type === "op" && next.op === "|"; next = this.peek()) {
        this.take();
        patterns.push(this.expectWord());
      }
      this.expectOp(")");
      const body = this.parseList();
      items.push({ patterns, body });
      const end = this.peek();
      if (end.type === "op" && end.op === ";;") {
        this.take();
        this.skipNewlines();
      } else if (!this.isReserved(end, "esac")) throw this.unexpected(end, "esac");
    }
    this.take();
    return { kind: "case", word, items, redirects: this.parseRedirects() };
  }

  private parseIf(): Command {
    this.take();
    const clauses: { cond: List; body: List }[] = [];
    let elseBody: List | undefined;
    for (;;) {
      const cond = this.parseBody();
      this.expectReserved("then");
      const body = this.parseBody();
      clauses.push({ cond, body });
      if (this.isReserved(this.peek(), "elif")) {
        this.take();
        continue;
      }
      if (this.isReserved(this.peek(), "else")) {
        this.take();
        elseBody = this.parseBody();
      }
      this.expectReserved("fi");
      break;
    }
    return { kind: "if", clauses, ...(elseBody ? { elseBody } : {}), redirects: this.parseRedirects() };
  }

  private parseLoop(): Command {
    const keyword = this.take();
    const until = this.isReserved(keyword, "until");
    const cond = this.parseBody();
    this.expectReserved("do");
    const body = this.parseBody();
    this.expectReserved("done");
    return { kind: "loop", until, cond, body, redirects: this.parseRedirects() };
  }

  private parseFor(): Command {
    this.take();
    const nameToken = this.take();
    if (nameToken.type !== "word" || !nameToken.plain || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(nameToken.plain)) {
      throw this.unexpected(nameToken);
    }
    this.skipNewlines();
    let items: Word[] | undefined;
    if (this.isReserved(this.peek(), "in")) {
      this.take();
      items = [];
      for (let token = this.peek(); token.type === "word"; token = this.peek()) items.push(this.expectWord());
      const separator = this.take();
      if (!(separator.type === "nl" || (separator.type === "op" && separator.op === ";"))) {
        throw this.unexpected(separator, "do");
      }
    } else if (this.peek().type === "op") {
      this.expectOp(";");
    }
    this.skipNewlines();
    this.expectReserved("do");
    const body = this.parseBody();
    this.expectReserved("done");
    return {
      kind: "for",
      name: nameToken.plain,
      ...(items ? { items } : {}),
      body,
      redirects: this.parseRedirects(),
    };
  }
}

function asAssignment(word: Word): Assignment | undefined {
  const first = word[0];
  if (first?.kind !== "lit" || first.quoted) return undefined;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!match) return undefined;
  const rest = first.text.slice(match[0].length);
  const value: Word = [...(rest ? [{ ...first, text: rest }] : []), ...word.slice(1)];
  return { name: match[1]!, value };
}

/** Parses a whole script (the argument of `sh -c`, a mounted script file). */
export function parseScript(source: string): List {
  return new Parser(new Lexer(source)).parseProgram();
}
