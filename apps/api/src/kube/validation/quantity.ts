/**
 * `resource.Quantity` as apimachinery parses, compares and prints it (`pkg/api/resource/quantity.go`).
 * Objects carry quantities as JSON strings (or numbers) in any accepted spelling (`0.5`, `1024Mi`,
 * `1e3`); the API always answers with the canonical form, which is what `formatQuantity` produces.
 */

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

/** value = mantissa × 10^scale, remembering the suffix family it was written in. */
export interface Quantity {
  readonly mantissa: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

/** The decoding error clients get (400 BadRequest) for an unparsable quantity. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

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

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[+-]?\d*)$/;

function interpretSuffix(
  suffix: string,
): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
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

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Divides rounding away from zero, as Quantity rounding does "so that if you want some, you get some". */
function divideAwayFromZero(n: bigint, divisor: bigint): bigint {
  const rounded = (abs(n) + divisor - 1n) / divisor;
  return n < 0n ? -rounded : rounded;
}

/**
 * ParseQuantity of a JSON value (string or number). Returns undefined for anything apimachinery
 * would refuse while decoding; anything finer than 1n is rounded up to nanos.
 */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string") return undefined;
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
  if (scale < -9) {
    mantissa = divideAwayFromZero(mantissa, pow10(-9 - scale));
    scale = -9;
  }
  if (format === "BinarySI" && mantissa > 0n && isBelow(mantissa, scale, 1n)) format = "DecimalSI";
  return { mantissa, scale, format };
}

/** |mantissa × 10^scale| < limit */
function isBelow(mantissa: bigint, scale: number, limit: bigint): boolean {
  const magnitude = abs(mantissa);
  return scale >= 0 ? magnitude * pow10(scale) < limit : magnitude < limit * pow10(-scale);
}

function canonicalDecimal(mantissa: bigint, scale: number, format: QuantityFormat): string {
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

/** Quantity.String(): the canonical form the API serves. */
export function formatQuantity({ mantissa, scale, format }: Quantity): string {
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

/** The canonical spelling of a JSON quantity, or undefined when it does not parse. */
export function canonicalQuantity(value: unknown): string | undefined {
  const q = parseQuantity(value);
  return q ? formatQuantity(q) : undefined;
}

/** Both mantissas at the finer of the two scales. */
function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.min(a.scale, b.scale);
  return [a.mantissa * pow10(a.scale - scale), b.mantissa * pow10(b.scale - scale), scale];
}

/** Quantity.Cmp: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.Add; the result keeps the left operand's format, as Go's does. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = aligned(a, b);
  return { mantissa: x + y, scale, format: a.format };
}

/** Quantity.RoundUp(scale): SetDefaults_ResourceList rounds every request and limit to millis. */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.scale >= scale) return q;
  return { mantissa: divideAwayFromZero(q.mantissa, pow10(scale - q.scale)), scale, format: q.format };
}

/** Quantity.MilliValue(), rounded up as Go's is. */
export function milliValue(q: Quantity): bigint {
  const shift = q.scale + 3;
  return shift >= 0 ? q.mantissa * pow10(shift) : divideAwayFromZero(q.mantissa, pow10(-shift));
}

export const ZERO_QUANTITY: Quantity = { mantissa: 0n, scale: 0, format: "DecimalSI" };
