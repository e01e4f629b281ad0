/**
 * Decoding a JSON body into the kind's Go struct, as kube-apiserver does for creates, updates and
 * JSON / merge patch results (sigs.k8s.io/json, a fork of encoding/json: decode.go): which value of
 * the wrong type it refuses first, and with which words:
 *
 *   json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
 *
 * A type mismatch is remembered and decoding goes on (the first one in document order is reported);
 * an error from a type's own UnmarshalJSON (IntOrString, Quantity, Time) stops decoding and wins.
 * Error context is the struct holding the field and the JSON names of the struct fields from the root
 * (map keys and list indexes are not part of it).
 *
 * JSON null decodes to the zero value, so successful checks also rewrite the value as Go would
 * re-encode it: a null struct field disappears (every optional field is `omitempty`), a null map value
 * or list item becomes its type's zero value.
 */

import { decodeGoBase64 } from "../registry/core/base64.ts";
import { parseQuantity, QUANTITY_FORMAT_ERROR } from "../validation/quantity.ts";
import { goTimeParseError, RFC3339, RFC3339_MICRO } from "./go-time.ts";
import { type GoType, isJsonObject, jsonKindOf } from "./go-types.ts";

/** The struct holding the field being decoded and the struct-field path from the root. */
interface ErrorContext {
  readonly structName: string;
  readonly fields: readonly string[];
}

class StopDecoding {
  constructor(readonly message: string) {}
}

interface DecodeState {
  saved: string | undefined;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64 = { min: -(2 ** 63), max: 2 ** 63 };

/** The literal encoding/json quotes in "number 1.5" (the client's text is gone; this is JSON's). */
function numberLiteral(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63 ? BigInt(n).toString() : JSON.stringify(n);
}

/** UnmarshalTypeError.Error(). */
function unmarshalTypeError(value: string, goName: string, context: ErrorContext | undefined): string {
  if (!context) return `json: cannot unmarshal ${value} into Go value of type ${goName}`;
  return `json: cannot unmarshal ${value} into Go struct field ${context.structName}.${context.fields.join(".")} of type ${goName}`;
}

function fitsInteger(n: number, range: { min: number; max: number }): boolean {
  return Number.isInteger(n) && n >= range.min && n <= range.max;
}

/**
 * What a custom UnmarshalJSON answers for a value, or undefined when it takes it. These unmarshalers
 * call the standard library's json.Unmarshal, whose errors carry no struct context.
 */
export function customDecodeError(type: GoType, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type.kind) {
    case "int-or-string":
      if (typeof value === "string") return undefined;
      if (typeof value === "number") {
        return fitsInteger(value, INT32)
          ? undefined
          : unmarshalTypeError(`number ${numberLiteral(value)}`, "int32", undefined);
      }
      return unmarshalTypeError(jsonKindOf(value), "int32", undefined);
    case "quantity":
      return parseQuantity(value) ? undefined : QUANTITY_FORMAT_ERROR;
    case "time":
    case "micro-time":
      if (typeof value !== "string") return unmarshalTypeError(jsonKindOf(value), "string", undefined);
      return goTimeParseError(type.kind === "time" ? RFC3339 : RFC3339_MICRO, value);
    default:
      return undefined;
  }
}

/** The value a JSON null decodes to inside a map or a list, re-encoded. */
export function zeroValue(type: GoType): unknown {
  switch (type.kind) {
    case "string":
    case "bytes":
      return "";
    case "int32":
    case "int64":
    case "float64":
    case "int-or-string":
      return 0;
    case "bool":
      return false;
    case "quantity":
      return "0";
    case "struct":
      return {};
    default:
      // Nil maps, slices, times and raw values encode as null.
      return null;
  }
}

function decode(
  type: GoType,
  value: unknown,
  context: ErrorContext | undefined,
  state: DecodeState,
): unknown {
  const mismatch = () => {
    state.saved ??= unmarshalTypeError(jsonKindOf(value), type.goName, context);
    return value;
  };
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "struct": {
      if (!isJsonObject(value)) return mismatch();
      for (const [key, child] of Object.entries(value)) {
        const field = type.fields.get(key);
        if (!field) continue;
        if (child === null) {
          delete value[key];
          continue;
        }
        const fields = context ? [...context.fields, key] : [key];
        value[key] = decode(field, child, { structName: type.structName, fields }, state);
      }
      return value;
    }
    case "map": {
      if (!isJsonObject(value)) return mismatch();
      for (const [key, child] of Object.entries(value)) {
        value[key] = child === null ? zeroValue(type.values) : decode(type.values, child, context, state);
      }
      return value;
    }
    case "slice": {
      if (!Array.isArray(value)) return mismatch();
      return value.map((item) =>
        item === null ? zeroValue(type.items) : decode(type.items, item, context, state),
      );
    }
    case "bytes":
      return decodeBytes(value, context, state) ?? mismatch();
    case "string":
      return typeof value === "string" ? value : mismatch();
    case "bool":
      return typeof value === "boolean" ? value : mismatch();
    case "float64":
      return typeof value === "number" ? value : mismatch();
    case "int32":
    case "int64":
      if (typeof value !== "number") return mismatch();
      if (!fitsInteger(value, type.kind === "int32" ? INT32 : INT64)) {
        state.saved ??= unmarshalTypeError(`number ${numberLiteral(value)}`, type.kind, context);
      }
      return value;
    default: {
      const error = customDecodeError(type, value);
      if (error !== undefined) throw new StopDecoding(error);
      return value;
    }
  }
}

/** []byte: a base64 string (Go's own decoder error is kept as it is) or, rarely, a list of byte values. */
function decodeBytes(value: unknown, context: ErrorContext | undefined, state: DecodeState): unknown {
  if (typeof value === "string") {
    const decoded = decodeGoBase64(value);
    if (!decoded.ok) state.saved ??= decoded.error;
    return value;
  }
  if (!Array.isArray(value)) return undefined;
  for (const item of value) {
    if (typeof item !== "number") {
      state.saved ??= unmarshalTypeError(jsonKindOf(item), "uint8", context);
    } else if (!fitsInteger(item, { min: 0, max: 255 })) {
      state.saved ??= unmarshalTypeError(`number ${numberLiteral(item)}`, "uint8", context);
    }
  }
  return state.saved === undefined ? Buffer.from(value as number[]).toString("base64") : value;
}

/**
 * The error kube-apiserver's JSON decoder reports for `value` decoded into `type`, or undefined when
 * it decodes. On success `value` has been rewritten in place as Go would re-encode it (nulls).
 */
export function jsonDecodeError(type: GoType, value: unknown): string | undefined {
  const state: DecodeState = { saved: undefined };
  try {
    decode(type, value, undefined, state);
  } catch (err) {
    if (err instanceof StopDecoding) return err.message;
    throw err;
  }
  return state.saved;
}
