/**
 * The Go types behind the published schemas, as far as decoding needs them: which JSON value each
 * field accepts and what Go calls its type in decoding errors (`int32`, `[]v1.Container`,
 * `map[string]string`, `v1.PodTemplateSpec`). kube-apiserver decodes request bodies into the structs of
 * k8s.io/api; the OpenAPI definitions are generated from those structs, so the struct name is the last
 * segment of the definition name and the package the one before it (`io.k8s.api.apps.v1.DeploymentSpec`
 * is `v1.DeploymentSpec`).
 *
 * Known approximation: named scalar and map types (`v1.Protocol`, `v1.ResourceList`) are published as
 * plain `string` / `object` and are named here by their underlying type.
 */
import { definitionNameForKind, definitions } from "./schema-store.ts";
import { refName, type Schema } from "./schema-types.ts";
import {
  FIELDS_V1,
  INT_OR_STRING,
  MICRO_TIME,
  PATCH,
  QUANTITY,
  RAW_EXTENSION,
  TIME,
} from "./special-schemas.ts";

/** Scalars decoded by encoding/json itself. */
export type GoScalarKind = "string" | "int32" | "int64" | "float64" | "bool";

/**
 * Types with their own UnmarshalJSON in apimachinery: intstr.IntOrString, resource.Quantity,
 * metav1.Time / MicroTime (RFC 3339 strings) and the free-form ones (runtime.RawExtension,
 * metav1.FieldsV1, metav1.Patch), which take any JSON value.
 */
export type GoCustomKind = "int-or-string" | "quantity" | "time" | "micro-time" | "free-form";

/** A Go type as decoding sees it (pointers are transparent: `*int32` decodes like `int32`). */
export type GoType =
  | {
      readonly kind: "struct";
      /** The struct's own name, as errors name the struct holding a field: `DeploymentSpec`. */
      readonly structName: string;
      readonly goName: string;
      /** Fields by JSON name, in schema order. */
      readonly fields: ReadonlyMap<string, GoType>;
    }
  | { readonly kind: "map"; readonly goName: string; readonly values: GoType }
  | { readonly kind: "slice"; readonly goName: string; readonly items: GoType }
  | { readonly kind: "bytes"; readonly goName: "[]uint8" }
  | { readonly kind: GoScalarKind; readonly goName: GoScalarKind }
  | { readonly kind: GoCustomKind; readonly goName: string };

const CUSTOM: Readonly<Record<string, GoType>> = {
  [INT_OR_STRING]: { kind: "int-or-string", goName: "intstr.IntOrString" },
  [QUANTITY]: { kind: "quantity", goName: "resource.Quantity" },
  [TIME]: { kind: "time", goName: "v1.Time" },
  [MICRO_TIME]: { kind: "micro-time", goName: "v1.MicroTime" },
  [RAW_EXTENSION]: { kind: "free-form", goName: "runtime.RawExtension" },
  [FIELDS_V1]: { kind: "free-form", goName: "v1.FieldsV1" },
  [PATCH]: { kind: "free-form", goName: "v1.Patch" },
};

const FREE_FORM: GoType = { kind: "free-form", goName: "interface {}" };

const named = new Map<string, GoType>();

function scalar(kind: GoScalarKind): GoType {
  return { kind, goName: kind };
}

function inline(schema: Schema): GoType {
  const name = refName(schema) ?? (schema.allOf?.length === 1 ? refName(schema.allOf[0]!) : undefined);
  if (name !== undefined) return resolveNamed(name);
  switch (schema.type) {
    case "array": {
      const items = schema.items ? inline(schema.items) : FREE_FORM;
      return { kind: "slice", goName: `[]${items.goName}`, items };
    }
    case "object": {
      if (!schema.additionalProperties) return FREE_FORM;
      const values = inline(schema.additionalProperties);
      return { kind: "map", goName: `map[string]${values.goName}`, values };
    }
    case "string":
      return schema.format === "byte" ? { kind: "bytes", goName: "[]uint8" } : scalar("string");
    case "integer":
      return scalar(schema.format === "int32" ? "int32" : "int64");
    case "number":
      return scalar("float64");
    case "boolean":
      return scalar("bool");
    default:
      return FREE_FORM;
  }
}

// Structs are registered before their fields resolve, so self-referencing types close their cycle.
function resolveNamed(name: string): GoType {
  const cached = named.get(name);
  if (cached) return cached;
  const custom = CUSTOM[name];
  if (custom) return custom;
  const schema = definitions().get(name);
  if (!schema) throw new Error(`no OpenAPI definition ${name}`);
  if (!schema.properties) {
    const leaf = inline(schema);
    named.set(name, leaf);
    return leaf;
  }
  const segments = name.split(".");
  const structName = segments.at(-1) ?? name;
  const pkg = segments.at(-2) ?? "";
  const fields = new Map<string, GoType>();
  const struct: GoType = { kind: "struct", structName, goName: `${pkg}.${structName}`, fields };
  named.set(name, struct);
  for (const [key, value] of Object.entries(schema.properties)) fields.set(key, inline(value));
  return struct;
}

/** The Go type of a served kind (`apps`, `v1`, `Deployment`), or undefined for a kind not published. */
export function goTypeForKind(group: string, version: string, kind: string): GoType | undefined {
  const name = definitionNameForKind({ group, version, kind });
  return name === undefined ? undefined : resolveNamed(name);
}

/** The JSON type names encoding/json uses in UnmarshalTypeError: `string`, `number`, `bool`, `object`, `array`. */
export function jsonKindOf(value: unknown): "string" | "number" | "bool" | "object" | "array" | "null" {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
    case "bigint":
      return "number";
    case "boolean":
      return "bool";
    default:
      return "object";
  }
}

/** A JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
