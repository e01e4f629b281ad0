import type { Db } from "../../../../db/client.ts";
import { apiTokens } from "../../../../db/schema/index.ts";
import { unauthorized } from "../errors.ts";
import { randomId } from "../platform/ids.ts";
import type { SigningKeys } from "./signing-keys.ts";

/** Who is calling, once the bearer token checked out. */
export interface Principal {
  tenantId: string;
  tokenId: string;
  kind: "tenant" | "cluster";
  /** For cluster tokens: the one cluster the token reaches. */
  clusterId: string | null;
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date | null;
}

/** Issues and checks API tokens: a signed JWT whose jti names a row that must still exist. */
export class TokenService {
  constructor(
    private readonly db: Db,
    private readonly keys: SigningKeys,
  ) {}

  async issue(
    tenantId: string,
    options: { name: string; kind: Principal["kind"]; clusterId?: string; expiresInSeconds?: number },
  ): Promise<IssuedToken> {
    const id = `tok_${randomId(16)}`;
    const expiresAt = options.expiresInSeconds
      ? new Date(Date.now() + options.expiresInSeconds * 1000)
      : null;
    await this.db.orm.insert(apiTokens).values({
      id,
      tenantId,
      name: options.name,
      kind: options.kind,
      clusterId: options.clusterId ?? null,
      expiresAt,
    });
    return {
      id,
      token: await this.sign(
        { id, tenantId, kind: options.kind, clusterId: options.clusterId ?? null },
        expiresAt,
      ),
      expiresAt,
    };
  }

  /** Signs a fresh JWT for an existing token row (kubeconfig downloads reuse the cluster's token row). */
  sign(
    row: { id: string; tenantId: string; kind: Principal["kind"]; clusterId: string | null },
    expiresAt: Date | null,
  ): Promise<string> {
    return this.keys.sign(
      { jti: row.id, sub: row.tenantId, scp: row.kind === "cluster" ? `cluster:${row.clusterId}` : "tenant" },
      expiresAt ?? undefined,
    );
  }

  /** Checks a bearer token: signature, expiry, and that it was not revoked. Throws 401 otherwise. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match)
      throw unauthorized(
        header ? "malformed Authorization header: expected 'Bearer <token>'" : "missing bearer token",
      );
    let payload: Awaited<ReturnType<SigningKeys["verify"]>>;
    try {
      payload = await this.keys.verify(match[1]!);
    } catch (err) {
      const expired = err instanceof Error && "code" in err && err.code === "ERR_JWT_EXPIRED";
      throw unauthorized(expired ? "token expired" : "invalid token");
    }
    if (typeof payload.jti !== "string" || typeof payload.sub !== "string")
      throw unauthorized("invalid token");
    // Every request runs this: one primary-key lookup, in plain SQL.
    const [row] = await this.db.sql<
      { tenant_id: string; kind: Principal["kind"]; cluster_id: string | null; expired: boolean }[]
    >`
      select tenant_id, kind, cluster_id, coalesce(expires_at <= now(), false) as expired
      from api_tokens where id = ${payload.jti} and tenant_id = ${payload.sub}`;
    if (!row) throw unauthorized("token revoked");
    if (row.expired) throw unauthorized("token expired");
    return { tenantId: row.tenant_id, tokenId: payload.jti, kind: row.kind, clusterId: row.cluster_id };
  }
}
