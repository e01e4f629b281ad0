import { missingFile } from "./messages.ts";
import { type CommandContext, type CommandFn, HangSignal } from "./runtime.ts";
import { fail, out } from "./utilities.ts";

/** Utilities that read files or standard input, and the listeners busybox offers. */

function readStdin(ctx: CommandContext): string {
  const stdin = ctx.io.stdin;
  if (!stdin) return "";
  const text = stdin.text.slice(stdin.pos);
  stdin.pos = stdin.text.length;
  return text;
}

/** The concatenated inputs (files, or stdin without any), complaining about the missing ones. */
function readInputs(ctx: CommandContext, command: string, files: string[]): { text: string; status: number } {
  if (files.length === 0) return { text: readStdin(ctx), status: 0 };
  let text = "";
  let status = 0;
  for (const path of files) {
    if (path === "-") {
      text += readStdin(ctx);
      continue;
    }
    const content = ctx.shell.readFile(path);
    if (content !== undefined) text += content;
    else if (ctx.shell.pathKind(path) === "dir") {
      status = 1;
      fail(
        ctx,
        ctx.shell.style === "busybox"
          ? `${command}: read error: Is a directory`
          : `${command}: ${path}: Is a directory`,
      );
    } else {
      status = 1;
      fail(ctx, missingFile(ctx.shell.style, command, path));
    }
  }
  return { text, status };
}

/** Splits `-n 5`, `-n5`, `-5` and flags from operands. */
function parseOptions(
  args: string[],
  withValue: string[],
): { flags: Set<string>; values: Map<string, string>; operands: string[] } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-" || !arg.startsWith("-") || arg === "--") {
      if (arg !== "--") operands.push(arg);
      continue;
    }
    if (/^-\d+$/.test(arg)) {
      values.set("n", arg.slice(1));
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]!;
      if (withValue.includes(flag)) {
        values.set(flag, arg.slice(j + 1) || (args[++i] ?? ""));
        break;
      }
      flags.add(flag);
    }
  }
  return { flags, values, operands };
}

const lines = (text: string): string[] => {
  const all = text.split("\n");
  if (all[all.length - 1] === "") all.pop();
  return all;
};
const joinLines = (items: string[]): string => items.map((l) => `${l}\n`).join("");

const cat: CommandFn = (ctx) => {
  const files = ctx.argv.slice(1).filter((arg) => arg === "-" || !arg.startsWith("-"));
  const { text, status } = readInputs(ctx, "cat", files);
  out(ctx, text);
  return status;
};

function headTail(which: "head" | "tail"): CommandFn {
  return (ctx) => {
    const { flags, values, operands } = parseOptions(ctx.argv.slice(1), ["n", "c"]);
    const count = Number((values.get("n") ?? "10").replace(/^\+/, ""));
    const follow = which === "tail" && (flags.has("f") || flags.has("F"));
    const { text, status } = readInputs(
      ctx,
      which,
      operands.filter((path) => !(follow && path === "/dev/null")),
    );
    const all = lines(text);
    out(ctx, joinLines(which === "head" ? all.slice(0, count) : all.slice(Math.max(0, all.length - count))));
    // `tail -f` waits for more forever: the classic way to keep a container running.
    if (follow) throw new HangSignal("forever");
    return status;
  };
}

const wc: CommandFn = (ctx) => {
  const { flags, operands } = parseOptions(ctx.argv.slice(1), []);
  const { text, status } = readInputs(ctx, "wc", operands);
  const counts: number[] = [];
  const all = flags.size === 0;
  if (all || flags.has("l")) counts.push((text.match(/\n/g) ?? []).length);
  if (all || flags.has("w")) counts.push(text.split(/\s+/).filter(Boolean).length);
  if (all || flags.has("c") || flags.has("m")) counts.push(text.length);
  const width = counts.length === 1 ? 0 : 7;
  out(
    ctx,
    `${counts.map((n) => String(n).padStart(width)).join(" ")}${operands.length ? ` ${operands.join(" ")}` : ""}\n`,
  );
  return status;
};

const grep: CommandFn = (ctx) => {
  const { flags, values, operands } = parseOptions(ctx.argv.slice(1), ["e"]);
  const pattern = values.get("e") ?? operands.shift();
  if (pattern === undefined) return fail(ctx, "Usage: grep [OPTIONS] PATTERN [FILE]...", 2);
  const source = flags.has("F") ? pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : pattern;
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags.has("i") ? "i" : "");
  } catch {
    return fail(ctx, `grep: bad regex '${pattern}'`, 2);
  }
  const { text, status } = readInputs(ctx, "grep", operands);
  const matched = lines(text).filter((line) => regex.test(line) !== flags.has("v"));
  if (flags.has("c")) out(ctx, `${matched.length}\n`);
  else if (!flags.has("q")) out(ctx, joinLines(matched));
  return status !== 0 ? 2 : matched.length > 0 ? 0 : 1;
};

const ROOT_LISTING = [
  "bin",
  "dev",
  "etc",
  "home",
  "lib",
  "media",
  "mnt",
  "opt",
  "proc",
  "root",
  "run",
  "sbin",
  "srv",
  "sys",
  "tmp",
  "usr",
  "var",
];

const ls: CommandFn = (ctx) => {
  const { operands } = parseOptions(ctx.argv.slice(1), []);
  const targets = operands.length > 0 ? operands : [ctx.shell.state.cwd];
  let status = 0;
  for (const target of targets) {
    const kind = ctx.shell.pathKind(target);
    if (kind === "file") out(ctx, `${target}\n`);
    else if (kind === "dir") {
      const prefix = target.endsWith("/") ? target : `${target}/`;
      const names = new Set<string>(target === "/" ? ROOT_LISTING : []);
      const paths = [...Object.keys(ctx.shell.rt.host.files), ...ctx.shell.state.files.keys()];
      for (const path of paths) {
        if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split("/")[0]!);
      }
      out(ctx, joinLines([...names].filter((n) => !n.startsWith(".")).sort()));
    } else {
      status = ctx.shell.style === "busybox" ? 1 : 2;
      fail(
        ctx,
        ctx.shell.style === "busybox"
          ? `ls: ${target}: No such file or directory`
          : `ls: cannot access '${target}': No such file or directory`,
      );
    }
  }
  return status;
};

const basename: CommandFn = (ctx) => {
  const [path = "", suffix] = ctx.argv.slice(1);
  let name = path.replace(/\/+$/, "").split("/").pop() || "/";
  if (suffix && name.endsWith(suffix) && name !== suffix) name = name.slice(0, -suffix.length);
  out(ctx, `${name}\n`);
  return 0;
};

const dirname: CommandFn = (ctx) => {
  const path = (ctx.argv[1] ?? "").replace(/\/+$/, "");
  const slash = path.lastIndexOf("/");
  out(ctx, `${slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash)}\n`);
  return 0;
};

const touch: CommandFn = (ctx) => {
  for (const path of ctx.argv.slice(1).filter((arg) => !arg.startsWith("-"))) {
    if (ctx.shell.readFile(path) === undefined) ctx.shell.state.files.set(path, "");
  }
  return 0;
};

const tee: CommandFn = (ctx) => {
  const { flags, operands } = parseOptions(ctx.argv.slice(1), []);
  const text = readStdin(ctx);
  for (const path of operands) {
    const before = flags.has("a") ? (ctx.shell.readFile(path) ?? "") : "";
    ctx.shell.state.files.set(path, before + text);
  }
  out(ctx, text);
  return 0;
};

/** Text filters are passed through: their exact transformations are beyond this simulation. */
const passThrough: CommandFn = (ctx) => {
  const { operands } = parseOptions(ctx.argv.slice(1), []);
  const inputs =
    ctx.argv[0] === "sed" || ctx.argv[0] === "awk" || ctx.argv[0] === "tr" || ctx.argv[0] === "cut"
      ? []
      : operands;
  const { text, status } = readInputs(ctx, ctx.argv[0]!, inputs);
  out(ctx, text);
  return status;
};

const sort: CommandFn = (ctx) => {
  const { flags, operands } = parseOptions(ctx.argv.slice(1), ["k", "t"]);
  const { text, status } = readInputs(ctx, "sort", operands);
  const sorted = lines(text).sort(
    flags.has("n") ? (a, b) => Number.parseFloat(a) - Number.parseFloat(b) : undefined,
  );
  if (flags.has("r")) sorted.reverse();
  out(ctx, joinLines(flags.has("u") ? [...new Set(sorted)] : sorted));
  return status;
};

const uniq: CommandFn = (ctx) => {
  const { operands } = parseOptions(ctx.argv.slice(1), []);
  const { text, status } = readInputs(ctx, "uniq", operands);
  out(ctx, joinLines(lines(text).filter((line, i, all) => i === 0 || all[i - 1] !== line)));
  return status;
};

/** busybox `nc -l -p PORT` and `httpd -f -p PORT`: a listener until the container stops. */
function listener(command: "nc" | "httpd"): CommandFn {
  return (ctx) => {
    const { flags, values, operands } = parseOptions(ctx.argv.slice(1), ["p", "h", "c", "e", "u", "w"]);
    if (command === "nc" && !flags.has("l")) return 0;
    const port = Number(
      (
        values.get("p") ??
        operands.find((o) => /^\d+$/.test(o)) ??
        (command === "httpd" ? "80" : "0")
      ).replace(/^.*:/, ""),
    );
    // httpd without -f daemonizes: the command returns and the daemon keeps the port.
    if (command === "httpd" && !flags.has("f")) return 0;
    return ctx.shell.serve(port > 0 ? [port] : []);
  };
}

/** Commands that exist but whose effect the simulation does not model (network clients, package managers…). */
const silent: CommandFn = () => 0;

export const FILE_UTILITIES: Record<string, CommandFn> = {
  cat,
  head: headTail("head"),
  tail: headTail("tail"),
  wc,
  grep,
  ls,
  basename,
  dirname,
  touch,
  tee,
  sort,
  uniq,
  tr: passThrough,
  cut: passThrough,
  sed: passThrough,
  awk: passThrough,
};

export const SILENT_UTILITIES: Record<string, CommandFn> = Object.fromEntries(
  [
    "mkdir",
    "rm",
    "cp",
    "mv",
    "chmod",
    "chown",
    "ln",
    "sync",
    "kill",
    "ps",
    "find",
    "apt-get",
    "apt",
    "stty",
    "clear",
    "logger",
    "ulimit",
  ].map((name) => [name, silent]),
);

/** Applets only busybox has (Debian's base image ships none of them). */
export const BUSYBOX_ONLY_UTILITIES: Record<string, CommandFn> = {
  nc: listener("nc"),
  httpd: listener("httpd"),
  wget: silent,
  nslookup: silent,
  ping: silent,
  telnet: silent,
  apk: silent,
};
