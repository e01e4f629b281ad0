/**
 * Regenerates schemas.json from @kubernetes/client-node's generated models.
 * Run: `npx tsx apps/api/src/kube/openapi/generate.ts` (after upgrading client-node).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSchemaFile, serializeSchemaFile } from "./build-schema-file.ts";

const file = await buildSchemaFile();
const target = fileURLToPath(new URL("./schemas.json", import.meta.url));
writeFileSync(target, serializeSchemaFile(file));
// Format as `biome check --write` would, so the formatter never rewrites a freshly generated file.
execFileSync("npx", ["biome", "format", "--write", target], { stdio: "ignore" });
console.log(`wrote ${Object.keys(file.schemas).length} definitions from ${file.source}`);
