import type { Principal } from "../auth/tokens.ts";
import type { Runtime } from "../platform/runtime.ts";

/** Tenant-scoped verbs take this: every query they run is filtered by `principal.tenantId`. */
export interface TenantContext {
  runtime: Runtime;
  principal: Principal;
}
