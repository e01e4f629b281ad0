/**
 * Go's encoding/json decoding of []byte fields (Secret.data, ConfigMap.binaryData): standard
 * base64 with padding, newlines ignored, and the decoder's own error text for anything else.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUES = new Map([...ALPHABET].map((c, i) => [c, i]));

export type Base64Result = { ok: true; bytes: Buffer } | { ok: false; error: string };

const corrupt = (at: number): Base64Result => ({
  ok: false,
  error: `illegal base64 data at input byte ${at}`,
});
const isNewline = (c: string | undefined) => c === "\n" || c === "\r";

/** base64.StdEncoding.Decode, reporting the offset Go reports (CorruptInputError). */
export function decodeGoBase64(text: string): Base64Result {
  const out: number[] = [];
  let si = 0;
  while (si < text.length) {
    const quantum: number[] = [];
    let padded = false;
    while (quantum.length < 4) {
      if (si === text.length) {
        if (quantum.length === 0) return { ok: true, bytes: Buffer.from(out) };
        return corrupt(si - quantum.length);
      }
      const c = text[si++]!;
      const v = VALUES.get(c);
      if (v !== undefined) {
        quantum.push(v);
        continue;
      }
      if (isNewline(c)) continue;
      if (c !== "=") return corrupt(si - 1);
      // Padding: only after two or three symbols, and "==" after two.
      if (quantum.length < 2) return corrupt(si - 1);
      if (quantum.length === 2) {
        while (si < text.length && isNewline(text[si])) si++;
        if (si === text.length) return corrupt(text.length);
        if (text[si] !== "=") return corrupt(si - 1);
        si++;
      }
      while (si < text.length && isNewline(text[si])) si++;
      if (si < text.length) return corrupt(si);
      padded = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = quantum;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out.push((n >> 16) & 0xff);
    if (quantum.length > 2) out.push((n >> 8) & 0xff);
    if (quantum.length > 3) out.push(n & 0xff);
    if (padded) break;
  }
  return { ok: true, bytes: Buffer.from(out) };
}
