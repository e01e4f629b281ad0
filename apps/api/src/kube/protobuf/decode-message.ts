import { MalformedProtobufError } from "./errors.ts";
import { formatGoDuration, formatMicroTime, formatTime } from "./go-json-format.ts";
import type { FieldSchema } from "./schema.ts";
import { messageSchema, specialMessage } from "./schema.ts";
import type { SpecialMessage } from "./schema-types.ts";
import type { WireField } from "./wire-reader.ts";
import { readFields, readPackedVarints, WIRE_LEN, WIRE_VARINT } from "./wire-reader.ts";

/** A decoded object: the JSON Go's encoding/json would print for the struct kube-apiserver decoded. */
export type JsonObject = Record<string, unknown>;

/** Kubernetes objects nest about ten deep (CronJob → … → LabelSelector); this only stops abuse. */
const MAX_DEPTH = 100;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder("utf-8");

/**
 * Decodes one message by its schema. What appears, and how, follows Go: kube-apiserver unmarshals
 * into Go structs, and the JSON form of a struct is what encoding/json makes of it. gogo writes every
 * non-pointer field even when empty, so "present on the wire" is not "set": a zero value of a
 * non-pointer omitempty field is dropped, a pointer that is present is kept even when zero, and
 * non-pointer structs always appear (`"resources": {}`), exactly as `kubectl create --dry-run=client
 * -o json` prints the same object.
 */
export function decodeMessage(id: string, bytes: Uint8Array, depth = 0): JsonObject {
  if (depth > MAX_DEPTH) throw new MalformedProtobufError("proto: message nested too deeply");
  const schema = messageSchema(id);
  const seen = new Map<number, WireField[]>();
  for (const field of readFields(bytes)) {
    if (!schema.byNumber.has(field.number)) continue; // unknown fields are skipped, as gogo does
    const list = seen.get(field.number);
    if (list) list.push(field);
    else seen.set(field.number, [field]);
  }
  const out: JsonObject = {};
  for (const field of schema.fields) {
    const occurrences = seen.get(field.number) ?? [];
    const result = fieldJson(field, occurrences, depth);
    if (result === OMIT) continue;
    if (field.inline) Object.assign(out, result as JsonObject);
    else out[field.jsonName] = result;
  }
  return out;
}

const OMIT = Symbol("omit");

function fieldJson(field: FieldSchema, occurrences: WireField[], depth: number): unknown {
  const nilable = field.repeated || field.mapKey !== undefined || field.pointer || field.type === "bytes";
  if (occurrences.length === 0 && nilable) return field.omitEmpty ? OMIT : null;

  if (field.mapKey !== undefined) return mapJson(field, occurrences, depth);

  if (field.repeated) {
    const values = repeatedJson(field, occurrences, depth);
    return values.length === 0 && field.omitEmpty ? OMIT : values;
  }

  if (isScalar(field.type)) {
    const last = occurrences.at(-1);
    const value = last ? scalarJson(field, last) : zeroScalar(field.type);
    if (field.pointer) return value;
    return (field.omitEmpty || field.omitZero) && isZeroScalar(value) ? OMIT : value;
  }

  // Repeated occurrences of a singular message merge, which for protobuf is concatenation.
  const value = messageJson(field.type, concatPayloads(field, occurrences), depth);
  return field.omitZero && value === null ? OMIT : value;
}

function mapJson(field: FieldSchema, occurrences: WireField[], depth: number): unknown {
  const entries = new Map<string, unknown>();
  for (const occurrence of occurrences) {
    requireWireType(field, occurrence, WIRE_LEN);
    let key = "";
    let valueBytes: Uint8Array | undefined;
    let valueField: WireField | undefined;
    for (const part of readFields(occurrence.bytes)) {
      if (part.number === 1) {
        requireWireType(field, part, WIRE_LEN);
        key = utf8.decode(part.bytes);
      } else if (part.number === 2) {
        valueField = part;
        valueBytes = part.bytes;
      }
    }
    if (isScalar(field.type)) {
      entries.set(key, valueField ? scalarJson(field, valueField) : zeroScalar(field.type));
    } else {
      if (valueField) requireWireType(field, valueField, WIRE_LEN);
      entries.set(key, messageJson(field.type, valueBytes ?? EMPTY, depth));
    }
  }
  // encoding/json writes map keys sorted.
  const out: JsonObject = {};
  for (const key of [...entries.keys()].sort()) out[key] = entries.get(key);
  return out;
}

function repeatedJson(field: FieldSchema, occurrences: WireField[], depth: number): unknown[] {
  const values: unknown[] = [];
  for (const occurrence of occurrences) {
    if (!isScalar(field.type)) {
      requireWireType(field, occurrence, WIRE_LEN);
      values.push(messageJson(field.type, occurrence.bytes, depth));
    } else if (isVarintType(field.type) && occurrence.wireType === WIRE_LEN) {
      for (const v of readPackedVarints(occurrence.bytes)) values.push(varintJson(field.type, v));
    } else {
      values.push(scalarJson(field, occurrence));
    }
  }
  return values;
}

function messageJson(type: string, bytes: Uint8Array, depth: number): unknown {
  const special = specialMessage(type);
  return special ? specialJson(special, bytes) : decodeMessage(type, bytes, depth + 1);
}

/** Types with a custom MarshalJSON upstream; comments name the apimachinery source. */
function specialJson(kind: SpecialMessage, bytes: Uint8Array): unknown {
  const fields = readFields(bytes);
  const varint = (n: number): bigint | undefined => lastOf(fields, n, WIRE_VARINT)?.varint;
  const payload = (n: number): Uint8Array | undefined => lastOf(fields, n, WIRE_LEN)?.bytes;
  switch (kind) {
    case "time": {
      // time_proto.go: an empty message is the zero time; nanoseconds are dropped on decode.
      if (bytes.length === 0) return null;
      return formatTime(BigInt.asIntN(64, varint(1) ?? 0n));
    }
    case "microTime": {
      if (bytes.length === 0) return null;
      return formatMicroTime(BigInt.asIntN(64, varint(1) ?? 0n), BigInt.asIntN(32, varint(2) ?? 0n));
    }
    case "duration":
      return formatGoDuration(BigInt.asIntN(64, varint(1) ?? 0n));
    case "fieldsV1":
    case "rawExtension": {
      // Both marshal their raw bytes verbatim, and "null" when there are none.
      const raw = payload(1);
      return raw === undefined ? null : parseEmbeddedJson(raw);
    }
    case "intOrString": {
      // intstr.go: type 0 is Int, 1 is String; anything else fails to marshal.
      const type = BigInt.asIntN(64, varint(1) ?? 0n);
      if (type === 0n) return Number(BigInt.asIntN(32, varint(2) ?? 0n));
      if (type === 1n) return utf8.decode(payload(3) ?? EMPTY);
      throw new MalformedProtobufError("impossible IntOrString.Type");
    }
    case "quantity": {
      // The zero Quantity marshals as "0"; the string is passed through uncanonicalised, as a JSON
      // client would have sent it.
      const text = payload(1);
      return text === undefined ? "0" : utf8.decode(text);
    }
    case "stringList": {
      const items = fields
        .filter((f) => f.number === 1 && f.wireType === WIRE_LEN)
        .map((f) => utf8.decode(f.bytes));
      return items.length === 0 ? null : items;
    }
  }
}

function parseEmbeddedJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(raw));
  } catch {
    throw new MalformedProtobufError("embedded raw JSON (fieldsV1 or RawExtension) is not valid JSON");
  }
}

function lastOf(fields: WireField[], number: number, wireType: number): WireField | undefined {
  let found: WireField | undefined;
  for (const f of fields) {
    if (f.number !== number) continue;
    if (f.wireType !== wireType)
      throw new MalformedProtobufError(`proto: wrong wireType = ${f.wireType} for field ${number}`);
    found = f;
  }
  return found;
}

function concatPayloads(field: FieldSchema, occurrences: WireField[]): Uint8Array {
  for (const o of occurrences) requireWireType(field, o, WIRE_LEN);
  if (occurrences.length === 0) return EMPTY;
  if (occurrences.length === 1) return occurrences[0]!.bytes;
  const total = occurrences.reduce((n, o) => n + o.bytes.length, 0);
  const merged = new Uint8Array(total);
  let at = 0;
  for (const o of occurrences) {
    merged.set(o.bytes, at);
    at += o.bytes.length;
  }
  return merged;
}

function isScalar(type: string): boolean {
  return type === "string" || type === "bytes" || isVarintType(type);
}

function isVarintType(type: string): boolean {
  return type === "bool" || type === "int32" || type === "int64" || type === "uint32" || type === "uint64";
}

function scalarJson(field: FieldSchema, occurrence: WireField): unknown {
  if (field.type === "string" || field.type === "bytes") {
    requireWireType(field, occurrence, WIRE_LEN);
    return field.type === "string"
      ? utf8.decode(occurrence.bytes)
      : Buffer.from(occurrence.bytes).toString("base64");
  }
  requireWireType(field, occurrence, WIRE_VARINT);
  return varintJson(field.type, occurrence.varint);
}

/** int64 values beyond 2^53 lose precision as JSON numbers in JavaScript; none of the reachable fields get there. */
function varintJson(type: string, v: bigint): boolean | number {
  switch (type) {
    case "bool":
      return v !== 0n;
    case "int32":
      return Number(BigInt.asIntN(32, v));
    case "uint32":
      return Number(BigInt.asUintN(32, v));
    case "int64":
      return Number(BigInt.asIntN(64, v));
    default:
      return Number(v);
  }
}

function zeroScalar(type: string): unknown {
  if (type === "string" || type === "bytes") return "";
  return type === "bool" ? false : 0;
}

function isZeroScalar(value: unknown): boolean {
  return value === "" || value === 0 || value === false;
}

function requireWireType(field: FieldSchema, occurrence: WireField, wireType: number): void {
  if (occurrence.wireType !== wireType) {
    throw new MalformedProtobufError(
      `proto: wrong wireType = ${occurrence.wireType} for field ${field.jsonName || field.type}`,
    );
  }
}
