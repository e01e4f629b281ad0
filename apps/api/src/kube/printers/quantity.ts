/**
 * `resource.Quantity.String()`: the canonical form printers show for capacities, quota usage and HPA
 * targets (apimachinery `pkg/api/resource/quantity.go`). Stored objects may carry any accepted spelling
 * (`0.5`, `1024Mi`, `1e3`), so printing re-parses and canonicalises as the Go type does after decoding.
 */

type Format = "DecimalSI" | "BinarySI" | "DecimalExponent";

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

/** value = mantissa × 10^scale */
interface Parsed {
  mantissa: bigint;
  scale: number;
  format: Format;
}

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[+-]?\d*)$/;

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  const decimal = DECIMAL_SUFFIXES[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: "DecimalSI" };
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: "BinarySI" };
  if (/^[eE][+-]?\d+$/.test(suffix)) {
    return { base: 10, exponent: Number.parseInt(suffix.slice(1), 10), format: "DecimalExponent" };
  }
  return undefined;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function parseQuantity(text: string): Parsed | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match || (match[2] === "" && match[3] === undefined)) return undefined;
  const [, sign = "", whole = "", fraction = "", suffixText = ""] = match;
  const suffix = interpretSuffix(suffixText);
  if (!suffix) return undefined;
  let mantissa = BigInt(`${whole || "0"}${fraction}`) * (sign === "-" ? -1n : 1n);
  let scale = -fraction.length;
  let format = suffix.format;
  if (suffix.base === 10) scale += suffix.exponent;
  else mantissa *= 2n ** BigInt(suffix.exponent);
  // Anything finer than 1n is rounded away from zero, "so that if you want some resources, you get some".
  if (scale < -9) {
    const divisor = pow10(-9 - scale);
    const magnitude = mantissa < 0n ? -mantissa : mantissa;
    const rounded = (magnitude + divisor - 1n) / divisor;
    mantissa = mantissa < 0n ? -rounded : rounded;
    scale = -9;
  }
  if (format === "BinarySI" && mantissa > 0n && isBelow(mantissa, scale, 1n)) format = "DecimalSI";
  return { mantissa, scale, format };
}

/** |mantissa × 10^scale| < limit */
function isBelow(mantissa: bigint, scale: number, limit: bigint): boolean {
  const magnitude = mantissa < 0n ? -mantissa : mantissa;
  return scale >= 0 ? magnitude * pow10(scale) < limit : magnitude < limit * pow10(-scale);
}

function canonicalDecimal(mantissa: bigint, scale: number, format: Format): string {
  let m = mantissa;
  let exponent = scale;
  while (m % 10n === 0n) {
    m /= 10n;
    exponent++;
  }
  // Engineering notation: the exponent becomes a multiple of 3, the mantissa grows to compensate.
  const rest = ((exponent % 3) + 3) % 3;
  m *= pow10(rest);
  exponent -= rest;
  if (format === "DecimalExponent") return exponent === 0 ? `${m}` : `${m}e${exponent}`;
  const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
  return suffix === undefined ? `${m}e${exponent}` : `${m}${suffix}`;
}

function canonicalize({ mantissa, scale, format }: Parsed): string {
  if (mantissa === 0n) return "0";
  if (format === "BinarySI" && !isBelow(mantissa, scale, 1024n)) {
    const exact = scale >= 0 || mantissa % pow10(-scale) === 0n;
    if (exact) {
      let value = scale >= 0 ? mantissa * pow10(scale) : mantissa / pow10(-scale);
      let exponent = 0;
      while (value % 1024n === 0n && exponent < 60) {
        value /= 1024n;
        exponent += 10;
      }
      return `${value}${BINARY_SUFFIX_BY_EXPONENT.get(exponent) ?? ""}`;
    }
  }
  // Small or fractional binary quantities print as DecimalSI so no precision is lost.
  return canonicalDecimal(mantissa, scale, format === "BinarySI" ? "DecimalSI" : format);
}

/**
 * `Quantity.String()` of a quantity given as JSON (string or number). An absent quantity is Go's zero
 * Quantity, "0"; a nil *Quantity is `<nil>` (pass `nilAs` for that). Unparsable input is returned as is.
 */
export function quantityString(value: unknown, nilAs = "0"): string {
  if (value === undefined || value === null) return nilAs;
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  const parsed = parseQuantity(text);
  return parsed ? canonicalize(parsed) : text;
}
