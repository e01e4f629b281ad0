/** `printf` and the backslash escapes it shares with `echo -e`. */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/**
 * Interprets backslash escapes. `stopAtC`: `\c` ends all output (echo). Returns the text and whether
 * output must stop there.
 */
export function interpretEscapes(text: string, echoStyle: boolean): { text: string; stop: boolean } {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\" || i === text.length - 1) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i++;
    } else if (next === "c" && echoStyle) {
      return { text: out, stop: true };
    } else if (next === "0" || (!echoStyle && /[0-7]/.test(next))) {
      // echo: \0NNN; printf: \NNN
      const digits = /^[0-7]{1,3}/.exec(text.slice(echoStyle ? i + 2 : i + 1))?.[0] ?? "";
      out += String.fromCharCode(Number.parseInt(digits || "0", 8));
      i += (echoStyle ? 1 : 0) + digits.length;
    } else if (next === "x" && /^[0-9a-fA-F]/.test(text[i + 2] ?? "")) {
      const digits = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2))![0];
      out += String.fromCharCode(Number.parseInt(digits, 16));
      i += 1 + digits.length;
    } else {
      out += `\\${next}`;
      i++;
    }
  }
  return { text: out, stop: false };
}

export interface PrintfResult {
  output: string;
  /** Arguments that were not numbers where one was needed. */
  invalid: string[];
}

function toInteger(arg: string, invalid: string[]): number {
  const trimmed = arg.trim();
  if (trimmed === "") return 0;
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(trimmed)) return Number.parseInt(trimmed, 16);
  if (/^['"]/.test(trimmed)) return trimmed.codePointAt(1) ?? 0;
  invalid.push(arg);
  return Number.parseInt(trimmed, 10) || 0;
}

function toFloat(arg: string, invalid: string[]): number {
  if (arg.trim() === "") return 0;
  const value = Number(arg);
  if (Number.isNaN(value)) {
    invalid.push(arg);
    return 0;
  }
  return value;
}

function padTo(text: string, flags: string, width: number, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (numeric && flags.includes("0")) {
    const sign = /^[+-]/.test(text) ? text[0]! : "";
    return sign + text.slice(sign.length).padStart(width - sign.length, "0");
  }
  return text.padStart(width);
}

const SPEC = /%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?([diouxXcsbfFeEgG%])/y;

/** POSIX printf: the format is reused while arguments remain. */
export function printf(format: string, args: string[]): PrintfResult {
  const invalid: string[] = [];
  let output = "";
  let next = 0;
  const take = (): string | undefined => (next < args.length ? args[next++] : undefined);
  for (;;) {
    let consumed = false;
    for (let i = 0; i < format.length; ) {
      const c = format[i]!;
      if (c === "\\") {
        const end = /^\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(format.slice(i))![0];
        output += interpretEscapes(end, false).text;
        i += end.length;
        continue;
      }
      if (c !== "%") {
        output += c;
        i++;
        continue;
      }
      SPEC.lastIndex = i;
      const match = SPEC.exec(format);
      if (!match) {
        output += c;
        i++;
        continue;
      }
      i += match[0].length;
      const [, flags = "", widthSpec, precisionSpec, conversion] = match;
      if (conversion === "%") {
        output += "%";
        continue;
      }
      consumed = true;
      const width = widthSpec === "*" ? toInteger(take() ?? "", invalid) : Number(widthSpec ?? 0);
      const precision =
        precisionSpec === undefined
          ? undefined
          : precisionSpec === "*"
            ? toInteger(take() ?? "", invalid)
            : Number(precisionSpec);
      const arg = take();
      let text: string;
      let numeric = false;
      switch (conversion) {
        case "s":
          text = arg ?? "";
          if (precision !== undefined) text = text.slice(0, precision);
          break;
        case "b":
          text = interpretEscapes(arg ?? "", true).text;
          break;
        case "c":
          text = (arg ?? "").slice(0, 1);
          break;
        case "d":
        case "i":
        case "u": {
          numeric = true;
          const n = toInteger(arg ?? "", invalid);
          text = `${flags.includes("+") && n >= 0 ? "+" : ""}${Math.trunc(n)}`;
          break;
        }
        case "o":
          numeric = true;
          text = Math.trunc(toInteger(arg ?? "", invalid)).toString(8);
          break;
        case "x":
        case "X": {
          numeric = true;
          const hex = Math.trunc(toInteger(arg ?? "", invalid)).toString(16);
          text = conversion === "X" ? hex.toUpperCase() : hex;
          break;
        }
        case "e":
        case "E":
          numeric = true;
          text = toFloat(arg ?? "", invalid).toExponential(precision ?? 6);
          text = text.replace(/e([+-])(\d)$/, "e$10$2");
          if (conversion === "E") text = text.toUpperCase();
          break;
        case "g":
        case "G":
          numeric = true;
          text = String(Number(toFloat(arg ?? "", invalid).toPrecision(precision || 6)));
          break;
        default:
          numeric = true;
          text = toFloat(arg ?? "", invalid).toFixed(precision ?? 6);
      }
      output += padTo(text, flags, width, numeric);
    }
    if (!consumed || next >= args.length) break;
  }
  return { output, invalid };
}
