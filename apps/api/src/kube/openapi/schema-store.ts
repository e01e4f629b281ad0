/**
 * The committed definitions (schemas.json), read once on first use: most processes that import this
 * module never serve OpenAPI, and the file is half a megabyte of JSON.
 */
import { readFileSync } from "node:fs";
import type { GroupVersionKind, Schema, SchemaFile } from "./schema-types.ts";
import { refName } from "./schema-types.ts";

let loaded: ReadonlyMap<string, Schema> | undefined;

function isSchemaFile(value: unknown): value is SchemaFile {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record["source"] === "string" &&
    typeof record["schemas"] === "object" &&
    record["schemas"] !== null
  );
}

/** Every definition by upstream name, e.g. `io.k8s.api.apps.v1.Deployment`. */
export function definitions(): ReadonlyMap<string, Schema> {
  if (!loaded) {
    const parsed: unknown = JSON.parse(readFileSync(new URL("./schemas.json", import.meta.url), "utf8"));
    if (!isSchemaFile(parsed)) throw new Error("kube/openapi/schemas.json is malformed; rerun generate.ts");
    loaded = new Map(Object.entries(parsed.schemas));
  }
  return loaded;
}

let kindIndex: ReadonlyMap<string, string> | undefined;

function kindKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

/** Upstream name of the definition carrying this group-version-kind, if any. */
export function definitionNameForKind(gvk: GroupVersionKind): string | undefined {
  if (!kindIndex) {
    const index = new Map<string, string>();
    for (const [name, schema] of definitions()) {
      for (const kind of schema["x-kubernetes-group-version-kind"] ?? []) index.set(kindKey(kind), name);
    }
    kindIndex = index;
  }
  return kindIndex.get(kindKey(gvk));
}

function collectRefs(schema: Schema, into: string[]): void {
  const name = refName(schema);
  if (name !== undefined) into.push(name);
  for (const sub of [...(schema.allOf ?? []), ...(schema.oneOf ?? [])]) collectRefs(sub, into);
  for (const sub of Object.values(schema.properties ?? {})) collectRefs(sub, into);
  if (schema.items) collectRefs(schema.items, into);
  if (schema.additionalProperties) collectRefs(schema.additionalProperties, into);
}

/** The named definitions and every definition they reference, transitively, sorted by name. */
export function definitionClosure(names: Iterable<string>): Record<string, Schema> {
  const all = definitions();
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const schema = all.get(name);
    if (!schema) throw new Error(`no OpenAPI definition ${name}`);
    seen.add(name);
    const refs: string[] = [];
    collectRefs(schema, refs);
    queue.push(...refs);
  }
  const sorted = [...seen].sort();
  return Object.fromEntries(sorted.map((name) => [name, all.get(name)!]));
}
