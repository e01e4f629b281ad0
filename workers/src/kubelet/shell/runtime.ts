import type { LogLine } from "../program-types.ts";
import type { Command, List } from "./ast.ts";
import type { ShellDialect, UtilityStyle } from "./messages.ts";

/**
 * The pieces the interpreter, its builtins and its utilities share: the simulated clock and log of
 * one process tree, the per-shell state, where output goes, and the signals that unwind execution.
 */

/** A program the image provides (its server, a client), started at the current simulated time. */
export interface ExternalRun {
  /** Lines relative to the program's start. */
  lines: LogLine[];
  end: { kind: "exit"; atMs: number; code: number } | { kind: "serve"; ports: number[]; readyAtMs: number };
  /** How long it takes to exit after SIGTERM when it is the container's PID 1. */
  stopMs: number;
}

/** An image's wrapper script hands over to another command (`docker-entrypoint.sh sh -c …`). */
export interface ExecInstead {
  exec: string[];
}

/** What the container gives its shell: the image's userland and programs, and the pod's facts. */
export interface ShellHost {
  /** Which shells and utilities exist: busybox applets, Debian's dash/bash/coreutils, or none at all. */
  userland: "busybox" | "debian" | "none";
  files: Record<string, string>;
  hostname: string;
  podIP: string | undefined;
  /** Wall-clock start of the container (epoch ms): `date` reads startedAt + simulated time. */
  startedAt: number;
  seed: string;
  /** One of the image's own executables started `atMs` after the container, or undefined if absent. */
  program(argv: string[], env: Record<string, string>, atMs: number): ExternalRun | ExecInstead | undefined;
  /** Last resort before "not found": users' images run unknown commands as their app. */
  fallback(argv: string[], env: Record<string, string>, atMs: number): ExternalRun | undefined;
}

/** Ends a process (or subshell) with a status. */
export class ExitSignal {
  constructor(readonly code: number) {}
}

/** The process blocks for good: `sleep infinity`, a server, or a script past the work budget. */
export class HangSignal {
  constructor(readonly reason: "forever" | "serve" | "budget") {}
}

export class BreakSignal {
  constructor(public levels: number) {}
}

export class ContinueSignal {
  constructor(public levels: number) {}
}

/** `return` from a function. */
export class ReturnSignal {
  constructor(readonly code: number) {}
}

/** A loop whose iterations repeat: iteration `n` is a function of `n`, so its lines are computed on demand. */
export interface PeriodicTail {
  startMs: number;
  periodMs: number;
  linesPerIteration: number;
  /** The lines of iteration `n` (0 is the one starting at `startMs`). */
  iteration(n: number): LogLine[];
}

/** Thrown by a loop that never ends: nothing after it runs. */
export class PeriodicSignal {
  constructor(readonly tail: PeriodicTail) {}
}

/** What a process wrote, in order: lines, and runs of loop iterations kept as formulas. */
export type LogSegment =
  | { kind: "lines"; lines: LogLine[] }
  | { kind: "periodic"; tail: PeriodicTail; count: number };

/** containerd splits longer lines (max_container_log_line_size). */
const MAX_LINE_LENGTH = 16_384;
/** A runaway script stops being simulated here (the container hangs from then on). */
const MAX_LOG_LINES = 100_000;

export class LogWriter {
  readonly segments: LogSegment[] = [];
  /** Lines written so far, those of periodic runs included. */
  written = 0;
  private materialized = 0;
  private readonly partial = { stdout: "", stderr: "" };

  write(stream: LogLine["stream"], text: string, atMs: number): void {
    let buffer = this.partial[stream] + text;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      this.push({ atMs, stream, text: buffer.slice(0, nl) });
      buffer = buffer.slice(nl + 1);
    }
    while (buffer.length > MAX_LINE_LENGTH) {
      this.push({ atMs, stream, text: buffer.slice(0, MAX_LINE_LENGTH) });
      buffer = buffer.slice(MAX_LINE_LENGTH);
    }
    this.partial[stream] = buffer;
  }

  push(line: LogLine): void {
    if (this.materialized >= MAX_LOG_LINES) throw new HangSignal("budget");
    const last = this.segments[this.segments.length - 1];
    if (last?.kind === "lines") last.lines.push(line);
    else this.segments.push({ kind: "lines", lines: [line] });
    this.materialized++;
    this.written++;
  }

  /** `count` iterations of a loop (Infinity: the loop never ends). */
  appendPeriodic(tail: PeriodicTail, count: number): void {
    this.segments.push({ kind: "periodic", tail, count });
    this.written += count * tail.linesPerIteration;
  }

  /** Every line, periodic runs expanded (for replays, which are short). */
  lines(): LogLine[] {
    return this.segments.flatMap((segment) => {
      if (segment.kind === "lines") return segment.lines;
      const count = Math.min(segment.count, 1000);
      return Array.from({ length: count }, (_, n) => segment.tail.iteration(n)).flat();
    });
  }

  hasPartial(): boolean {
    return this.partial.stdout !== "" || this.partial.stderr !== "";
  }

  /** A line without its newline is still shown once the process stops writing (CRI "P" chunks). */
  flush(atMs: number): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream] !== "") this.push({ atMs, stream, text: this.partial[stream] });
      this.partial[stream] = "";
    }
  }
}

export interface ServerInfo {
  ports: number[];
  readyAtMs: number;
}

/** The clock, log and work budget of one container's process tree. */
export class Runtime {
  steps = 0;
  readonly log = new LogWriter();
  server: ServerInfo | undefined;
  /** Set when an image program is the container's PID 1 (run directly or `exec`ed): it handles SIGTERM. */
  pid1StopMs: number | undefined;
  /** The traps of the shell that is the container's PID 1 (a TERM trap makes it stop on SIGTERM). */
  pid1Traps: Map<string, string> | undefined;
  /** The next external program replaces the shell (`exec prog`). */
  execPending = false;

  constructor(
    readonly host: ShellHost,
    public now: number,
    /** Re-running one iteration of an endless loop: no loop detection, a small budget. */
    readonly replaying: boolean,
    readonly maxSteps: number,
  ) {}
}

export interface ShellState {
  vars: Map<string, string>;
  exported: Set<string>;
  positional: string[];
  arg0: string;
  status: number;
  cwd: string;
  /** Files the script wrote (over the mounted ones). */
  files: Map<string, string>;
  traps: Map<string, string>;
  functions: Map<string, Command>;
  errexit: boolean;
  xtrace: boolean;
  randomCalls: number;
}

export function cloneState(state: ShellState): ShellState {
  return {
    ...state,
    vars: new Map(state.vars),
    exported: new Set(state.exported),
    positional: [...state.positional],
    files: new Map(state.files),
    traps: new Map(state.traps),
    functions: new Map(state.functions),
  };
}

export function newState(env: Record<string, string>, arg0: string, positional: string[]): ShellState {
  return {
    vars: new Map(Object.entries(env)),
    exported: new Set(Object.keys(env)),
    positional,
    arg0,
    status: 0,
    cwd: "/",
    files: new Map(),
    traps: new Map(),
    functions: new Map(),
    errexit: false,
    xtrace: false,
    randomCalls: 0,
  };
}

/** Where a file descriptor writes. */
export type Sink =
  | { kind: "log"; stream: LogLine["stream"] }
  | { kind: "null" }
  | { kind: "capture"; buffer: { text: string } }
  | { kind: "file"; path: string };

export interface Stdin {
  text: string;
  pos: number;
}

export interface Io {
  out: Sink;
  err: Sink;
  stdin: Stdin | null;
}

/** What builtins and utilities may do to the shell that runs them. */
export interface ShellApi {
  readonly state: ShellState;
  readonly rt: Runtime;
  /** Undefined when the command is the container's process itself (no shell around it). */
  readonly dialect: ShellDialect | undefined;
  readonly style: UtilityStyle;
  /** Loops around the running command (`break` outside any loop does nothing). */
  readonly loopDepth: number;
  /** Functions being run (`return` leaves the innermost). */
  readonly functionDepth: number;
  readonly isPid1: boolean;
  write(io: Io, fd: 1 | 2, text: string): void;
  /** A message on stderr, prefixed the way the shell prefixes its own errors. */
  shellError(io: Io, line: number, text: string): void;
  sleep(ms: number): void;
  readFile(path: string): string | undefined;
  pathKind(path: string): "file" | "dir" | undefined;
  invoke(argv: string[], io: Io, env: Map<string, string>, line: number): number;
  runList(list: List, io: Io): number;
  runSource(source: string, io: Io, line: number): number;
  /** Starts a listener that runs until the container stops. */
  serve(ports: number[]): never;
  environment(extra?: Map<string, string>): Record<string, string>;
}

export interface CommandContext {
  argv: string[];
  io: Io;
  /** Assignments written before the command (`FOO=1 env`). */
  assigns: Map<string, string>;
  line: number;
  shell: ShellApi;
}

export type CommandFn = (ctx: CommandContext) => number;
