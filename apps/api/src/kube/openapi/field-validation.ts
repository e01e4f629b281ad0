/**
 * Strict field validation from the published schemas: which fields of a request body the Go types
 * would not accept. Paths and messages follow sigs.k8s.io/json's strict decoder as kube-apiserver
 * uses it (internal/golang/encoding/json/kubernetes_patch.go): keys joined by ".", list indexes as
 * "[i]", map keys like fields, at most 100 errors, `unknown field "spec.template.spec.containers[0].imagee"`.
 */
import { definitionNameForKind, definitions } from "./schema-store.ts";
import { refName, type Schema } from "./schema-types.ts";

/**
 * A schema with references resolved. `opaque` stands for values decoded by custom unmarshalers
 * (IntOrString, Quantity, Time, RawExtension, FieldsV1) and scalars: no fields inside are checked.
 */
export type FieldSchema =
  | { type: "object"; description?: string; properties: ReadonlyMap<string, FieldSchema> }
  | { type: "map"; description?: string; values: FieldSchema }
  | { type: "array"; description?: string; items: FieldSchema }
  | { type: "opaque"; description?: string; schema: Schema };

const resolved = new Map<string, FieldSchema>();

function resolve(schema: Schema): FieldSchema {
  const name = refName(schema) ?? (schema.allOf?.length === 1 ? refName(schema.allOf[0]!) : undefined);
  if (name !== undefined) return resolveNamed(name);
  const description = schema.description === undefined ? {} : { description: schema.description };
  if (schema.items) return { type: "array", ...description, items: resolve(schema.items) };
  if (schema.additionalProperties)
    return { type: "map", ...description, values: resolve(schema.additionalProperties) };
  if (schema.properties) {
    const properties = new Map<string, FieldSchema>();
    for (const [key, value] of Object.entries(schema.properties)) properties.set(key, resolve(value));
    return { type: "object", ...description, properties };
  }
  return { type: "opaque", ...description, schema };
}

// Named definitions are resolved once and shared, which also lets recursive types close their cycle.
function resolveNamed(name: string): FieldSchema {
  const cached = resolved.get(name);
  if (cached) return cached;
  const schema = definitions().get(name);
  if (!schema) throw new Error(`no OpenAPI definition ${name}`);
  if (!schema.properties) {
    const leaf = resolve(schema);
    resolved.set(name, leaf);
    return leaf;
  }
  const properties = new Map<string, FieldSchema>();
  const node: FieldSchema =
    schema.description === undefined
      ? { type: "object", properties }
      : { type: "object", description: schema.description, properties };
  resolved.set(name, node);
  for (const [key, value] of Object.entries(schema.properties)) properties.set(key, resolve(value));
  return node;
}

/** The resolved schema of a served kind (e.g. `apps`, `v1`, `Deployment`), or undefined if not served. */
export function schemaForKind(group: string, version: string, kind: string): FieldSchema | undefined {
  const name = definitionNameForKind({ group, version, kind });
  return name === undefined ? undefined : resolveNamed(name);
}

// sigs.k8s.io/json stops collecting strict errors at 100.
const MAX_ERRORS = 100;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function walk(schema: FieldSchema, value: unknown, path: string, found: string[]): void {
  if (found.length >= MAX_ERRORS) return;
  switch (schema.type) {
    case "object":
      if (!isPlainObject(value)) return;
      for (const [key, child] of Object.entries(value)) {
        const property = schema.properties.get(key);
        if (property === undefined) {
          if (found.length < MAX_ERRORS) found.push(join(path, key));
        } else {
          walk(property, child, join(path, key), found);
        }
      }
      return;
    case "map":
      if (!isPlainObject(value)) return;
      for (const [key, child] of Object.entries(value)) walk(schema.values, child, join(path, key), found);
      return;
    case "array":
      if (!Array.isArray(value)) return;
      for (const [index, item] of value.entries()) walk(schema.items, item, `${path}[${index}]`, found);
      return;
    case "opaque":
      return;
  }
}

/**
 * Dotted paths of the fields in `obj` that the kind's Go type does not declare, in document order,
 * e.g. `["spec.foo", "spec.template.spec.containers[0].imagee"]`. Empty for a kind not served.
 */
export function unknownFields(group: string, version: string, kind: string, obj: unknown): string[] {
  const schema = schemaForKind(group, version, kind);
  if (!schema) return [];
  const found: string[] = [];
  walk(schema, obj, "", found);
  return found;
}

/** One strict-decoding error per path, as kube-apiserver words them: `unknown field "spec.foo"`. */
export function unknownFieldMessages(paths: readonly string[]): string[] {
  return paths.map((path) => `unknown field ${JSON.stringify(path)}`);
}

/**
 * The BadRequest message for fieldValidation=Strict, e.g. `Deployment in version "v1" cannot be
 * handled as a Deployment: strict decoding error: unknown field "spec.foo"` (apimachinery
 * runtime.strictDecodingError joined by ", ", wrapped by the apiserver's decode error).
 */
export function strictDecodingMessage(kind: string, version: string, paths: readonly string[]): string {
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: strict decoding error: ${unknownFieldMessages(paths).join(", ")}`;
}
