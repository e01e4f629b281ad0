import type { PodTemplate } from "../shared/pod-from-template.ts";

/** rand.SafeEncodeString's alphabet: no vowels (no words) and no look-alikes (0/o, 1/l). */
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * controller.ComputeHash: FNV-32a of the pod template (plus the collision count, when the
 * Deployment has one, as 8 little-endian bytes), its decimal value re-spelled with SafeEncodeString.
 * Upstream hashes Go's dump of the struct; this hashes the template's canonical JSON, so the value
 * differs from a real cluster's but looks the same (`7c79c4bf97`) and is as stable.
 */
export function computeHash(template: PodTemplate | undefined, collisionCount?: number): string {
  let hash = fnv32a(0x811c9dc5, new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(hash, bytes);
  }
  return safeEncode(String(hash));
}

function fnv32a(seed: number, bytes: Uint8Array): number {
  let hash = seed;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function safeEncode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** JSON with sorted keys and without empty values, so semantically equal templates hash alike. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value) ?? null);
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalize(v) ?? null);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}
