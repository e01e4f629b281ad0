import { goQuote } from "../../../validation/go-format.ts";

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * time.ParseDuration, in milliseconds (fractions of a millisecond kept): `1h30m`, `90s`, `1.5h`.
 * Throws Error with Go's message (`time: invalid duration "x"`, `time: unknown unit "d" in duration
 * "1d"`, `time: missing unit in duration "5"`).
 */
export function parseGoDuration(s: string): number {
  const quoted = goQuote(s);
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== "") {
    const number = /^([0-9]*)(\.([0-9]*))?/.exec(rest);
    const whole = number?.[1] ?? "";
    const frac = number?.[3] ?? "";
    if (whole === "" && frac === "") throw new Error(`time: invalid duration ${quoted}`);
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    total += Number(`${whole || "0"}.${frac || "0"}`) * scale;
  }
  return sign * total;
}
