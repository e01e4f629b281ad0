import { testIntegerError } from "./messages.ts";
import { interpretEscapes, printf } from "./printf.ts";
import { type CommandContext, type CommandFn, HangSignal } from "./runtime.ts";
import { defaultDate, strftime } from "./strftime.ts";
import { runTest, TestError } from "./test-command.ts";

/** Utilities that print, wait or compute (the ones a container's command line uses most). */

export const out = (ctx: CommandContext, text: string): void => ctx.shell.write(ctx.io, 1, text);
export const fail = (ctx: CommandContext, text: string, code = 1): number => {
  ctx.shell.write(ctx.io, 2, `${text}\n`);
  return code;
};

const echo: CommandFn = (ctx) => {
  const args = ctx.argv.slice(1);
  let newline = true;
  // dash's builtin echo knows only -n and always interprets escapes; the others want -e.
  let escapes = ctx.shell.dialect === "dash";
  if (ctx.shell.dialect === "dash") {
    if (args[0] === "-n") {
      newline = false;
      args.shift();
    }
  } else {
    while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
      for (const flag of args.shift()!.slice(1)) {
        if (flag === "n") newline = false;
        else escapes = flag === "e";
      }
    }
  }
  let text = args.join(" ");
  if (escapes) {
    const interpreted = interpretEscapes(text, true);
    text = interpreted.text;
    if (interpreted.stop) newline = false;
  }
  out(ctx, newline ? `${text}\n` : text);
  return 0;
};

const printfCommand: CommandFn = (ctx) => {
  const [format, ...args] = ctx.argv.slice(1);
  if (format === undefined) {
    return fail(
      ctx,
      ctx.shell.style === "busybox"
        ? "printf: usage: printf FORMAT [ARGUMENT...]"
        : "printf: missing operand",
    );
  }
  const result = printf(format, args);
  out(ctx, result.output);
  for (const bad of result.invalid) {
    fail(
      ctx,
      ctx.shell.style === "busybox"
        ? `printf: invalid number '${bad}'`
        : `printf: '${bad}': expected a numeric value`,
    );
  }
  return result.invalid.length > 0 ? 1 : 0;
};

const UNIT_MS: Record<string, number> = { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const sleep: CommandFn = (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) return fail(ctx, "sleep: missing operand");
  let total = 0;
  for (const arg of args) {
    if (/^inf(inity)?$/i.test(arg)) throw new HangSignal("forever");
    const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!match) {
      if (ctx.shell.style === "busybox") return fail(ctx, `sleep: invalid number '${arg}'`);
      fail(ctx, `sleep: invalid time interval '${arg}'`);
      return fail(ctx, "Try 'sleep --help' for more information.");
    }
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  ctx.shell.sleep(total);
  return 0;
};

const date: CommandFn = (ctx) => {
  let when = new Date(ctx.shell.rt.host.startedAt + ctx.shell.rt.now);
  let format: string | undefined;
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("+")) format = arg.slice(1);
    else if (arg === "-u" || arg === "--utc" || arg === "--universal") continue;
    else if (arg === "-R" || arg === "--rfc-2822" || arg === "--rfc-email")
      format = "%a, %d %b %Y %H:%M:%S %z";
    else if (/^(-I|--iso-8601)/.test(arg)) {
      const spec = arg.replace(/^(-I|--iso-8601=?)/, "") || "date";
      format = spec.startsWith("s")
        ? "%Y-%m-%dT%H:%M:%S+00:00"
        : spec.startsWith("m")
          ? "%Y-%m-%dT%H:%M+00:00"
          : spec.startsWith("h")
            ? "%Y-%m-%dT%H+00:00"
            : "%Y-%m-%d";
    } else if (arg === "-d" || arg === "--date") {
      const value = args[++i] ?? "";
      if (!/^@\d+$/.test(value)) return fail(ctx, `date: invalid date '${value}'`);
      when = new Date(Number(value.slice(1)) * 1000);
    } else if (arg === "-s" || arg === "--set") {
      return fail(ctx, "date: cannot set date: Operation not permitted");
    } else return fail(ctx, `date: invalid option -- '${arg.replace(/^-+/, "")}'`);
  }
  out(ctx, `${format === undefined ? defaultDate(when) : strftime(format, when)}\n`);
  return 0;
};

const environmentLines = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([name, value]) => `${name}=${value}\n`)
    .join("");

const env: CommandFn = (ctx) => {
  const assigns = new Map(ctx.assigns);
  const args = ctx.argv.slice(1);
  while (args.length > 0) {
    const arg = args[0]!;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
    if (assignment) assigns.set(assignment[1]!, assignment[2]!);
    else if (arg === "-i" || arg === "-" || arg === "--ignore-environment") {
      // Rare in containers; the command still sees the variables given here.
    } else if (arg === "-u") args.shift();
    else break;
    args.shift();
  }
  if (args.length > 0) return ctx.shell.invoke(args, ctx.io, assigns, ctx.line);
  out(ctx, environmentLines(ctx.shell.environment(assigns)));
  return 0;
};

const printenv: CommandFn = (ctx) => {
  const environment = ctx.shell.environment(ctx.assigns);
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    out(ctx, environmentLines(environment));
    return 0;
  }
  let status = 0;
  for (const name of names) {
    const value = environment[name];
    if (value === undefined) status = 1;
    else out(ctx, `${value}\n`);
  }
  return status;
};

const hostname: CommandFn = (ctx) => {
  const arg = ctx.argv[1];
  const host = ctx.shell.rt.host;
  if (arg === "-i" || arg === "-I") out(ctx, `${host.podIP ?? "127.0.0.1"}\n`);
  else if (arg === undefined || arg.startsWith("-")) out(ctx, `${host.hostname}\n`);
  else return fail(ctx, "hostname: sethostname: Operation not permitted");
  return 0;
};

const test: CommandFn = (ctx) => {
  const name = ctx.argv[0]!;
  let args = ctx.argv.slice(1);
  if (name === "[" || name.endsWith("/[")) {
    if (args[args.length - 1] !== "]") {
      ctx.shell.shellError(
        ctx.io,
        ctx.line,
        ctx.shell.dialect === "bash" ? "[: missing `]'" : "[: missing ]",
      );
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return runTest(args, {
      pathKind: (path) => ctx.shell.pathKind(path),
      fileSize: (path) => ctx.shell.readFile(path)?.length ?? 0,
    });
  } catch (error) {
    if (!(error instanceof TestError)) throw error;
    const text = /: /.test(error.message)
      ? `${name}: ${error.message}`
      : testIntegerError(ctx.shell.dialect ?? "ash", name, error.message);
    ctx.shell.shellError(ctx.io, ctx.line, text);
    return 2;
  }
};

const seq: CommandFn = (ctx) => {
  const numbers = ctx.argv.slice(1).map(Number);
  if (numbers.length === 0 || numbers.length > 3 || numbers.some((n) => Number.isNaN(n))) {
    return fail(ctx, `seq: invalid argument`);
  }
  const [first, step, last] =
    numbers.length === 1
      ? [1, 1, numbers[0]!]
      : numbers.length === 2
        ? [numbers[0]!, 1, numbers[1]!]
        : numbers;
  if (step === 0) return fail(ctx, "seq: invalid Zero increment value: '0'");
  let text = "";
  for (let n = first!, count = 0; step! > 0 ? n <= last! : n >= last!; n += step!, count++) {
    if (count >= 100_000) throw new HangSignal("budget");
    text += `${n}\n`;
  }
  out(ctx, text);
  return 0;
};

const EXPR_OPS: Record<string, (a: string, b: string) => string | number> = {
  "+": (a, b) => Number(a) + Number(b),
  "-": (a, b) => Number(a) - Number(b),
  "*": (a, b) => Number(a) * Number(b),
  "/": (a, b) => Math.trunc(Number(a) / Number(b)),
  "%": (a, b) => Number(a) % Number(b),
  "=": (a, b) => (a === b ? 1 : 0),
  "!=": (a, b) => (a !== b ? 1 : 0),
  "<": (a, b) => (Number(a) < Number(b) ? 1 : 0),
  ">": (a, b) => (Number(a) > Number(b) ? 1 : 0),
  "<=": (a, b) => (Number(a) <= Number(b) ? 1 : 0),
  ">=": (a, b) => (Number(a) >= Number(b) ? 1 : 0),
};

/** `expr A op B` (left to right, no precedence: enough for counters in old-style loops). */
const expr: CommandFn = (ctx) => {
  const args = ctx.argv.slice(1);
  if (args[0] === "length" && args.length === 2) {
    out(ctx, `${args[1]!.length}\n`);
    return args[1]!.length === 0 ? 1 : 0;
  }
  let value: string | number = args[0] ?? "";
  for (let i = 1; i + 1 < args.length; i += 2) {
    const op = EXPR_OPS[args[i]!];
    const right = args[i + 1]!;
    if (!op) return fail(ctx, "expr: syntax error", 2);
    const arithmetic = !["=", "!="].includes(args[i]!);
    if (arithmetic && (!/^-?\d+$/.test(String(value)) || !/^-?\d+$/.test(right))) {
      return fail(ctx, "expr: non-integer argument", 2);
    }
    if ((args[i] === "/" || args[i] === "%") && Number(right) === 0)
      return fail(ctx, "expr: division by zero", 2);
    value = op(String(value), right);
  }
  out(ctx, `${value}\n`);
  return value === 0 || value === "" || value === "0" ? 1 : 0;
};

const uname: CommandFn = (ctx) => {
  const host = ctx.shell.rt.host;
  const kernel = "6.6.56+";
  const all = `Linux ${host.hostname} ${kernel} #1 SMP PREEMPT_DYNAMIC Sat Nov 16 09:27:12 UTC 2024 x86_64`;
  const flag = ctx.argv[1];
  if (flag === "-a") out(ctx, `${all}${ctx.shell.style === "gnu" ? " GNU/Linux" : " Linux"}\n`);
  else if (flag === "-r") out(ctx, `${kernel}\n`);
  else if (flag === "-m" || flag === "-p") out(ctx, "x86_64\n");
  else if (flag === "-n") out(ctx, `${host.hostname}\n`);
  else out(ctx, "Linux\n");
  return 0;
};

const id: CommandFn = (ctx) => {
  const flag = ctx.argv[1];
  if (flag === "-u" || flag === "-g") out(ctx, "0\n");
  else if (flag === "-un" || flag === "-gn") out(ctx, "root\n");
  else {
    const groups =
      ctx.shell.style === "busybox" ? "0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel)" : "0(root)";
    out(ctx, `uid=0(root) gid=0(root) groups=${groups}\n`);
  }
  return 0;
};

export const BASIC_UTILITIES: Record<string, CommandFn> = {
  echo,
  printf: printfCommand,
  sleep,
  date,
  env,
  printenv,
  hostname,
  test,
  "[": test,
  seq,
  expr,
  uname,
  id,
  whoami: (ctx) => {
    out(ctx, "root\n");
    return 0;
  },
  pwd: (ctx) => {
    out(ctx, `${ctx.shell.state.cwd}\n`);
    return 0;
  },
  true: () => 0,
  false: () => 1,
};
