import { MalformedProtobufError } from "./errors.ts";

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** One field occurrence: varints carry `varint`, every other wire type carries its raw `bytes`. */
export interface WireField {
  number: number;
  wireType: number;
  varint: bigint;
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Splits one message into its field occurrences, in wire order. Errors mirror the gogo-generated
 * Unmarshal that kube-apiserver runs (`proto: integer overflow`, `unexpected EOF`, …); groups are
 * skipped like gogo's skipGenerated so the caller can reject them where a field is known.
 */
export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  const cursor = { at: 0 };
  while (cursor.at < bytes.length) {
    const tag = readVarint(bytes, cursor);
    const wireType = Number(tag & 7n);
    const number = Number(BigInt.asIntN(32, tag >> 3n));
    if (wireType === WIRE_END_GROUP)
      throw new MalformedProtobufError("proto: wiretype end group for non-group");
    if (number <= 0) throw new MalformedProtobufError(`proto: illegal tag ${number} (wire type ${wireType})`);
    switch (wireType) {
      case WIRE_VARINT:
        fields.push({ number, wireType, varint: readVarint(bytes, cursor), bytes: EMPTY });
        break;
      case WIRE_FIXED64:
        fields.push({ number, wireType, varint: 0n, bytes: take(bytes, cursor, 8) });
        break;
      case WIRE_FIXED32:
        fields.push({ number, wireType, varint: 0n, bytes: take(bytes, cursor, 4) });
        break;
      case WIRE_LEN:
        fields.push({ number, wireType, varint: 0n, bytes: take(bytes, cursor, readLength(bytes, cursor)) });
        break;
      case WIRE_START_GROUP:
        skipGroup(bytes, cursor, number);
        fields.push({ number, wireType, varint: 0n, bytes: EMPTY });
        break;
      default:
        throw new MalformedProtobufError(`proto: illegal wireType ${wireType}`);
    }
  }
  return fields;
}

/** Reads a packed run of varints (a repeated numeric field sent as one length-delimited blob). */
export function readPackedVarints(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  const cursor = { at: 0 };
  while (cursor.at < bytes.length) values.push(readVarint(bytes, cursor));
  return values;
}

function readVarint(bytes: Uint8Array, cursor: { at: number }): bigint {
  // Fast path: tags and lengths almost always fit in four bytes, which plain numbers hold exactly.
  let small = 0;
  for (let i = 0; i < 4; i++) {
    const b = bytes[cursor.at + i];
    if (b === undefined) break;
    small += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      cursor.at += i + 1;
      return BigInt(small);
    }
  }
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (shift >= 64n) throw new MalformedProtobufError("proto: integer overflow");
    const b = bytes[cursor.at];
    if (b === undefined) throw new MalformedProtobufError("unexpected EOF");
    cursor.at++;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return BigInt.asUintN(64, value);
  }
}

function readLength(bytes: Uint8Array, cursor: { at: number }): number {
  // Go reads the length into an int: anything that wraps negative is an invalid length.
  const length = BigInt.asIntN(64, readVarint(bytes, cursor));
  if (length < 0n) throw new MalformedProtobufError("proto: negative length found during unmarshaling");
  if (length > BigInt(bytes.length - cursor.at)) throw new MalformedProtobufError("unexpected EOF");
  return Number(length);
}

function take(bytes: Uint8Array, cursor: { at: number }, length: number): Uint8Array {
  if (length > bytes.length - cursor.at) throw new MalformedProtobufError("unexpected EOF");
  const slice = bytes.subarray(cursor.at, cursor.at + length);
  cursor.at += length;
  return slice;
}

function skipGroup(bytes: Uint8Array, cursor: { at: number }, number: number): void {
  let depth = 1;
  while (depth > 0) {
    if (cursor.at >= bytes.length) throw new MalformedProtobufError("unexpected EOF");
    const tag = readVarint(bytes, cursor);
    const wireType = Number(tag & 7n);
    switch (wireType) {
      case WIRE_VARINT:
        readVarint(bytes, cursor);
        break;
      case WIRE_FIXED64:
        take(bytes, cursor, 8);
        break;
      case WIRE_FIXED32:
        take(bytes, cursor, 4);
        break;
      case WIRE_LEN:
        take(bytes, cursor, readLength(bytes, cursor));
        break;
      case WIRE_START_GROUP:
        depth++;
        break;
      case WIRE_END_GROUP:
        depth--;
        break;
      default:
        throw new MalformedProtobufError(`proto: illegal wireType ${wireType} in group ${number}`);
    }
  }
}
