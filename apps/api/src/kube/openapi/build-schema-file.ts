/**
 * Builds the committed `schemas.json` from @kubernetes/client-node: every definition reachable from a
 * served kind, named and shaped as kube-apiserver publishes it. Used by generate.ts and its test.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Model, modelsDirectory, modelsSpecVersion, readModels } from "./client-node-models.ts";
import { modelSchema, QUANTITY_FIELDS } from "./model-schemas.ts";
import type { GroupVersionKind, Schema, SchemaFile } from "./schema-types.ts";
import { SERVED_RESOURCES, SUBRESOURCE_KINDS } from "./served-resources.ts";
import { SPECIAL_SCHEMAS } from "./special-schemas.ts";
import { assignUpstreamNames, type RootClass } from "./upstream-names.ts";

// Client-node spells a group-qualified class `CoreV1Event`; most are plain `V1Deployment`.
const CLASS_GROUP_PREFIX: Readonly<Record<string, string>> = {
  "": "Core",
  "events.k8s.io": "Events",
  "discovery.k8s.io": "Discovery",
  "rbac.authorization.k8s.io": "Rbac",
};

function classFor(models: ReadonlyMap<string, Model>, group: string, version: string, kind: string): string {
  const v = version.charAt(0).toUpperCase() + version.slice(1);
  const prefix = CLASS_GROUP_PREFIX[group];
  const candidates = [...(prefix === undefined ? [] : [`${prefix}${v}${kind}`]), `${v}${kind}`];
  const found = candidates.find((candidate) => models.has(candidate));
  if (found === undefined) throw new Error(`client-node has no model for ${group}/${version} ${kind}`);
  return found;
}

interface Root extends RootClass {
  kind: string;
}

function rootsOf(models: ReadonlyMap<string, Model>): Root[] {
  const roots: Root[] = [];
  const add = (group: string, version: string, kind: string): void => {
    if (roots.some((r) => r.group === group && r.version === version && r.kind === kind)) return;
    roots.push({ className: classFor(models, group, version, kind), group, version, kind });
  };
  for (const served of SERVED_RESOURCES) {
    if (served.group === "metrics.k8s.io") continue; // not in client-node: see special-schemas.ts
    add(served.group, served.version, served.kind);
    if (served.listSchema !== undefined) add(served.group, served.version, `${served.kind}List`);
  }
  for (const sub of Object.values(SUBRESOURCE_KINDS)) add(sub.group, sub.version, sub.kind);
  return roots;
}

function sortedObject<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every definition reachable from the served kinds, by upstream name. */
export async function buildSchemaFile(): Promise<SchemaFile> {
  const models = await readModels();
  for (const field of QUANTITY_FIELDS) {
    const [className, jsonName] = field.split(".");
    const model = className === undefined ? undefined : models.get(className);
    if (!model?.fields.some((f) => f.jsonName === jsonName)) throw new Error(`QUANTITY_FIELDS: no ${field}`);
  }
  const roots = rootsOf(models);
  const names = assignUpstreamNames(models, roots);
  const schemas = new Map<string, Schema>(Object.entries(SPECIAL_SCHEMAS));
  for (const [className, name] of names) {
    const model = models.get(className);
    if (!model) throw new Error(`client-node has no model ${className}`);
    const root = roots.find((r) => r.className === className);
    const gvk: GroupVersionKind | undefined = root && {
      group: root.group,
      kind: root.kind,
      version: root.version,
    };
    if (schemas.has(name)) throw new Error(`two client-node classes map to ${name}`);
    schemas.set(name, modelSchema(model, names, models, gvk));
  }
  const version = (
    JSON.parse(readFileSync(join(modelsDirectory(), "../../../package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  return {
    source: `@kubernetes/client-node ${version} (OpenAPI ${modelsSpecVersion()})`,
    schemas: sortedObject(schemas),
  };
}

/** Pretty-printed; generate.ts then lets biome settle the layout the repository's formatter keeps. */
export function serializeSchemaFile(file: SchemaFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
