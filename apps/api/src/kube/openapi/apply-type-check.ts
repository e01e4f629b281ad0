/**
 * Server-side apply's view of an applied configuration's types: structured-merge-diff validates it
 * against the kind's schema before merging (typed/validate.go, v4.4.2) and reports every problem, each
 * on its field path (`.spec.template.spec.containers[name="web"].image`):
 *
 *   .spec.replicas: expected numeric (int or float), got string
 *   .data.a: expected string, got &value.valueUnstructured{Value:1}
 *   .spec.foo: field not declared in schema
 *
 * Its scalars are coarser than Go's: integers and floats are both "numeric"; IntOrString, Quantity and
 * times are "untyped" (any scalar). Keyed lists name their items by key, sets by value.
 */
import type { FieldSchema as PatchField, TypeSchema as PatchType } from "../patch/index.ts";
import { type GoType, isJsonObject } from "./go-types.ts";
import { goSprintSharpV, goSprintV } from "./go-value-format.ts";

/** `%T` of a decoded value, as "expected numeric" prints it. */
function goTypeOf(value: unknown): string {
  if (Array.isArray(value)) return "[]interface {}";
  if (isJsonObject(value)) return "map[string]interface {}";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  return typeof value === "boolean" ? "bool" : "string";
}

/** `%v` and `%#v` of SMD's value wrapper (a *valueUnstructured). */
const wrappedV = (value: unknown) => `&{${goSprintV(value)}}`;
const wrappedSharpV = (value: unknown) => `&value.valueUnstructured{Value:${goSprintSharpV(value)}}`;

function isScalar(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** value.ToString of a key or set value: JSON for scalars. */
function keyValue(value: unknown): string {
  return JSON.stringify(value);
}

/** The path element naming a list item: `[name="web"]`, `[=value]` or `[0]`; undefined when a key is missing. */
function itemElement(list: PatchField["list"], item: unknown, index: number): string | undefined {
  if (list?.ssa === "set") return `[=${keyValue(item)}]`;
  if (list?.ssa !== "map") return `[${index}]`;
  if (!isJsonObject(item)) return undefined;
  const names = [...(list.keys ?? (list.mergeKey ? [list.mergeKey] : []))].sort();
  const parts: string[] = [];
  for (const name of names) {
    const value = item[name] ?? list.keyDefaults?.[name];
    // An item without its key is reported by the apply itself ("omits key field").
    if (value === undefined || value === null) return undefined;
    parts.push(`${name}=${keyValue(value)}`);
  }
  return `[${parts.join(",")}]`;
}

function visit(
  type: GoType,
  value: unknown,
  patch: PatchField | undefined,
  path: string,
  errors: string[],
): void {
  if (value === null || value === undefined) return;
  const at = (message: string) => errors.push(path === "" ? message : `${path}: ${message}`);
  switch (type.kind) {
    case "struct":
    case "map": {
      if (!isJsonObject(value)) return void at(`expected map, got ${wrappedV(value)}`);
      const fields: PatchType | undefined = patch?.type;
      for (const [key, child] of Object.entries(value)) {
        const field = type.kind === "map" ? type.values : type.fields.get(key);
        if (!field) {
          // visitMapItems stops at the first undeclared field of a map.
          errors.push(`${path}.${key}: field not declared in schema`);
          return;
        }
        visit(field, child, fields?.fields[key], `${path}.${key}`, errors);
      }
      return;
    }
    case "slice": {
      if (!Array.isArray(value)) return void at(`expected list, got ${wrappedV(value)}`);
      const list = patch?.list;
      const itemPatch: PatchField | undefined = list?.item ? { type: list.item } : undefined;
      value.forEach((item, index) => {
        const element = itemElement(list, item, index);
        if (element !== undefined) visit(type.items, item, itemPatch, `${path}${element}`, errors);
      });
      return;
    }
    case "string":
    case "bytes":
      if (typeof value !== "string") at(`expected string, got ${wrappedSharpV(value)}`);
      return;
    case "int32":
    case "int64":
    case "float64":
      if (typeof value !== "number") at(`expected numeric (int or float), got ${goTypeOf(value)}`);
      return;
    case "bool":
      if (typeof value !== "boolean") at(`expected boolean, got ${wrappedV(value)}`);
      return;
    case "free-form":
      return;
    default:
      if (!isScalar(value)) at(`expected any scalar, got ${wrappedV(value)}`);
  }
}

/**
 * Every problem structured-merge-diff finds in an applied configuration, as ValidationErrors.Error()
 * joins them (one bare, several under "errors:"), or undefined when it fits the schema. `patch` is the
 * kind's list-key schema (patch/merge-keys.ts), used to name list items.
 */
export function appliedConfigurationError(
  type: GoType,
  applied: unknown,
  patch: PatchType | undefined,
): string | undefined {
  const errors: string[] = [];
  visit(type, applied, patch ? { type: patch } : undefined, "", errors);
  if (errors.length === 0) return undefined;
  if (errors.length === 1) return errors[0];
  return ["errors:", ...errors.map((e) => `  ${e}`)].join("\n");
}
