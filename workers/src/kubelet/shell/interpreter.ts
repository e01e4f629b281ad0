import { createHash } from "node:crypto";
import type { LogLine } from "../program-types.ts";
import type { Command, List, Pipeline, Redirect } from "./ast.ts";
import { BUILTINS } from "./builtins.ts";
import { type ExpansionHost, expandPattern, expandWord, expandWords } from "./expand.ts";
import { BUSYBOX_ONLY_UTILITIES, FILE_UTILITIES, SILENT_UTILITIES } from "./file-utilities.ts";
import { globPaths, normalizePath, pathKind, readFile } from "./filesystem.ts";
import { globToRegExp } from "./glob.ts";
import { parseShellInvocation } from "./invocation.ts";
import {
  detectPattern,
  firstEnding,
  type IterationMark,
  type LoopPattern,
  loopCannotEnd,
  markIteration,
  stateAt,
} from "./loop-detection.ts";
import {
  builtinError,
  cannotOpenInput,
  cannotOpenScript,
  notFoundMessage,
  type ShellDialect,
  syntaxErrorMessage,
  type UtilityStyle,
} from "./messages.ts";
import { parseScript, ShellSyntaxError } from "./parser.ts";
import {
  BreakSignal,
  type CommandFn,
  ContinueSignal,
  cloneState,
  ExitSignal,
  type ExternalRun,
  HangSignal,
  type Io,
  newState,
  PeriodicSignal,
  type PeriodicTail,
  ReturnSignal,
  Runtime,
  type ShellApi,
  type ShellState,
  type Sink,
} from "./runtime.ts";
import { BASIC_UTILITIES } from "./utilities.ts";

/** Past this many commands an endless loop with moving counters is extrapolated even if it might end. */
const EAGER_STEPS = 5_000;
/** Work allowed to re-run one iteration of a detected loop. */
const REPLAY_STEPS = 5_000;

const basename = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

const isSignal = (error: unknown): boolean =>
  error instanceof ExitSignal ||
  error instanceof HangSignal ||
  error instanceof PeriodicSignal ||
  error instanceof BreakSignal ||
  error instanceof ContinueSignal ||
  error instanceof ReturnSignal;

/**
 * One shell (or, with no dialect, the container's process itself before any shell runs) executing
 * on a simulated clock: sleeps advance `rt.now`, output becomes timestamped log lines.
 */
export class Shell implements ShellApi, ExpansionHost {
  loopDepth = 0;
  functionDepth = 0;
  /** This shell is the container's process: what it `exec`s receives SIGTERM itself. */
  isPid1 = false;
  private conditionDepth = 0;
  private substitutionStatus: number | undefined;
  private currentIo: Io = { out: { kind: "null" }, err: { kind: "null" }, stdin: null };
  private currentLine = 1;

  constructor(
    readonly state: ShellState,
    readonly rt: Runtime,
    readonly dialect: ShellDialect | undefined,
  ) {}

  get style(): UtilityStyle {
    return this.rt.host.userland === "busybox" ? "busybox" : "gnu";
  }

  // ----- what commands may use (ShellApi, ExpansionHost)

  write(io: Io, fd: 1 | 2, text: string): void {
    const sink = fd === 2 ? io.err : io.out;
    if (sink.kind === "log") this.rt.log.write(sink.stream, text, this.rt.now);
    else if (sink.kind === "capture") sink.buffer.text += text;
    else if (sink.kind === "file") this.state.files.set(sink.path, (this.readFile(sink.path) ?? "") + text);
  }

  shellError(io: Io, line: number, text: string): void {
    const message = this.dialect ? builtinError(this.dialect, this.state.arg0, line, text) : text;
    this.write(io, 2, `${message}\n`);
  }

  fail(text: string, code: number): never {
    this.shellError(this.currentIo, this.currentLine, text);
    throw new ExitSignal(code);
  }

  sleep(ms: number): void {
    this.rt.now += Math.round(ms);
  }

  random(): number {
    const hash = createHash("sha256").update(
      `${this.rt.host.seed}:${this.rt.now}:${this.state.randomCalls++}`,
    );
    return hash.digest().readUInt16BE(0) % 32768;
  }

  readFile(path: string): string | undefined {
    return readFile(this.rt.host, this.state, path);
  }

  pathKind(path: string): "file" | "dir" | undefined {
    return pathKind(this.rt.host, this.state, path);
  }

  glob(pattern: string): string[] {
    return globPaths(this.rt.host, this.state, pattern);
  }

  environment(extra?: Map<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of this.state.vars) if (this.state.exported.has(name)) env[name] = value;
    for (const [name, value] of extra ?? []) env[name] = value;
    return env;
  }

  serve(ports: number[]): never {
    this.rt.server = { ports, readyAtMs: this.rt.now };
    throw new HangSignal("serve");
  }

  substitute(body: List): string {
    const sub = this.subshell();
    const buffer = { text: "" };
    let status: number;
    try {
      status = sub.runList(body, { out: { kind: "capture", buffer }, err: this.currentIo.err, stdin: null });
    } catch (error) {
      if (error instanceof ExitSignal) status = error.code;
      // Waiting on a process that never ends: the whole shell waits with it.
      else if (error instanceof PeriodicSignal) throw new HangSignal("forever");
      else throw error;
    }
    this.substitutionStatus = status;
    return buffer.text.replace(/\n+$/, "");
  }

  runSource(source: string, io: Io, line: number): number {
    let list: List;
    try {
      list = parseScript(source);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      this.shellError(io, line, `syntax error: ${error.message}`);
      return 2;
    }
    return this.runList(list, io);
  }

  // ----- resolving and running commands

  private subshell(): Shell {
    return new Shell(cloneState(this.state), this.rt, this.dialect);
  }

  private shellDialectFor(name: string): ShellDialect | undefined {
    const userland = this.rt.host.userland;
    if (userland === "busybox") return name === "sh" || name === "ash" ? "ash" : undefined;
    if (userland === "debian") {
      if (name === "sh" || name === "dash") return "dash";
      if (name === "bash") return "bash";
    }
    return undefined;
  }

  private utilityFor(name: string): CommandFn | undefined {
    if (this.rt.host.userland === "none") return undefined;
    return (
      BASIC_UTILITIES[name] ??
      FILE_UTILITIES[name] ??
      SILENT_UTILITIES[name] ??
      (this.rt.host.userland === "busybox" ? BUSYBOX_ONLY_UTILITIES[name] : undefined)
    );
  }

  /** Whether `argv[0]` is an executable of this image (for a container's command, before a shell exists). */
  resolvable(argv: string[]): boolean {
    const name = basename(argv[0] ?? "");
    const env = this.environment();
    return (
      this.shellDialectFor(name) !== undefined ||
      this.rt.host.program(argv, env, this.rt.now) !== undefined ||
      this.utilityFor(name) !== undefined ||
      this.rt.host.fallback(argv, env, this.rt.now) !== undefined
    );
  }

  invoke(argv: string[], io: Io, assigns: Map<string, string>, line: number): number {
    const exec = this.rt.execPending;
    this.rt.execPending = false;
    const name = argv[0]!;
    const ctx = { argv, io, assigns, line, shell: this };
    const builtin = this.dialect && !name.includes("/") ? BUILTINS[name] : undefined;
    if (builtin) return builtin(ctx);
    const shellFunction = this.dialect ? this.state.functions.get(name) : undefined;
    if (shellFunction) return this.runFunction(shellFunction, argv, io);
    const dialect = this.shellDialectFor(basename(name));
    if (dialect) return this.runChildShell(argv, io, assigns, dialect);
    const env = this.environment(assigns);
    const program = this.rt.host.program(argv, env, this.rt.now);
    if (program && "exec" in program) {
      this.rt.execPending = exec;
      return this.invoke(program.exec, io, assigns, line);
    }
    if (program) return this.runExternal(program, io, exec);
    const utility = this.utilityFor(basename(name));
    if (utility) return utility(ctx);
    const fallback = this.rt.host.fallback(argv, env, this.rt.now);
    if (fallback) return this.runExternal(fallback, io, exec);
    this.write(io, 2, `${notFoundMessage(this.dialect ?? "ash", this.state.arg0, line, name)}\n`);
    return 127;
  }

  private runExternal(run: ExternalRun, io: Io, exec: boolean): number {
    const start = this.rt.now;
    if (exec) this.rt.pid1StopMs = run.stopMs;
    let last = start;
    for (const line of run.lines) {
      const sink = line.stream === "stderr" ? io.err : io.out;
      last = start + line.atMs;
      if (sink.kind === "log") this.rt.log.push({ atMs: last, stream: sink.stream, text: line.text });
      else this.write(io, line.stream === "stderr" ? 2 : 1, `${line.text}\n`);
    }
    if (run.end.kind === "exit") {
      this.rt.now = Math.max(last, start + run.end.atMs);
      return run.end.code;
    }
    this.rt.server = { ports: run.end.ports, readyAtMs: start + run.end.readyAtMs };
    this.rt.now = last;
    throw new HangSignal("serve");
  }

  /** `sh -c 'script' [arg0 [args…]]`, `sh script.sh`, or `sh` reading an empty stdin. */
  private runChildShell(argv: string[], io: Io, assigns: Map<string, string>, dialect: ShellDialect): number {
    const { command, errexit, xtrace, operands: rest } = parseShellInvocation(argv.slice(1));
    const shellName = argv[0]!;
    let source: string;
    let arg0 = shellName;
    let positional: string[] = [];
    if (command) {
      if (rest.length === 0) {
        this.write(io, 2, `${shellName}: -c: option requires an argument\n`);
        return 2;
      }
      source = rest[0]!;
      arg0 = rest[1] ?? shellName;
      positional = rest.slice(2);
    } else if (rest.length > 0) {
      const script = this.readFile(rest[0]!);
      if (script === undefined) {
        const { text, code } = cannotOpenScript(dialect, shellName, rest[0]!);
        this.write(io, 2, `${text}\n`);
        return code;
      }
      source = script;
      arg0 = rest[0]!;
      positional = rest.slice(1);
    } else {
      // No -c and no script: the shell reads commands from stdin, which a container does not have.
      const stdin = io.stdin;
      source = stdin ? stdin.text.slice(stdin.pos) : "";
      if (stdin) stdin.pos = stdin.text.length;
    }
    const state = newState(this.environment(assigns), arg0, positional);
    state.errexit = errexit;
    state.xtrace = xtrace;
    const child = new Shell(state, this.rt, dialect);
    if (!this.dialect) {
      child.isPid1 = true;
      this.rt.pid1Traps = state.traps;
    }
    return child.runScript(source, { ...io, stdin: null });
  }

  /** Runs a whole script as this shell's program: syntax check, commands, `exit`, the EXIT trap. */
  runScript(source: string, io: Io): number {
    let list: List;
    try {
      list = parseScript(source);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError) || !this.dialect) throw error;
      this.write(io, 2, `${syntaxErrorMessage(this.dialect, this.state.arg0, error)}\n`);
      return 2;
    }
    let status: number;
    try {
      status = this.runList(list, io);
    } catch (error) {
      if (!(error instanceof ExitSignal)) throw error;
      status = error.code;
    }
    const onExit = this.state.traps.get("EXIT");
    if (onExit) {
      this.state.traps.delete("EXIT");
      this.state.status = status;
      try {
        this.runSource(onExit, io, 1);
      } catch (error) {
        if (!(error instanceof ExitSignal)) throw error;
        status = error.code;
      }
    }
    return status;
  }

  // ----- control flow

  runList(list: List, io: Io): number {
    let status = 0;
    for (const item of list) {
      status = this.runPipeline(item.first, io);
      for (const { op, pipeline } of item.rest) {
        this.state.status = status;
        if ((op === "&&") === (status === 0)) status = this.runPipeline(pipeline, io);
      }
      this.state.status = status;
      if (
        status !== 0 &&
        this.state.errexit &&
        this.conditionDepth === 0 &&
        item.rest.length === 0 &&
        !item.first.negate
      ) {
        throw new ExitSignal(status);
      }
    }
    return status;
  }

  private runPipeline(pipeline: Pipeline, io: Io): number {
    let status: number;
    if (pipeline.commands.length === 1) status = this.runCommand(pipeline.commands[0]!, io);
    else {
      // Stages run one after the other, each reading what the previous one wrote.
      let stdin = io.stdin;
      status = 0;
      pipeline.commands.forEach((command, i) => {
        const last = i === pipeline.commands.length - 1;
        const buffer = { text: "" };
        const stageIo: Io = { out: last ? io.out : { kind: "capture", buffer }, err: io.err, stdin };
        try {
          status = this.subshell().runCommand(command, stageIo);
        } catch (error) {
          if (error instanceof ExitSignal) status = error.code;
          else if (!last && error instanceof PeriodicSignal) throw new HangSignal("forever");
          else throw error;
        }
        stdin = { text: buffer.text, pos: 0 };
      });
    }
    return pipeline.negate ? (status === 0 ? 1 : 0) : status;
  }

  private runCommand(command: Command, io: Io): number {
    const saved = this.currentIo;
    this.currentIo = io;
    try {
      if (command.kind === "simple") return this.runSimple(command, io);
      if (command.kind === "function") {
        this.state.functions.set(command.name, command.body);
        return 0;
      }
      const redirected = this.redirect(command.redirects, io, this.currentLine);
      if (!redirected) return 1;
      this.currentIo = redirected;
      switch (command.kind) {
        case "if":
          for (const clause of command.clauses) {
            if (this.condition(clause.cond, redirected) === 0) return this.runList(clause.body, redirected);
          }
          return command.elseBody ? this.runList(command.elseBody, redirected) : 0;
        case "loop":
          return this.runLoop(command, redirected);
        case "for":
          return this.runFor(command, redirected);
        case "case":
          return this.runCase(command, redirected);
        case "group":
          if (!command.subshell) return this.runList(command.body, redirected);
          try {
            return this.subshell().runList(command.body, redirected);
          } catch (error) {
            if (error instanceof ExitSignal) return error.code;
            throw error;
          }
      }
    } finally {
      this.currentIo = saved;
    }
  }

  private runCase(command: Extract<Command, { kind: "case" }>, io: Io): number {
    const value = expandWord(this, command.word);
    for (const item of command.items) {
      if (item.patterns.some((pattern) => globToRegExp(expandPattern(this, pattern), false).test(value))) {
        return this.runList(item.body, io);
      }
    }
    return 0;
  }

  private runFunction(body: Command, argv: string[], io: Io): number {
    const saved = this.state.positional;
    this.state.positional = argv.slice(1);
    this.functionDepth++;
    try {
      return this.runCommand(body, io);
    } catch (error) {
      if (error instanceof ReturnSignal) return error.code;
      throw error;
    } finally {
      this.functionDepth--;
      this.state.positional = saved;
    }
  }

  private condition(list: List, io: Io): number {
    this.conditionDepth++;
    try {
      return this.runList(list, io);
    } finally {
      this.conditionDepth--;
    }
  }

  private runSimple(command: Extract<Command, { kind: "simple" }>, io: Io): number {
    if (++this.rt.steps > this.rt.maxSteps) throw new HangSignal("budget");
    this.currentLine = command.line;
    this.substitutionStatus = undefined;
    const argv = expandWords(this, command.words);
    const assigns = new Map(command.assigns.map((a) => [a.name, expandWord(this, a.value)]));
    const redirected = this.redirect(command.redirects, io, command.line);
    if (!redirected) return 1;
    if (argv.length === 0) {
      for (const [name, value] of assigns) this.state.vars.set(name, value);
      return this.substitutionStatus ?? 0;
    }
    if (this.state.xtrace) this.write(redirected, 2, `+ ${argv.join(" ")}\n`);
    return this.invoke(argv, redirected, assigns, command.line);
  }

  private runFor(command: Extract<Command, { kind: "for" }>, io: Io): number {
    const items = command.items ? expandWords(this, command.items) : [...this.state.positional];
    let status = 0;
    this.loopDepth++;
    try {
      for (const item of items) {
        this.state.vars.set(command.name, item);
        try {
          status = this.runList(command.body, io);
        } catch (error) {
          if (!(error instanceof BreakSignal || error instanceof ContinueSignal)) throw error;
          if (error.levels > 1) {
            error.levels--;
            throw error;
          }
          if (error instanceof BreakSignal) break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  /** One pass of a while/until loop: the condition, then the body if it holds. */
  runIteration(command: Extract<Command, { kind: "loop" }>, io: Io): { stop: boolean; status: number } {
    const cond = this.condition(command.cond, io);
    if ((cond === 0) === command.until) return { stop: true, status: 0 };
    try {
      return { stop: false, status: this.runList(command.body, io) };
    } catch (error) {
      if (!(error instanceof BreakSignal || error instanceof ContinueSignal)) throw error;
      if (error.levels > 1) {
        error.levels--;
        throw error;
      }
      return { stop: error instanceof BreakSignal, status: 0 };
    }
  }

  private runLoop(command: Extract<Command, { kind: "loop" }>, io: Io): number {
    const loggable = (sink: Sink) => sink.kind === "log" || sink.kind === "null";
    let detect = !this.rt.replaying && loggable(io.out) && loggable(io.err);
    const cannotEnd = loopCannotEnd(command);
    const history: IterationMark[] = [];
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        if (detect && !this.rt.log.hasPartial()) {
          history.push(markIteration(this.state, this.rt.now, this.rt.log.written));
          if (history.length > 3) history.shift();
          const pattern = detectPattern(history, cannotEnd, this.rt.steps > EAGER_STEPS);
          if (pattern) {
            this.skipAhead(command, io, pattern, cannotEnd);
            detect = false;
          }
        }
        const started = this.rt.now;
        const pass = this.runIteration(command, io);
        if (pass.stop) break;
        status = pass.status;
        // Even a loop without sleep takes time: a millisecond an iteration keeps busy loops finite per second.
        if (this.rt.now === started) this.rt.now += 1;
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  /**
   * Replaces the iterations a pattern predicts with a formula: forever (a PeriodicSignal) when the loop
   * cannot end, otherwise up to the first iteration that ends it, found by search, from which the loop
   * goes on for real.
   */
  private skipAhead(
    command: Extract<Command, { kind: "loop" }>,
    io: Io,
    pattern: LoopPattern,
    cannotEnd: boolean,
  ): void {
    const replay = (n: number) => this.replayIteration(command, io, pattern, n);
    const tail: PeriodicTail = {
      startMs: pattern.base.time,
      periodMs: pattern.periodMs,
      linesPerIteration: pattern.linesPerIteration,
      iteration: (n) => replay(n).lines,
    };
    const last = cannotEnd || pattern.deltas.size === 0 ? undefined : firstEnding((n) => replay(n).ended);
    if (last === undefined) throw new PeriodicSignal(tail);
    if (last > 0) this.rt.log.appendPeriodic(tail, last);
    const state = stateAt(pattern, last);
    state.randomCalls = this.state.randomCalls;
    Object.assign(this.state, state);
    this.rt.now = pattern.base.time + last * pattern.periodMs;
  }

  /** Iteration `n` of a detected pattern, run on its own: its lines, and whether it ends the loop. */
  private replayIteration(
    command: Extract<Command, { kind: "loop" }>,
    io: Io,
    pattern: LoopPattern,
    n: number,
  ): { lines: LogLine[]; ended: boolean } {
    const rt = new Runtime(this.rt.host, pattern.base.time + n * pattern.periodMs, true, REPLAY_STEPS);
    const shell = new Shell(stateAt(pattern, n), rt, this.dialect);
    shell.loopDepth = 1;
    let ended: boolean;
    try {
      ended = shell.runIteration(command, io).stop;
    } catch (error) {
      if (!isSignal(error)) throw error;
      ended = true;
    }
    return { lines: rt.log.lines(), ended };
  }

  // ----- redirections

  private redirect(redirects: Redirect[], io: Io, line: number): Io | undefined {
    if (redirects.length === 0) return io;
    const result: Io = { ...io };
    const setFd = (fd: number, sink: Sink) => {
      if (fd === 1) result.out = sink;
      else if (fd === 2) result.err = sink;
    };
    for (const redirect of redirects) {
      const target = expandWord(this, redirect.target);
      if (redirect.op === ">&" || redirect.op === "<&") {
        if (target === "-") setFd(redirect.fd, { kind: "null" });
        else if (target === "1") setFd(redirect.fd, result.out);
        else if (target === "2") setFd(redirect.fd, result.err);
        else if (redirect.op === ">&") {
          result.out = this.fileSink(target, false, result);
          result.err = result.out;
        }
        continue;
      }
      if (redirect.op === "<<") {
        result.stdin = { text: target, pos: 0 };
        continue;
      }
      if (redirect.op === "<") {
        const content = this.readFile(target);
        if (content === undefined) {
          this.write(io, 2, `${cannotOpenInput(this.dialect ?? "ash", this.state.arg0, line, target)}\n`);
          return undefined;
        }
        result.stdin = { text: content, pos: 0 };
        continue;
      }
      setFd(redirect.fd, this.fileSink(target, redirect.op === ">>", result));
    }
    return result;
  }

  private fileSink(target: string, append: boolean, current: Io): Sink {
    const path = normalizePath(this.state.cwd, target);
    if (path === "/dev/null") return { kind: "null" };
    // Writing to PID 1's stdout/stderr is the usual way to reach the container log.
    if (path === "/dev/stdout" || path === "/proc/self/fd/1") return current.out;
    if (path === "/dev/stderr" || path === "/proc/self/fd/2") return current.err;
    if (path === "/proc/1/fd/1") return { kind: "log", stream: "stdout" };
    if (path === "/proc/1/fd/2") return { kind: "log", stream: "stderr" };
    if (!append || this.readFile(path) === undefined) this.state.files.set(path, "");
    return { kind: "file", path };
  }
}
