export * from "./api-tokens.ts";
export * from "./clusters.ts";
export * from "./objects.ts";
export * from "./platform-events.ts";
export * from "./settings.ts";
export * from "./signing-keys.ts";
export * from "./tenants.ts";
