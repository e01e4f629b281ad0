/**
 * Shell patterns: pathname expansion (`cat /etc/config/*`) and `case` patterns. A pattern is the
 * word's text with quoted characters escaped by a backslash, so `"*"` stays a literal star.
 */

export const GLOB_CHARS = /[*?[]/;

/** Escapes the characters a pattern would otherwise interpret (for quoted text). */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * `pathname`: `*` and `?` stop at `/` and do not match a leading dot (pathname expansion);
 * otherwise they match anything (`case`).
 */
export function globToRegExp(pattern: string, pathname: boolean): RegExp {
  let source = "";
  const any = pathname ? "[^/]" : "[\\s\\S]";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const segmentStart = pathname && (i === 0 || pattern[i - 1] === "/");
    if (c === "\\" && i + 1 < pattern.length) {
      source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else if (c === "*") {
      source += `${segmentStart ? "(?!\\.)" : ""}${any}*`;
    } else if (c === "?") {
      source += `${segmentStart ? "(?!\\.)" : ""}${any}`;
    } else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) source += "\\[";
      else {
        let set = pattern.slice(i + 1, close);
        if (set.startsWith("!")) set = `^${set.slice(1)}`;
        source += `[${set.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}
