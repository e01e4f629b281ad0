import { createHash } from "node:crypto";
import { runBehaviour } from "./images/behaviour.ts";
import type { Behaviour, CatalogImage } from "./images/catalog.ts";
import { resolveImage } from "./images/registry.ts";
import type { ContainerInput, ContainerProgram } from "./program-types.ts";
import { externalTimeline, type ProgramTimeline, runProgram, timelineLogs } from "./shell/program.ts";
import type { ExecInstead, ExternalRun, ShellHost } from "./shell/runtime.ts";

/**
 * How a container behaves, from its image and spec: the catalog says what the image's programs do
 * and which shell it has; the command line (image entrypoint + cmd, or the pod's command + args) is
 * run through the shell simulation, which treats the image's programs as executables.
 */

interface KnownImage {
  image: CatalogImage;
  version: string;
  variant?: string;
}

const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** A client or REPL that finds nothing to do (no stdin in a container) ends about this fast. */
const QUIET_EXIT_MS = 50;
/** Users' own images: the app answers shortly after it starts and stops promptly. */
const GENERIC_READY_MS = 300;
const GENERIC_STOP_MS = 200;

const basename = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

function matchesName(patterns: string[], name: string): boolean {
  return patterns.some((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : p === name));
}

/** Kubernetes' rule: `command` replaces the ENTRYPOINT (and drops CMD); `args` replaces CMD. */
function commandLine(known: KnownImage | undefined, input: ContainerInput): string[] {
  if (input.command && input.command.length > 0) return [...input.command, ...(input.args ?? [])];
  if (!known) return [];
  return [...known.image.entrypoint, ...(input.args ?? known.image.cmd)];
}

function processEnvironment(known: KnownImage | undefined, input: ContainerInput): Record<string, string> {
  const imageEnv = Object.fromEntries(
    Object.entries(known?.image.env ?? {}).map(([name, value]) => [
      name,
      value.replaceAll("%{version}", known!.version),
    ]),
  );
  return {
    PATH: DEFAULT_PATH,
    HOSTNAME: input.hostname,
    ...imageEnv,
    ...input.env,
    HOME: input.env["HOME"] ?? "/root",
  };
}

class ImagePrograms {
  constructor(
    private readonly known: KnownImage,
    private readonly input: ContainerInput,
  ) {}

  private play(
    behaviour: Behaviour,
    env: Record<string, string>,
    atMs: number,
    options: { viaEntrypoint: boolean; main: boolean; port?: number | undefined },
  ): ExternalRun {
    const { image, version, variant } = this.known;
    const run = runBehaviour(behaviour, {
      template: {
        image: image.repository,
        version,
        env,
        hostname: this.input.hostname,
        podIP: this.input.podIP ?? "127.0.0.1",
        startedAt: this.input.startedAt.getTime() + atMs,
        seed: this.input.seed,
      },
      variant,
      variantPorts: options.main && variant ? image.variants[variant]?.ports : undefined,
      viaEntrypoint: options.viaEntrypoint,
      portOverride: options.port,
    });
    return { lines: run.lines, end: run.end, stopMs: image.stopMs };
  }

  /** The arguments after the image's entrypoint wrapper (`tini -- docker-entrypoint.sh`), if argv runs it. */
  private entrypointArguments(argv: string[]): string[] | undefined {
    const { entrypoint, programs } = this.known.image;
    if (entrypoint.length === 0) return undefined;
    const name = basename(argv[0] ?? "");
    if (
      entrypoint.length > 1 &&
      name === basename(entrypoint[0]!) &&
      entrypoint.slice(1).every((word, i) => argv[i + 1] === word)
    ) {
      return argv.slice(entrypoint.length);
    }
    const script = basename(entrypoint[entrypoint.length - 1]!);
    return name === script && !matchesName(programs, name) ? argv.slice(1) : undefined;
  }

  /** The image's own executable named by `argv`, as it behaves with this environment. */
  resolve(
    argv: string[],
    env: Record<string, string>,
    atMs: number,
    viaEntrypoint = false,
  ): ExternalRun | ExecInstead | undefined {
    const { image } = this.known;
    const name = basename(argv[0] ?? "");
    const command = image.commands.find(
      (c) =>
        (c.prefix ? argv.length >= c.argv.length : argv.length === c.argv.length) &&
        c.argv.every((word, i) => (i === 0 ? basename(word) === name : argv[i] === word)),
    );
    if (command) {
      const port = command.portArg === undefined ? undefined : Number(argv[command.portArg]);
      return this.play(command.run, env, atMs, {
        viaEntrypoint,
        main: false,
        port: Number.isNaN(port) ? undefined : port,
      });
    }
    const rest = this.entrypointArguments(argv);
    if (rest) {
      // The entrypoint script: it prepares and starts the main program, or hands over to a command.
      if (rest.length === 0 || rest[0]!.startsWith("-")) {
        if (image.run) return this.play(image.run, env, atMs, { viaEntrypoint: true, main: true });
        // `exec "$@"` with nothing to run: the script just ends.
        return { lines: [], end: { kind: "exit", atMs: QUIET_EXIT_MS, code: 0 }, stopMs: image.stopMs };
      }
      const handedOver = this.resolve(rest, env, atMs, true);
      return handedOver ?? { exec: rest };
    }
    if (image.run && matchesName(image.programs, name)) {
      return this.play(image.run, env, atMs, { viaEntrypoint, main: true });
    }
    if (matchesName(image.tools, name)) {
      return { lines: [], end: { kind: "exit", atMs: QUIET_EXIT_MS, code: 0 }, stopMs: image.stopMs };
    }
    return undefined;
  }
}

/** An image the catalog does not know: an app that logs one line and listens on the declared ports. */
function genericApp(input: ContainerInput): ExternalRun {
  const ports = [...new Set(input.declaredPorts)];
  const text = ports.length > 0 ? `Server listening on port ${ports.join(", ")}` : "Server started";
  return {
    lines: [{ atMs: 0, stream: "stdout", text }],
    end: { kind: "serve", ports, readyAtMs: GENERIC_READY_MS },
    stopMs: GENERIC_STOP_MS,
  };
}

function timelineFor(input: ContainerInput): ProgramTimeline {
  const resolution = resolveImage(input.image);
  const resolved = resolution.ok ? resolution.image : undefined;
  const known = resolved?.known;
  const argv = commandLine(known, input);
  if (argv.length === 0) return externalTimeline(genericApp(input));
  const programs = known ? new ImagePrograms(known, input) : undefined;
  const host: ShellHost = {
    userland: resolved?.userland ?? "debian",
    files: input.files,
    hostname: input.hostname,
    podIP: input.podIP,
    startedAt: input.startedAt.getTime(),
    seed: input.seed,
    program: (command, env, atMs) => programs?.resolve(command, env, atMs),
    fallback: () => (known ? undefined : genericApp(input)),
  };
  return runProgram(argv, host, processEnvironment(known, input));
}

const CACHE_SIZE = 256;
const cache = new Map<string, ContainerProgram>();

function cacheKey(input: ContainerInput): string {
  return createHash("sha256")
    .update(JSON.stringify({ ...input, startedAt: input.startedAt.getTime() }))
    .digest("hex");
}

/** How the container instance described by `input` behaves (pure: the same input, the same program). */
export function containerProgram(input: ContainerInput): ContainerProgram {
  const key = cacheKey(input);
  const cached = cache.get(key);
  if (cached) return cached;
  const timeline = timelineFor(input);
  const program: ContainerProgram = {
    logs: (untilMs, limit) => (timeline.startError ? [] : timelineLogs(timeline, untilMs, limit)),
    ...(timeline.end.kind === "exit" ? { exit: { atMs: timeline.end.atMs, code: timeline.end.code } } : {}),
    ports: timeline.server?.ports ?? [],
    readyAtMs: timeline.server?.readyAtMs ?? 0,
    stopMs: timeline.stopMs,
    ...(timeline.startError ? { startError: timeline.startError } : {}),
  };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, program);
  return program;
}
