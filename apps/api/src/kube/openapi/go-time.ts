/**
 * Go's `time.Parse` with the layouts metav1.Time (time.RFC3339) and metav1.MicroTime (RFC3339Micro)
 * decode with, reduced to what clients see: whether a string parses, and the ParseError text when it
 * does not (`parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`). Follows
 * the element loop of Go's time/format.go.
 */
import { goQuote } from "../validation/go-format.ts";

/** The layout metav1.Time parses with. */
export const RFC3339 = "2006-01-02T15:04:05Z07:00";
/** The layout metav1.MicroTime parses with. */
export const RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00";

type Element =
  | { literal: string }
  | { std: "2006" | "01" | "02" | "15" | "04" | "05" | ".000000" | "Z07:00" };

const SECOND_ELEMENTS: Element[] = [
  { std: "2006" },
  { literal: "-" },
  { std: "01" },
  { literal: "-" },
  { std: "02" },
  { literal: "T" },
  { std: "15" },
  { literal: ":" },
  { std: "04" },
  { literal: ":" },
  { std: "05" },
];
const LAYOUTS: Readonly<Record<string, readonly Element[]>> = {
  [RFC3339]: [...SECOND_ELEMENTS, { std: "Z07:00" }],
  [RFC3339_MICRO]: [...SECOND_ELEMENTS, { std: ".000000" }, { std: "Z07:00" }],
};

const isDigit = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** getnum: one or two leading digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : { n: Number(s[0]), rest: s.slice(1) };
  return { n: Number(s.slice(0, 2)), rest: s.slice(2) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The error text of `time.Parse(layout, value)`, or undefined when the value parses. */
export function goTimeParseError(
  layout: typeof RFC3339 | typeof RFC3339_MICRO,
  value: string,
): string | undefined {
  const cannotParse = (rest: string, element: string) =>
    `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(element)}`;
  const outOfRange = (what: string) => `parsing time ${goQuote(value)}: ${what} out of range`;
  let rest = value;
  let year = 0;
  let month = 0;
  let day = 0;
  for (const element of LAYOUTS[layout]!) {
    if ("literal" in element) {
      if (!rest.startsWith(element.literal)) return cannotParse(rest, element.literal);
      rest = rest.slice(element.literal.length);
      continue;
    }
    const hold = rest;
    let range = "";
    switch (element.std) {
      case "2006": {
        const digits = rest.slice(0, 4);
        if (digits.length < 4 || !/^\d{4}$/.test(digits)) return cannotParse(hold, element.std);
        year = Number(digits);
        rest = rest.slice(4);
        break;
      }
      case "01":
      case "02":
      case "15":
      case "04":
      case "05": {
        // Only the hour ("15", not "03") may have a single digit.
        const got = getnum(rest, element.std !== "15");
        if (!got) return cannotParse(hold, element.std);
        rest = got.rest;
        if (element.std === "01") {
          month = got.n;
          if (month < 1 || month > 12) range = "month";
        } else if (element.std === "02") day = got.n;
        else if (element.std === "15" && got.n >= 24) range = "hour";
        else if (element.std === "04" && got.n >= 60) range = "minute";
        else if (element.std === "05") {
          if (got.n >= 60) range = "second";
          // A fraction the layout does not ask for is accepted after the seconds.
          else if (layout === RFC3339 && /^[.,]\d/.test(rest)) rest = rest.replace(/^[.,]\d+/, "");
        }
        break;
      }
      case ".000000":
        if (!/^[.,]\d{6}/.test(rest)) return cannotParse(hold, element.std);
        rest = rest.slice(7);
        break;
      case "Z07:00": {
        if (rest.startsWith("Z")) {
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ":") return cannotParse(hold, element.std);
        const sign = rest[0];
        const hh = getnum(rest.slice(1, 3), true);
        const mm = getnum(rest.slice(4, 6), true);
        if (!hh || !mm || (sign !== "+" && sign !== "-")) return cannotParse(hold, element.std);
        if (hh.n > 24) range = "time zone offset hour";
        else if (mm.n > 60) range = "time zone offset minute";
        rest = rest.slice(6);
        break;
      }
    }
    if (range) return outOfRange(range);
  }
  if (rest !== "") return `parsing time ${goQuote(value)}: extra text: ${goQuote(rest)}`;
  if (day < 1 || day > daysIn(month, year)) return outOfRange("day");
  return undefined;
}
