import type { LogLine } from "../program-types.ts";
import { Shell } from "./interpreter.ts";
import {
  ExitSignal,
  type ExternalRun,
  HangSignal,
  type Io,
  type LogSegment,
  newState,
  PeriodicSignal,
  Runtime,
  type ServerInfo,
  type ShellHost,
} from "./runtime.ts";

/**
 * A container's process as a timeline: what it writes — lines, and loop iterations kept as formulas —
 * and whether it exits or keeps running.
 */
export interface ProgramTimeline {
  /** The runtime could not start the process (runc's message); nothing ran. */
  startError?: string;
  segments: LogSegment[];
  end: { kind: "exit"; atMs: number; code: number } | { kind: "running" };
  server?: ServerInfo;
  stopMs: number | "ignores-sigterm";
}

/** Commands a container's process tree may run before the simulation stops following it. */
const MAX_STEPS = 30_000;
/** `logs()` without a limit still returns at most this many (an endless loop has no end to show). */
const MAX_RETURNED_LINES = 10_000;
/** Iterations of a loop scanned without finding lines before a log read gives up on older ones. */
const MAX_SILENT_ITERATIONS = 1_000;
/** A shell that traps SIGTERM exits about this fast. */
const TRAPPED_STOP_MS = 50;

const STDIO: Io = {
  out: { kind: "log", stream: "stdout" },
  err: { kind: "log", stream: "stderr" },
  stdin: null,
};

function startError(executable: string): string {
  const detail = executable.includes("/")
    ? `exec: "${executable}": stat ${executable}: no such file or directory`
    : `exec: "${executable}": executable file not found in $PATH`;
  return (
    "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: " +
    `unable to start container process: error during container init: ${detail}: unknown`
  );
}

function stopBehaviour(rt: Runtime): ProgramTimeline["stopMs"] {
  if (rt.pid1StopMs !== undefined) return rt.pid1StopMs;
  return rt.pid1Traps?.has("TERM") ? TRAPPED_STOP_MS : "ignores-sigterm";
}

/**
 * Runs a container's command line (`command` + `args`, already combined with the image's entrypoint)
 * on the simulated clock. `env` is the process environment.
 */
export function runProgram(argv: string[], host: ShellHost, env: Record<string, string>): ProgramTimeline {
  const rt = new Runtime(host, 0, false, MAX_STEPS);
  const root = new Shell(newState(env, argv[0] ?? "", []), rt, undefined);
  if (argv.length === 0 || !root.resolvable(argv)) {
    return {
      startError: startError(argv[0] ?? ""),
      segments: [],
      end: { kind: "exit", atMs: 0, code: 128 },
      stopMs: 0,
    };
  }
  let end: ProgramTimeline["end"];
  // The command is PID 1: a program it names receives SIGTERM itself.
  rt.execPending = true;
  try {
    const code = root.invoke(argv, STDIO, new Map(), 1);
    end = { kind: "exit", atMs: rt.now, code };
  } catch (error) {
    if (error instanceof ExitSignal) end = { kind: "exit", atMs: rt.now, code: error.code };
    else if (error instanceof HangSignal) end = { kind: "running" };
    else if (error instanceof PeriodicSignal) {
      rt.log.appendPeriodic(error.tail, Number.POSITIVE_INFINITY);
      end = { kind: "running" };
    } else throw error;
  }
  rt.log.flush(rt.now);
  return {
    segments: rt.log.segments,
    end,
    ...(rt.server ? { server: rt.server } : {}),
    stopMs: stopBehaviour(rt),
  };
}

/** A process that is a single known program (no shell involved). */
export function externalTimeline(run: ExternalRun): ProgramTimeline {
  const segments: LogSegment[] = [{ kind: "lines", lines: run.lines }];
  if (run.end.kind === "exit") {
    return { segments, end: { kind: "exit", atMs: run.end.atMs, code: run.end.code }, stopMs: run.stopMs };
  }
  return {
    segments,
    end: { kind: "running" },
    server: { ports: run.end.ports, readyAtMs: run.end.readyAtMs },
    stopMs: run.stopMs,
  };
}

/** Index after the last line written at or before `untilMs`. */
function upperBound(lines: LogLine[], untilMs: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.atMs <= untilMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last `wanted` lines of a segment written up to `untilMs`. */
function lastLinesOf(segment: LogSegment, untilMs: number, wanted: number): LogLine[] {
  if (segment.kind === "lines") {
    const end = upperBound(segment.lines, untilMs);
    return segment.lines.slice(Math.max(0, end - wanted), end);
  }
  const { tail, count } = segment;
  if (tail.linesPerIteration === 0 || untilMs < tail.startMs) return [];
  const chunks: LogLine[][] = [];
  let found = 0;
  const last = Math.min(count - 1, Math.floor((untilMs - tail.startMs) / tail.periodMs));
  // Iterations whose output depends on the time may print nothing: the scan still stays bounded.
  const first = Math.max(0, last - (wanted * 2 + MAX_SILENT_ITERATIONS));
  for (let n = last; n >= first && found < wanted; n--) {
    const lines = tail.iteration(n).filter((line) => line.atMs <= untilMs);
    chunks.push(lines);
    found += lines.length;
  }
  const lines = chunks.reverse().flat();
  return lines.slice(Math.max(0, lines.length - wanted));
}

/**
 * The last `limit` lines written up to `untilMs`, oldest first. Loop iterations are evaluated only
 * when they contribute, so the cost follows `limit`, not the age of the container.
 */
export function timelineLogs(timeline: ProgramTimeline, untilMs: number, limit?: number): LogLine[] {
  const cap = Math.min(limit ?? MAX_RETURNED_LINES, MAX_RETURNED_LINES);
  if (cap <= 0 || untilMs < 0) return [];
  const parts: LogLine[][] = [];
  let found = 0;
  for (let i = timeline.segments.length - 1; i >= 0 && found < cap; i--) {
    const lines = lastLinesOf(timeline.segments[i]!, untilMs, cap - found);
    parts.push(lines);
    found += lines.length;
  }
  return parts.reverse().flat();
}
