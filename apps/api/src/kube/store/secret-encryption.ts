import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KubeObject } from "../object/types.ts";

const ENVELOPE = "sandcastle.io/aes-256-gcm-v1";

/** The stored form of a Secret: its data fields sealed, the rest as is. */
interface SealedSecret extends KubeObject {
  $sealed?: { alg: string; iv: string; tag: string; ciphertext: string };
}

/**
 * Encrypts Secret data at rest with AES-256-GCM (a fresh IV per write; the tag authenticates it).
 * Only `data` and `stringData` are sealed: metadata stays queryable and nothing else is secret.
 */
export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("SECRETS_KEY must be 32 bytes (base64-encoded)");
  }

  static applies(group: string, resource: string): boolean {
    return group === "" && resource === "secrets";
  }

  seal(obj: KubeObject): KubeObject {
    const { data, stringData, ...rest } = obj as KubeObject & { data?: unknown; stringData?: unknown };
    if (data === undefined && stringData === undefined) return obj;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify({ data, stringData }), "utf8"),
      cipher.final(),
    ]);
    const sealed: SealedSecret = {
      ...rest,
      $sealed: {
        alg: ENVELOPE,
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        ciphertext: ciphertext.toString("base64"),
      },
    };
    return sealed;
  }

  open(obj: KubeObject): KubeObject {
    const { $sealed, ...rest } = obj as SealedSecret;
    if (!$sealed) return obj;
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from($sealed.iv, "base64"));
    decipher.setAuthTag(Buffer.from($sealed.tag, "base64"));
    const plain = Buffer.concat([
      decipher.update(Buffer.from($sealed.ciphertext, "base64")),
      decipher.final(),
    ]);
    const { data, stringData } = JSON.parse(plain.toString("utf8")) as {
      data?: unknown;
      stringData?: unknown;
    };
    return {
      ...rest,
      ...(data !== undefined ? { data } : {}),
      ...(stringData !== undefined ? { stringData } : {}),
    };
  }
}

/** How bodies go into and come out of the store: JSON, with Secrets sealed when a cipher is set. */
export class BodyCodec {
  constructor(private readonly cipher?: SecretCipher) {}

  encode(group: string, resource: string, obj: KubeObject): string {
    return JSON.stringify(this.seals(group, resource) ? this.cipher!.seal(obj) : obj);
  }

  /** Whether stored bodies of the resource differ from the object's own JSON. */
  seals(group: string, resource: string): boolean {
    return this.cipher !== undefined && SecretCipher.applies(group, resource);
  }

  decode(group: string, resource: string, body: KubeObject): KubeObject {
    return this.cipher && SecretCipher.applies(group, resource) ? this.cipher.open(body) : body;
  }
}
