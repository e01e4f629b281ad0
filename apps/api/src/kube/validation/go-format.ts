/**
 * The few pieces of Go formatting that show through in apimachinery's error messages. Clients see
 * these strings verbatim, so they follow Go's output rather than JavaScript's.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\u0007": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};

/** `fmt.Sprintf("%q", s)`: Go's double-quoted string literal (printable Unicode kept as is). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const escaped = SIMPLE_ESCAPES[ch];
    if (escaped !== undefined) {
      out += escaped;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${cp.toString(16).padStart(2, "0")}`;
    } else if ((cp >= 0x80 && cp <= 0x9f) || cp === 0xad) {
      // C1 controls and the soft hyphen are not printable for strconv.IsPrint.
      out += `\\u${cp.toString(16).padStart(4, "0")}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate would have been an invalid UTF-8 byte on the Go side.
      out += "\\ufffd";
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** `fmt.Sprintf("%#v", []string(…))`, as field.Invalid prints a slice of values. */
export function goStringSliceLiteral(values: readonly string[] | null): string {
  if (values === null) return "[]string(nil)";
  return `[]string{${values.map(goQuote).join(", ")}}`;
}

/** Go's `len(s)` for a string: its length in UTF-8 bytes. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** Go's string ordering (bytewise over UTF-8), which sort.Strings and sets.String.List use. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** sets.NewString(values…).List(): unique, in Go order. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareGoStrings);
}
