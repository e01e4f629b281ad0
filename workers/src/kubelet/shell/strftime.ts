/** `date`: its default output and `+FORMAT` conversions, in UTC (containers have no TZ set). */

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const pad = (n: number, width = 2, fill = "0"): string => String(n).padStart(width, fill);

function dayOfYear(date: Date): number {
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.floor((date.getTime() - start) / 86_400_000) + 1;
}

const CONVERSIONS: Record<string, (d: Date) => string> = {
  a: (d) => DAYS[d.getUTCDay()]!.slice(0, 3),
  A: (d) => DAYS[d.getUTCDay()]!,
  b: (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3),
  h: (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3),
  B: (d) => MONTHS[d.getUTCMonth()]!,
  c: (d) => strftime("%a %b %e %H:%M:%S %Y", d),
  C: (d) => pad(Math.floor(d.getUTCFullYear() / 100)),
  d: (d) => pad(d.getUTCDate()),
  D: (d) => strftime("%m/%d/%y", d),
  e: (d) => pad(d.getUTCDate(), 2, " "),
  F: (d) => strftime("%Y-%m-%d", d),
  H: (d) => pad(d.getUTCHours()),
  I: (d) => pad(((d.getUTCHours() + 11) % 12) + 1),
  j: (d) => pad(dayOfYear(d), 3),
  k: (d) => pad(d.getUTCHours(), 2, " "),
  l: (d) => pad(((d.getUTCHours() + 11) % 12) + 1, 2, " "),
  m: (d) => pad(d.getUTCMonth() + 1),
  M: (d) => pad(d.getUTCMinutes()),
  n: () => "\n",
  N: (d) => `${pad(d.getUTCMilliseconds(), 3)}000000`,
  p: (d) => (d.getUTCHours() < 12 ? "AM" : "PM"),
  r: (d) => strftime("%I:%M:%S %p", d),
  R: (d) => strftime("%H:%M", d),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  S: (d) => pad(d.getUTCSeconds()),
  t: () => "\t",
  T: (d) => strftime("%H:%M:%S", d),
  u: (d) => String(d.getUTCDay() === 0 ? 7 : d.getUTCDay()),
  w: (d) => String(d.getUTCDay()),
  y: (d) => pad(d.getUTCFullYear() % 100),
  Y: (d) => String(d.getUTCFullYear()),
  z: () => "+0000",
  Z: () => "UTC",
  "%": () => "%",
};

export function strftime(format: string, date: Date): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%" || i === format.length - 1) {
      out += c;
      continue;
    }
    // GNU flags: %-d (no padding), %_d (space padding) — only `-` matters in practice.
    let flag = "";
    if (format[i + 1] === "-" || format[i + 1] === "_") flag = format[++i]!;
    const spec = format[++i]!;
    const convert = CONVERSIONS[spec];
    if (!convert) {
      out += `%${flag}${spec}`;
      continue;
    }
    let text = convert(date);
    if (flag === "-") text = text.replace(/^[0 ]+(?=\d)/, "");
    if (flag === "_") text = text.replace(/^0/, " ");
    out += text;
  }
  return out;
}

/** `date` with no format: Mon May 20 10:00:00 UTC 2024 */
export function defaultDate(date: Date): string {
  return strftime("%a %b %e %H:%M:%S %Z %Y", date);
}
