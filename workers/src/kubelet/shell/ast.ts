/** The syntax tree of the POSIX sh subset the simulated shells understand. */

export type WordPart =
  | { kind: "lit"; text: string; quoted: boolean }
  /** `$x`, `${x}`, `${x:-word}` … */
  | { kind: "param"; name: string; op?: ParamOp; arg?: Word; quoted: boolean }
  /** `${#x}` */
  | { kind: "length"; name: string; quoted: boolean }
  /** `$(list)` and backquotes */
  | { kind: "cmdsub"; body: List; quoted: boolean }
  /** `$((expr))`: the expression text after its own expansions */
  | { kind: "arith"; expr: Word; quoted: boolean };

export type ParamOp = ":-" | "-" | ":=" | "=" | ":+" | "+" | ":?" | "?";

export type Word = WordPart[];

export interface Redirect {
  fd: number;
  /** `<<`: a here-document, whose text is `target`. */
  op: ">" | ">>" | "<" | ">&" | "<&" | "<<";
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export type Command =
  | { kind: "simple"; assigns: Assignment[]; words: Word[]; redirects: Redirect[]; line: number }
  | { kind: "if"; clauses: { cond: List; body: List }[]; elseBody?: List; redirects: Redirect[] }
  | { kind: "loop"; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { kind: "for"; name: string; items?: Word[]; body: List; redirects: Redirect[] }
  | { kind: "group"; body: List; subshell: boolean; redirects: Redirect[] }
  | { kind: "case"; word: Word; items: { patterns: Word[]; body: List }[]; redirects: Redirect[] }
  | { kind: "function"; name: string; body: Command };

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: "&&" | "||"; pipeline: Pipeline }[];
}

export type List = AndOr[];
