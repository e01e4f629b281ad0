/**
 * How Go prints decoded JSON values (`map[string]interface{}`, `[]interface{}`, int64, float64, string,
 * bool) in the messages kube-apiserver returns: fmt's `%v`/`%+v` and `%#v`, and encoding/json's
 * Marshal. Integral JSON numbers are int64 there (apimachinery decodes with "preserve ints").
 */
import { goQuote } from "../validation/go-format.ts";

/** strconv.FormatFloat(f, 'g', -1, 64), as fmt's %v prints a float64: `1.5`, `1e-05`, `1.2345675e+06`. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  const [mantissa = "", exponentText = "0"] = n.toExponential().split("e");
  const exponent = Number.parseInt(exponentText, 10);
  // %g with the shortest precision switches to exponent form at exp < -4 || exp >= 6 (strconv ftoa.go).
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return n.toString();
}

function number(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : goFloat(n);
}

function sortedKeys(obj: Record<string, unknown>): string[] {
  // Go sorts map keys bytewise; for the ASCII keys of Kubernetes objects that is code-unit order.
  return Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `fmt.Sprintf("%v", v)` (and `%+v`, the same for these types): `map[data:map[a:1]]`, `[a b]`, `<nil>`. */
export function goSprintV(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (typeof value === "number") return number(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(goSprintV).join(" ")}]`;
  if (isObject(value)) {
    return `map[${sortedKeys(value)
      .map((key) => `${key}:${goSprintV(value[key])}`)
      .join(" ")}]`;
  }
  return String(value);
}

/**
 * `fmt.Sprintf("%#v", v)` for a value held in an `interface{}`:
 * `map[string]interface {}{"a":1}`, `[]interface {}{1, "x"}`, `"x"`, `1.5`, `true`.
 */
export function goSprintSharpV(value: unknown): string {
  if (value === null || value === undefined) return "interface {}(nil)";
  if (typeof value === "number") return number(value);
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSprintSharpV).join(", ")}}`;
  if (isObject(value)) {
    const entries = sortedKeys(value).map((key) => `${goQuote(key)}:${goSprintSharpV(value[key])}`);
    return `map[string]interface {}{${entries.join(", ")}}`;
  }
  return String(value);
}

/**
 * `json.Marshal` of a decoded value: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped as
 * encoding/json's HTML-safe encoder writes them.
 */
export function goJsonMarshal(value: unknown): string {
  return marshal(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function marshal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(marshal).join(",")}]`;
  if (isObject(value)) {
    return `{${sortedKeys(value)
      .map((key) => `${JSON.stringify(key)}:${marshal(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
