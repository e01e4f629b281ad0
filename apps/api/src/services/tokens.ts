import { and, asc, eq } from "drizzle-orm";
import { apiTokens } from "../../../../db/schema/index.ts";
import { ApiError } from "../errors.ts";
import type { TenantContext } from "./context.ts";

export interface TokenView {
  id: string;
  name: string;
  kind: "tenant" | "cluster";
  clusterId: string | null;
  createdAt: string;
  expiresAt: string | null;
}

export async function createToken(
  ctx: TenantContext,
  input: { name: string; expiresInSeconds?: number },
): Promise<{ id: string; token: string; expiresAt: string | null }> {
  const issued = await ctx.runtime.tokens.issue(ctx.principal.tenantId, { ...input, kind: "tenant" });
  return { id: issued.id, token: issued.token, expiresAt: issued.expiresAt?.toISOString() ?? null };
}

/** The tenant's tokens, without secrets (a token is shown once, when created). */
export async function listTokens(ctx: TenantContext): Promise<TokenView[]> {
  const rows = await ctx.runtime.db.orm
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tenantId, ctx.principal.tenantId))
    .orderBy(asc(apiTokens.createdAt));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    clusterId: r.clusterId,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
  }));
}

/** Revokes a token: the next request bearing it answers 401. */
export async function revokeToken(ctx: TenantContext, id: string): Promise<void> {
  const deleted = await ctx.runtime.db.orm
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.tenantId, ctx.principal.tenantId)))
    .returning({ id: apiTokens.id });
  if (deleted.length === 0) throw new ApiError("NotFound", `token "${id}" not found`);
}
