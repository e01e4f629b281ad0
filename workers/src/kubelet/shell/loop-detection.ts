import type { Command, List, Word } from "./ast.ts";
import { cloneState, type ShellState } from "./runtime.ts";

/**
 * Endless loops are simulated lazily: at the start of each iteration the loop records the shell
 * state; once iterations repeat — the same state every time, or counters moving by the same step —
 * with the same duration and number of lines, iteration `n` can be computed directly, so the log a
 * year later costs as much as the log a minute later.
 */

export interface IterationMark {
  /** The whole state, counters included. */
  key: string;
  /** The state with integer values blanked out. */
  shape: string;
  numbers: Map<string, number>;
  time: number;
  lines: number;
  state: ShellState;
}

export interface LoopPattern {
  base: IterationMark;
  periodMs: number;
  linesPerIteration: number;
  /** How much each counter grows per iteration (empty when the state repeats exactly). */
  deltas: Map<string, number>;
}

const INTEGER = /^-?\d{1,15}$/;

/** Long values (a string growing each pass) are compared by length: cheap (no copying), rarely wrong. */
function fingerprint(value: string): string {
  return value.length <= 256 ? JSON.stringify(value) : `#${value.length}`;
}

export function markIteration(state: ShellState, time: number, lines: number): IterationMark {
  const numbers = new Map<string, number>();
  const shapeParts: string[] = [];
  for (const [name, value] of [...state.vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (INTEGER.test(value)) {
      numbers.set(name, Number(value));
      shapeParts.push(`${name}=#`);
    } else shapeParts.push(`${name}=${fingerprint(value)}`);
  }
  const rest = JSON.stringify([
    [...state.exported].sort(),
    state.positional,
    state.status,
    state.cwd,
    [...state.traps].sort(),
    [...state.functions.keys()].sort(),
    state.errexit,
    state.xtrace,
    // Files by name only: a log file appended to on every pass does not make the loop differ.
    [...state.files.keys()].sort(),
  ]);
  const shape = `${shapeParts.join("\n")}\n${rest}`;
  const key = `${shape}\n${JSON.stringify([...numbers])}`;
  return { key, shape, numbers, time, lines, state: cloneState(state) };
}

/**
 * The repeating pattern of the last iterations, if any. `trusted`: the loop cannot end (constant
 * condition, no exit or break), so a pattern of moving counters may be extrapolated at once;
 * otherwise only once `eager` running has gone on long enough.
 */
export function detectPattern(
  history: IterationMark[],
  trusted: boolean,
  eagerDone: boolean,
): LoopPattern | undefined {
  const [a, b, c] = history.slice(-3);
  if (!a || !b || !c) return undefined;
  const period = c.time - b.time;
  const lines = c.lines - b.lines;
  if (period !== b.time - a.time || lines !== b.lines - a.lines || period <= 0) return undefined;
  if (a.key === b.key && b.key === c.key) {
    return { base: c, periodMs: period, linesPerIteration: lines, deltas: new Map() };
  }
  if (!(trusted || eagerDone) || a.shape !== b.shape || b.shape !== c.shape) return undefined;
  const deltas = new Map<string, number>();
  for (const [name, value] of c.numbers) {
    const before = b.numbers.get(name);
    const first = a.numbers.get(name);
    if (before === undefined || first === undefined) return undefined;
    if (value - before !== before - first) return undefined;
    if (value !== before) deltas.set(name, value - before);
  }
  return { base: c, periodMs: period, linesPerIteration: lines, deltas };
}

/** The state of iteration `n` after the base one: counters advanced `n` steps. */
export function stateAt(pattern: LoopPattern, n: number): ShellState {
  const state = cloneState(pattern.base.state);
  for (const [name, delta] of pattern.deltas) {
    state.vars.set(name, String((pattern.base.numbers.get(name) ?? 0) + n * delta));
  }
  return state;
}

/** Iterations beyond this are "never": the search for a loop's end stops here. */
const MAX_ITERATIONS = 2 ** 40;

/** The first `n` for which `ends(n)` holds, assuming it stays true after (counters crossing a bound). */
export function firstEnding(ends: (n: number) => boolean): number | undefined {
  if (ends(0)) return 0;
  let high = 1;
  while (!ends(high)) {
    high *= 2;
    if (high > MAX_ITERATIONS) return undefined;
  }
  let low = high / 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (ends(mid)) high = mid;
    else low = mid;
  }
  return high;
}

function literal(word: Word | undefined): string | undefined {
  if (word?.length !== 1) return undefined;
  const part = word[0]!;
  return part.kind === "lit" ? part.text : undefined;
}

function alwaysSucceeds(cond: List): boolean {
  if (cond.length !== 1) return false;
  const andOr = cond[0]!;
  if (andOr.rest.length > 0 || andOr.first.negate || andOr.first.commands.length !== 1) return false;
  const command = andOr.first.commands[0]!;
  if (command.kind !== "simple" || command.assigns.length > 0) return false;
  const name = literal(command.words[0]);
  return name === "true" || name === ":" || (name === "sleep" && command.words.length === 2);
}

function mayLeave(list: List): boolean {
  const leaves = (command: Command): boolean => {
    switch (command.kind) {
      case "simple": {
        const name = literal(command.words[0]);
        return name === undefined || ["exit", "break", "return", "exec", "kill"].includes(name);
      }
      case "if":
        return (
          command.clauses.some((c) => mayLeave(c.cond) || mayLeave(c.body)) ||
          mayLeave(command.elseBody ?? [])
        );
      case "loop":
        return mayLeave(command.cond) || mayLeave(command.body);
      case "for":
      case "group":
        return mayLeave(command.body);
      case "case":
        return command.items.some((item) => mayLeave(item.body));
      case "function":
        return false;
    }
  };
  return list.some((andOr) =>
    [andOr.first, ...andOr.rest.map((r) => r.pipeline)].some((p) => p.commands.some(leaves)),
  );
}

/** `while true`, `while :`, `while sleep 5`, `until false`, with no way out of the body. */
export function loopCannotEnd(command: Extract<Command, { kind: "loop" }>): boolean {
  if (mayLeave(command.body) || mayLeave(command.cond)) return false;
  if (!command.until) return alwaysSucceeds(command.cond);
  const only = command.cond[0]?.first.commands[0];
  return (
    command.cond.length === 1 &&
    only?.kind === "simple" &&
    literal(only.words[0]) === "false" &&
    only.words.length === 1
  );
}
