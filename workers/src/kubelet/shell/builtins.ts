import { normalizePath } from "./filesystem.ts";
import { illegalNumber } from "./messages.ts";
import {
  BreakSignal,
  type CommandContext,
  type CommandFn,
  ContinueSignal,
  ExitSignal,
  ReturnSignal,
} from "./runtime.ts";
import { out } from "./utilities.ts";

/** Commands only a shell has: they change the shell itself (variables, options, control flow). */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fatal(ctx: CommandContext, text: string, code: number): never {
  ctx.shell.shellError(ctx.io, ctx.line, text);
  throw new ExitSignal(code);
}

const exit: CommandFn = (ctx) => {
  const arg = ctx.argv[1];
  if (arg === undefined) throw new ExitSignal(ctx.shell.state.status);
  if (!/^\d+$/.test(arg)) fatal(ctx, illegalNumber(ctx.shell.dialect ?? "ash", "exit", arg), 2);
  throw new ExitSignal(Number(arg) & 255);
};

function assignEach(ctx: CommandContext, exportThem: boolean): number {
  const { state } = ctx.shell;
  const args = ctx.argv.slice(1).filter((arg) => !/^-[pnf]$/.test(arg));
  if (args.length === 0) {
    const names = exportThem ? [...state.exported] : [...state.vars.keys()];
    for (const name of names.sort()) {
      const value = state.vars.get(name);
      if (value !== undefined) out(ctx, `export ${name}='${value.replace(/'/g, "'\\''")}'\n`);
    }
    return 0;
  }
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!NAME.test(name)) {
      ctx.shell.shellError(ctx.io, ctx.line, `${ctx.argv[0]}: ${name}: bad variable name`);
      return 1;
    }
    if (eq >= 0) state.vars.set(name, arg.slice(eq + 1));
    if (exportThem) state.exported.add(name);
  }
  return 0;
}

const set: CommandFn = (ctx) => {
  const { state } = ctx.shell;
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    for (const [name, value] of [...state.vars].sort(([a], [b]) => (a < b ? -1 : 1))) {
      out(ctx, `${name}='${value.replace(/'/g, "'\\''")}'\n`);
    }
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      state.positional = args.slice(i + 1);
      return 0;
    }
    if (arg === "-o" || arg === "+o") {
      const option = args[++i];
      if (option === "errexit") state.errexit = arg === "-o";
      if (option === "xtrace") state.xtrace = arg === "-o";
      continue;
    }
    if (!/^[-+]/.test(arg)) {
      state.positional = args.slice(i);
      return 0;
    }
    const on = arg.startsWith("-");
    for (const flag of arg.slice(1)) {
      if (flag === "e") state.errexit = on;
      if (flag === "x") state.xtrace = on;
    }
  }
  return 0;
};

const shift: CommandFn = (ctx) => {
  const n = Number(ctx.argv[1] ?? "1");
  const { state } = ctx.shell;
  if (!Number.isInteger(n) || n < 0 || n > state.positional.length) {
    if (ctx.shell.dialect === "bash") return 1;
    fatal(ctx, `shift: can't shift that many`, 2);
  }
  state.positional = state.positional.slice(n);
  return 0;
};

function loopControl(kind: "break" | "continue"): CommandFn {
  return (ctx) => {
    if (ctx.shell.loopDepth === 0) return 0;
    const levels = Math.min(Math.max(1, Number(ctx.argv[1] ?? "1") || 1), ctx.shell.loopDepth);
    throw kind === "break" ? new BreakSignal(levels) : new ContinueSignal(levels);
  };
}

const cd: CommandFn = (ctx) => {
  const { state } = ctx.shell;
  const target = normalizePath(state.cwd, ctx.argv[1] ?? state.vars.get("HOME") ?? "/");
  if (ctx.shell.pathKind(target) !== "dir") {
    ctx.shell.shellError(ctx.io, ctx.line, `cd: can't cd to ${ctx.argv[1]}`);
    return ctx.shell.dialect === "bash" ? 1 : 2;
  }
  state.cwd = target;
  state.vars.set("PWD", target);
  return 0;
};

const SIGNALS: Record<string, string> = {
  "0": "EXIT",
  "1": "HUP",
  "2": "INT",
  "3": "QUIT",
  "9": "KILL",
  "15": "TERM",
};

const trap: CommandFn = (ctx) => {
  const { state } = ctx.shell;
  const [action, ...signals] = ctx.argv.slice(1);
  if (action === undefined) {
    for (const [signal, command] of state.traps) out(ctx, `trap -- '${command}' ${signal}\n`);
    return 0;
  }
  for (const raw of signals) {
    const signal = SIGNALS[raw] ?? raw.toUpperCase().replace(/^SIG/, "");
    if (action === "-") state.traps.delete(signal);
    else state.traps.set(signal, action);
  }
  return 0;
};

const exec: CommandFn = (ctx) => {
  const argv = ctx.argv.slice(1);
  if (argv.length === 0) return 0;
  ctx.shell.rt.execPending = ctx.shell.isPid1;
  const status = ctx.shell.invoke(argv, ctx.io, ctx.assigns, ctx.line);
  throw new ExitSignal(status);
};

const read: CommandFn = (ctx) => {
  const { state } = ctx.shell;
  const args = ctx.argv.slice(1);
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-p") ctx.shell.write(ctx.io, 2, args[++i] ?? "");
    else if (arg === "-t" || arg === "-n" || arg === "-d" || arg === "-u") i++;
    else if (!arg.startsWith("-")) names.push(arg);
  }
  if (names.length === 0) names.push("REPLY");
  const stdin = ctx.io.stdin;
  const rest = stdin ? stdin.text.slice(stdin.pos) : "";
  if (!stdin || rest === "") {
    for (const name of names) state.vars.set(name, "");
    return 1;
  }
  const nl = rest.indexOf("\n");
  const line = nl >= 0 ? rest.slice(0, nl) : rest;
  stdin.pos += nl >= 0 ? nl + 1 : rest.length;
  const fields = line.trim().split(/[ \t]+/);
  names.forEach((name, i) => {
    const value = i === names.length - 1 ? fields.slice(i).join(" ") : (fields[i] ?? "");
    state.vars.set(name, value);
  });
  return 0;
};

const source: CommandFn = (ctx) => {
  const path = ctx.argv[1];
  if (path === undefined) return 0;
  const content = ctx.shell.readFile(path);
  if (content === undefined) fatal(ctx, `${ctx.argv[0]}: can't open '${path}'`, 2);
  return ctx.shell.runSource(content, ctx.io, ctx.line);
};

const unset: CommandFn = (ctx) => {
  for (const name of ctx.argv.slice(1).filter((arg) => !arg.startsWith("-"))) {
    ctx.shell.state.vars.delete(name);
    ctx.shell.state.exported.delete(name);
  }
  return 0;
};

export const BUILTINS: Record<string, CommandFn> = {
  ":": () => 0,
  exit,
  return: (ctx) => {
    const code = Number(ctx.argv[1] ?? ctx.shell.state.status) & 255;
    throw ctx.shell.functionDepth > 0 ? new ReturnSignal(code) : new ExitSignal(code);
  },
  export: (ctx) => assignEach(ctx, true),
  readonly: (ctx) => assignEach(ctx, false),
  local: (ctx) => assignEach(ctx, false),
  unset,
  set,
  shift,
  break: loopControl("break"),
  continue: loopControl("continue"),
  cd,
  trap,
  exec,
  read,
  ".": source,
  source,
  eval: (ctx) => ctx.shell.runSource(ctx.argv.slice(1).join(" "), ctx.io, ctx.line),
  wait: () => 0,
  umask: () => 0,
};
