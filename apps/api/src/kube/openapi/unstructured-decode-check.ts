/**
 * Converting a strategic-merge-patched object (a decoded `map[string]interface{}`) into the kind's Go
 * struct, as kube-apiserver does with runtime.DefaultUnstructuredConverter.FromUnstructured
 * (apimachinery pkg/runtime/converter.go). Unlike the JSON decoder it stops at the first problem and
 * words it from Go's reflection: `cannot convert int64 to string`, `unrecognized type: int32`,
 * `cannot restore struct from: string`. Types with their own UnmarshalJSON are handed the value
 * re-encoded as JSON, so they answer as they do when decoding JSON.
 *
 * Struct fields are visited in schema order (Go visits them in declaration order; it only matters when
 * a patch has several mistakes). Nulls are rewritten as in json-decode-check.ts.
 */
import { decodeGoBase64 } from "../registry/core/base64.ts";
import { type GoType, isJsonObject } from "./go-types.ts";
import { customDecodeError, zeroValue } from "./json-decode-check.ts";

class ConversionError {
  constructor(readonly message: string) {}
}

/** reflect.Kind of a decoded JSON value (integral numbers are int64: apimachinery preserves ints). */
function reflectKind(value: unknown): "string" | "int64" | "float64" | "bool" | "map" | "slice" {
  if (Array.isArray(value)) return "slice";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int64" : "float64";
  return "map";
}

function fail(message: string): never {
  throw new ConversionError(message);
}

/** fromUnstructured's simple-type branch: assignable, or convertible within JSON's four groups. */
function convertScalar(type: GoType, value: unknown): void {
  const from = reflectKind(value);
  switch (type.kind) {
    case "string":
      if (from === "string") return;
      // Go can convert an integer to a string (a rune), so this one gets its own message.
      if (from === "int64") fail(`cannot convert int64 to ${type.goName}`);
      break;
    case "bool":
      if (from === "bool") return;
      break;
    case "float64":
      if (from === "int64" || from === "float64") return;
      break;
    case "int32":
    case "int64":
      if (from === "int64") return;
      if (from === "float64") fail(`cannot convert float64 to ${type.goName}`);
      break;
  }
  fail(`unrecognized type: ${type.kind}`);
}

function convert(type: GoType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "string":
    case "bool":
    case "float64":
    case "int32":
    case "int64":
      convertScalar(type, value);
      return value;
    case "struct":
      if (!isJsonObject(value)) fail(`cannot restore struct from: ${reflectKind(value)}`);
      for (const [key, field] of type.fields) {
        if (!(key in value)) continue;
        if (value[key] === null) delete value[key];
        else value[key] = convert(field, value[key]);
      }
      return value;
    case "map":
      if (!isJsonObject(value)) fail(`cannot restore map from ${reflectKind(value)}`);
      for (const [key, child] of Object.entries(value)) {
        value[key] = child === null ? zeroValue(type.values) : convert(type.values, child);
      }
      return value;
    case "slice":
      if (!Array.isArray(value)) fail(`cannot restore slice from ${reflectKind(value)}`);
      return value.map((item) => (item === null ? zeroValue(type.items) : convert(type.items, item)));
    case "bytes":
      return convertBytes(value);
    default: {
      const error = customDecodeError(type, value);
      if (error !== undefined) fail(error);
      return value;
    }
  }
}

/** A string is base64 (decoded by a json round trip); a list is converted item by item into uint8. */
function convertBytes(value: unknown): unknown {
  if (typeof value === "string") {
    const decoded = decodeGoBase64(value);
    if (value !== "" && !decoded.ok) fail(`error decoding from json: ${decoded.error}`);
    return value;
  }
  if (!Array.isArray(value)) fail(`cannot restore slice from ${reflectKind(value)}`);
  for (const item of value) {
    const kind = reflectKind(item);
    if (kind === "float64") fail("cannot convert float64 to uint8");
    if (kind !== "int64") fail("unrecognized type: uint8");
  }
  return Buffer.from(value as number[]).toString("base64");
}

/**
 * The error FromUnstructured reports for `value` converted into `type`, or undefined when it converts.
 * On success `value` has been rewritten in place as Go would re-encode it (nulls).
 */
export function unstructuredDecodeError(type: GoType, value: unknown): string | undefined {
  try {
    convert(type, value);
    return undefined;
  } catch (err) {
    if (err instanceof ConversionError) return err.message;
    throw err;
  }
}
