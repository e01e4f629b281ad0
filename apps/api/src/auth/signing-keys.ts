import { desc, isNull } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Database } from "../../../../db/client.ts";
import { signingKeys } from "../../../../db/schema/index.ts";
import { randomId } from "../platform/ids.ts";

const ALG = "EdDSA";
const ISSUER = "sandcastle";
type KeyLike = Awaited<ReturnType<typeof importJWK>>;

interface LoadedKey {
  kid: string;
  createdAt: Date;
  publicJwk: JWK;
  publicKey: KeyLike;
  privateKey?: KeyLike;
}

/**
 * JWT signing keys kept in Postgres, so every replica signs and verifies alike. The newest key signs;
 * older ones keep verifying the tokens they signed until retired. Rotation happens when the newest key
 * is older than `maxAgeDays`: any replica may do it, and all pick the new key up on their next refresh.
 */
export class SigningKeys {
  private keys = new Map<string, LoadedKey>();
  private current?: LoadedKey;
  private loadedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly maxAgeDays: number,
  ) {}

  /** Loads keys, creating or rotating the signing key when needed. */
  async init(): Promise<void> {
    await this.refresh();
    const maxAgeMs = this.maxAgeDays * 86_400_000;
    if (!this.current || Date.now() - this.current.createdAt.getTime() > maxAgeMs) {
      await this.rotate();
    }
  }

  /** Adds a fresh signing key; tokens signed by older keys stay valid. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: "Ed25519", extractable: true });
    const kid = randomId(16);
    await this.db.insert(signingKeys).values({
      kid,
      alg: ALG,
      privateJwk: await exportJWK(privateKey),
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: "sig" },
    });
    await this.refresh();
    return kid;
  }

  async sign(claims: JWTPayload & { jti: string; sub: string }, expiresAt?: Date): Promise<string> {
    if (!this.current || Date.now() - this.loadedAt > 60_000) await this.refresh();
    const key = this.current;
    if (!key?.privateKey) throw new Error("no signing key: SigningKeys.init() was not called");
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: key.kid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setIssuedAt();
    if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
    return jwt.sign(key.privateKey);
  }

  /** Verifies signature, issuer and expiry; throws on any failure. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        let key = header.kid ? this.keys.get(header.kid) : undefined;
        if (!key && header.kid) {
          await this.refresh();
          key = this.keys.get(header.kid);
        }
        if (!key) throw new Error("unknown signing key");
        return key.publicKey;
      },
      { issuer: ISSUER, algorithms: [ALG] },
    );
    return payload;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.values()].map((k) => k.publicJwk) };
  }

  private async refresh(): Promise<void> {
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(isNull(signingKeys.retiredAt))
      .orderBy(desc(signingKeys.createdAt));
    const next = new Map<string, LoadedKey>();
    for (const [i, row] of rows.entries()) {
      const cached = this.keys.get(row.kid);
      const loaded: LoadedKey = cached ?? {
        kid: row.kid,
        createdAt: row.createdAt,
        publicJwk: row.publicJwk as JWK,
        publicKey: await importJWK(row.publicJwk as JWK, ALG),
      };
      if (i === 0 && !loaded.privateKey) loaded.privateKey = await importJWK(row.privateJwk as JWK, ALG);
      next.set(row.kid, loaded);
    }
    this.keys = next;
    this.current = rows[0] ? next.get(rows[0].kid) : undefined;
    this.loadedAt = Date.now();
  }
}
