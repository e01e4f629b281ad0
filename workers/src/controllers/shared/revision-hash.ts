/**
 * The hashes controllers put in names and labels (`web-7b6c9d8f5`, `controller-revision-hash`):
 * an FNV-32 of the object, printed in decimal and passed through rand.SafeEncodeString so no
 * vowels (and no words) appear. Upstream hashes Go's struct dump; we hash canonical JSON, so the
 * values differ from a real cluster's but have the same shape and stability.
 */

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** rand.SafeEncodeString: each byte mapped into an alphabet without vowels. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** hash/fnv New32 (multiply, then xor) over the UTF-8 bytes of each part. */
export function fnv32(...parts: (string | Uint8Array)[]): number {
  let hash = FNV_OFFSET;
  for (const byte of bytesOf(parts)) hash = (Math.imul(hash, FNV_PRIME) ^ byte) >>> 0;
  return hash >>> 0;
}

/** hash/fnv New32a (xor, then multiply). */
export function fnv32a(...parts: (string | Uint8Array)[]): number {
  let hash = FNV_OFFSET;
  for (const byte of bytesOf(parts)) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash >>> 0;
}

/** JSON with object keys sorted, so equal objects always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * controller.ComputeHash: the pod-template hash DaemonSets (and Deployments) label pods with; the
 * collision count is mixed in so a name collision can be resolved by bumping it.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  const parts: (string | Uint8Array)[] = [canonicalJson(template)];
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    parts.push(bytes);
  }
  return safeEncodeString(String(fnv32a(...parts)));
}

function* bytesOf(parts: (string | Uint8Array)[]): Generator<number> {
  const encoder = new TextEncoder();
  for (const part of parts) yield* typeof part === "string" ? encoder.encode(part) : part;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
