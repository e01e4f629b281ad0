import type { Db } from "../../../../db/client.ts";
import { apiTokens, type ClusterPhase } from "../../../../db/schema/index.ts";
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

/** What a token's signature vouches for: its id (jti), tenant (sub) and scope (`tenant`, `cluster:<id>`). */
export interface TokenClaims {
  jti: string;
  sub: string;
  scope: string;
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date | null;
}

/** Issues and checks API tokens: a signed JWT whose jti names a row that must still exist. */
export class TokenService {
  private readonly verified = new Map<string, { claims: TokenClaims; until: number }>();

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
    return (await this.authenticateFor(header)).principal;
  }

  /**
   * authenticate(), and in the same query whether `clusterId` is a live cluster of the token's
   * tenant, and its phase: the Kubernetes API runs this on every request, so it costs one round trip.
   */
  async authenticateFor(
    header: string | undefined,
    clusterId?: string,
  ): Promise<{ principal: Principal; ownsCluster: boolean; clusterPhase: ClusterPhase | null }> {
    const payload = await this.claimsOf(header);
    const [row] = await this.db.sql<
      {
        tenant_id: string;
        kind: Principal["kind"];
        cluster_id: string | null;
        expired: boolean;
        cluster_phase: ClusterPhase | null;
      }[]
    >`
      select t.tenant_id, t.kind, t.cluster_id, coalesce(t.expires_at <= now(), false) as expired,
             (
               select c.phase from clusters c
               where c.id = ${clusterId ?? null}::text and c.tenant_id = t.tenant_id and c.phase <> 'Deleting'
             ) as cluster_phase
      from api_tokens t where t.id = ${payload.jti} and t.tenant_id = ${payload.sub}`;
    if (!row) throw unauthorized("token revoked");
    if (row.expired) throw unauthorized("token expired");
    return {
      principal: { tenantId: row.tenant_id, tokenId: payload.jti, kind: row.kind, clusterId: row.cluster_id },
      ownsCluster: row.cluster_phase !== null,
      clusterPhase: row.cluster_phase,
    };
  }

  /**
   * The token's verified claims, without the database: valid signature, not expired, but perhaps
   * revoked (authenticate() tells). A signature verified once stays valid, so results are kept for a
   * minute (never past the token's expiry); revocation is checked against the database every time.
   */
  async claimsOf(header: string | undefined): Promise<TokenClaims> {
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) {
      throw unauthorized(
        header ? "malformed Authorization header: expected 'Bearer <token>'" : "missing bearer token",
      );
    }
    const token = match[1]!;
    const now = Date.now();
    const cached = this.verified.get(token);
    if (cached && cached.until > now) return cached.claims;
    let payload: Awaited<ReturnType<SigningKeys["verify"]>>;
    try {
      payload = await this.keys.verify(token);
    } catch (err) {
      const expired = err instanceof Error && "code" in err && err.code === "ERR_JWT_EXPIRED";
      throw unauthorized(expired ? "token expired" : "invalid token");
    }
    if (typeof payload.jti !== "string" || typeof payload.sub !== "string")
      throw unauthorized("invalid token");
    const claims = {
      jti: payload.jti,
      sub: payload.sub,
      scope: typeof payload.scp === "string" ? payload.scp : "",
    };
    const until = Math.min(now + 60_000, payload.exp ? payload.exp * 1000 : Number.POSITIVE_INFINITY);
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, { claims, until });
    return claims;
  }
}
