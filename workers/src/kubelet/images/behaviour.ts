import type { LogLine } from "../program-types.ts";
import type { Behaviour, Condition, LineSpec } from "./catalog.ts";
import { renderTemplate, type TemplateContext } from "./log-template.ts";

/** One run of a catalog program: what it writes (ms after it started) and how it ends. */
export interface ProcessRun {
  lines: LogLine[];
  end: { kind: "exit"; atMs: number; code: number } | { kind: "serve"; ports: number[]; readyAtMs: number };
}

export interface BehaviourContext {
  /** Everything but the port, which the behaviour decides. */
  template: Omit<TemplateContext, "port">;
  variant: string | undefined;
  /** Ports the tag's variant listens on instead (rabbitmq `management`). */
  variantPorts: number[] | undefined;
  /** Started through the image's entrypoint script (which prints lines of its own). */
  viaEntrypoint: boolean;
  /** A port given on the command line (`python -m http.server 9000`). */
  portOverride?: number | undefined;
}

function holds(condition: Condition, ctx: BehaviourContext): boolean {
  if (condition.variant !== undefined && !(ctx.variant ?? "").startsWith(condition.variant)) return false;
  if (condition.env !== undefined) {
    const value = ctx.template.env[condition.env];
    if (!value) return false;
    if (condition.equals !== undefined && value !== condition.equals) return false;
  }
  return true;
}

function portsOf(behaviour: Behaviour, ctx: BehaviourContext): number[] {
  const ports = [...(ctx.variantPorts ?? behaviour.serve?.ports ?? [])];
  const fromEnv = behaviour.serve?.portEnv ? Number(ctx.template.env[behaviour.serve.portEnv]) : Number.NaN;
  const chosen = ctx.portOverride ?? fromEnv;
  if (Number.isInteger(chosen) && chosen > 0 && chosen < 65536) ports[0] = chosen;
  return ports;
}

function render(specs: LineSpec[], ctx: BehaviourContext, port: number | undefined) {
  const lines: LogLine[] = [];
  let at = 0;
  let readyAt: number | undefined;
  const template = { ...ctx.template, port };
  for (const spec of specs) {
    if (spec.via === "entrypoint" && !ctx.viaEntrypoint) continue;
    if (spec.when && !holds(spec.when, ctx)) continue;
    if (spec.unless && holds(spec.unless, ctx)) continue;
    at += spec.after;
    for (const text of renderTemplate(spec.text, template, at).split("\n")) {
      lines.push({ atMs: at, stream: spec.stream, text });
    }
    if (spec.ready && readyAt === undefined) readyAt = at;
  }
  return { lines, lastAt: at, readyAt };
}

/** Plays a catalog behaviour for one container configuration. */
export function runBehaviour(behaviour: Behaviour, ctx: BehaviourContext): ProcessRun {
  const ports = portsOf(behaviour, ctx);
  for (const guard of behaviour.guards) {
    if (guard.unlessAny.some((condition) => holds(condition, ctx))) continue;
    const { lines, lastAt } = render(guard.lines, ctx, ports[0]);
    return { lines, end: { kind: "exit", atMs: lastAt, code: guard.exitCode } };
  }
  const { lines, lastAt, readyAt } = render(behaviour.lines, ctx, ports[0]);
  if (behaviour.serve) return { lines, end: { kind: "serve", ports, readyAtMs: readyAt ?? lastAt } };
  return { lines, end: { kind: "exit", atMs: lastAt + behaviour.exitAfterMs, code: behaviour.exitCode } };
}
