import { KIND_MESSAGES, MESSAGE_FIELDS, SPECIAL_MESSAGES } from "./schema-data.ts";
import type { SpecialMessage } from "./schema-types.ts";

/** A field of a message, with its row in schema-data.ts unpacked. */
export interface FieldSchema {
  number: number;
  jsonName: string;
  /** Scalar type or message id; for maps, the value's. */
  type: string;
  /** Set for `map<key,value>` fields. */
  mapKey?: string;
  repeated: boolean;
  /** A Go pointer: absent means nil, so present-and-zero is still emitted. */
  pointer: boolean;
  omitEmpty: boolean;
  omitZero: boolean;
  /** An embedded Go struct: its JSON fields land in the parent object. */
  inline: boolean;
}

export interface MessageSchema {
  id: string;
  /** In Go struct order, which is the JSON key order. */
  fields: FieldSchema[];
  byNumber: Map<number, FieldSchema>;
}

const compiled = new Map<string, MessageSchema>();

/** The message behind `<apiVersion>/<kind>`, or undefined when the table has no schema for it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  return KIND_MESSAGES[`${apiVersion}/${kind}`];
}

export function specialMessage(id: string): SpecialMessage | undefined {
  return SPECIAL_MESSAGES[id];
}

export function messageSchema(id: string): MessageSchema {
  const cached = compiled.get(id);
  if (cached) return cached;
  const rows = MESSAGE_FIELDS[id];
  if (!rows) throw new Error(`protobuf schema has no message ${id}`);
  const fields = rows.map(([number, jsonName, type, flags]): FieldSchema => {
    const map = /^map<([^,]+),(.+)>$/.exec(type);
    return {
      number,
      jsonName,
      type: map ? map[2]! : type,
      ...(map ? { mapKey: map[1]! } : {}),
      repeated: flags.includes("r"),
      pointer: flags.includes("p"),
      omitEmpty: flags.includes("o"),
      omitZero: flags.includes("z"),
      inline: flags.includes("i"),
    };
  });
  const schema = { id, fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
  compiled.set(id, schema);
  return schema;
}
