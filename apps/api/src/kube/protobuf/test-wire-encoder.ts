/**
 * Test-only protobuf writer: builds bodies field by field so tests state the upstream field numbers
 * themselves instead of trusting the decoder's table.
 */

/** One encoded field (or several, concatenated). */
export type Encoded = Uint8Array;

const text = new TextEncoder();

export function concat(...parts: Encoded[]): Encoded {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Base-128 varint of a 64-bit value; negatives take ten bytes, as Go writes int32/int64 -1. */
export function rawVarint(value: number | bigint): Encoded {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Uint8Array.from(bytes);
}

function tag(field: number, wireType: number): Encoded {
  return rawVarint(BigInt(field) * 8n + BigInt(wireType));
}

/** Wire type 0: int32, int64, bool. */
export function varint(field: number, value: number | bigint | boolean): Encoded {
  return concat(tag(field, 0), rawVarint(typeof value === "boolean" ? (value ? 1 : 0) : value));
}

/** Wire type 2 with a string (UTF-8) or raw bytes payload. */
export function bytes(field: number, payload: string | Uint8Array): Encoded {
  const body = typeof payload === "string" ? text.encode(payload) : payload;
  return concat(tag(field, 2), rawVarint(body.length), body);
}

/** Wire type 2 holding a nested message made of the given fields. */
export function message(field: number, ...parts: Encoded[]): Encoded {
  return bytes(field, concat(...parts));
}

/** Repeated numeric field in packed form (one length-delimited run of varints). */
export function packed(field: number, values: number[]): Encoded {
  return bytes(field, concat(...values.map((v) => rawVarint(v))));
}

/** One `map<string, …>` entry: a nested message with key 1 and value 2. */
export function mapEntry(field: number, key: string, value: string | Uint8Array | Encoded[]): Encoded {
  const encodedValue = Array.isArray(value) ? message(2, ...value) : bytes(2, value);
  return message(field, bytes(1, key), encodedValue);
}

/** "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding "", contentType ""}, as client-go writes it. */
export function envelope(apiVersion: string, kind: string, raw: Encoded): Encoded {
  return concat(
    Uint8Array.from([0x6b, 0x38, 0x73, 0x00]),
    message(1, bytes(1, apiVersion), bytes(2, kind)),
    bytes(2, raw),
    bytes(3, ""),
    bytes(4, ""),
  );
}

/**
 * ObjectMeta as gogo writes it (meta/v1 generated.proto): every non-pointer field goes on the wire
 * even when empty — name 1, generateName 2, namespace 3, selfLink 4, uid 5, resourceVersion 6,
 * generation 7, creationTimestamp 8 (an empty Time) — then labels 11 and annotations 12 if any.
 */
export function objectMeta(
  field: number,
  meta: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
): Encoded {
  return message(
    field,
    bytes(1, meta.name ?? ""),
    bytes(2, ""),
    bytes(3, meta.namespace ?? ""),
    bytes(4, ""),
    bytes(5, ""),
    bytes(6, ""),
    varint(7, 0),
    bytes(8, ""),
    ...Object.entries(meta.labels ?? {}).map(([k, v]) => mapEntry(11, k, v)),
    ...Object.entries(meta.annotations ?? {}).map(([k, v]) => mapEntry(12, k, v)),
  );
}
