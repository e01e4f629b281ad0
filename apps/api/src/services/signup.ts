import { createHash, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { settings, tenants } from "../../../../db/schema/index.ts";
import { ApiError, forbidden, unauthorized } from "../errors.ts";
import { randomId } from "../platform/ids.ts";
import type { Runtime } from "../platform/runtime.ts";

const ADMIN_SETTING = "admin.token.sha256";

export interface SignupResult {
  tenant: { id: string; email: string; createdAt: string };
  token: string;
}

/** Creates a tenant and its first API token. With SIGNUP=closed only the admin token may do it. */
export async function signup(
  runtime: Runtime,
  email: string,
  authorization: string | undefined,
): Promise<SignupResult> {
  if (runtime.config.signup === "closed") await requireAdmin(runtime, authorization);
  const normalized = email.trim().toLowerCase();
  const id = `ten_${randomId(16)}`;
  const inserted = await runtime.db.orm
    .insert(tenants)
    .values({ id, email: normalized })
    .onConflictDoNothing()
    .returning();
  const tenant = inserted[0];
  if (!tenant) {
    throw new ApiError(
      "Conflict",
      `a tenant with email "${normalized}" already exists`,
      undefined,
      "email_taken",
    );
  }
  const issued = await runtime.tokens.issue(tenant.id, { name: "signup", kind: "tenant" });
  return {
    tenant: { id: tenant.id, email: tenant.email, createdAt: tenant.createdAt.toISOString() },
    token: issued.token,
  };
}

async function requireAdmin(runtime: Runtime, authorization: string | undefined): Promise<void> {
  const presented = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!presented) throw unauthorized("signup is closed: an admin token is required");
  const [row] = await runtime.db.orm.select().from(settings).where(eq(settings.name, ADMIN_SETTING));
  const expected = Buffer.from(String(row?.value ?? ""), "hex");
  const actual = createHash("sha256").update(presented).digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw forbidden("signup is closed and this is not the admin token", "admin_required");
  }
}

/**
 * Makes sure an admin token exists. Returns it only when this call created it: it is shown once,
 * and only its hash is kept.
 */
export async function ensureAdminToken(runtime: Runtime): Promise<string | undefined> {
  const token = `sca_${randomId(40)}`;
  const hash = createHash("sha256").update(token).digest("hex");
  const inserted = await runtime.db.orm
    .insert(settings)
    .values({ name: ADMIN_SETTING, value: hash })
    .onConflictDoNothing()
    .returning();
  return inserted.length > 0 ? token : undefined;
}
