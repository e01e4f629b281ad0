import { randomBytes, randomUUID } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Random lowercase id that starts with a letter: safe in URLs, DNS labels and file names. */
export function randomId(length = 12): string {
  const bytes = randomBytes(length);
  let out = ALPHABET[bytes[0]! % 26]!;
  for (let i = 1; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length]!;
  return out;
}

export const newUid = (): string => randomUUID();
