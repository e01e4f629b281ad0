import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MalformedProtobufError } from "./errors.ts";
import { bytes, concat, packed, rawVarint, varint } from "./test-wire-encoder.ts";
import {
  readFields,
  readPackedVarints,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
} from "./wire-reader.ts";

describe("readFields", () => {
  test("reads varints, length-delimited and fixed-width fields in wire order", () => {
    const fixed64 = concat(rawVarint((3 << 3) | 1), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const fixed32 = concat(rawVarint((4 << 3) | 5), Uint8Array.from([9, 9, 9, 9]));
    const fields = readFields(concat(varint(1, 300), bytes(2, "hi"), fixed64, fixed32, varint(536870911, 1)));
    assert.deepEqual(
      fields.map((f) => [f.number, f.wireType]),
      [
        [1, WIRE_VARINT],
        [2, WIRE_LEN],
        [3, WIRE_FIXED64],
        [4, WIRE_FIXED32],
        [536870911, WIRE_VARINT],
      ],
    );
    assert.equal(fields[0]?.varint, 300n);
    assert.deepEqual([...(fields[1]?.bytes ?? [])], [0x68, 0x69]);
    assert.deepEqual([...(fields[2]?.bytes ?? [])], [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test("ten-byte varints carry 64 bits; -1 reads as 2^64-1", () => {
    assert.equal(readFields(varint(1, -1))[0]?.varint, 2n ** 64n - 1n);
  });

  test("groups are consumed whole, nested ones included", () => {
    const group = concat(
      rawVarint((7 << 3) | 3),
      rawVarint((8 << 3) | 3),
      varint(1, 1),
      rawVarint((8 << 3) | 4),
      rawVarint((7 << 3) | 4),
    );
    const fields = readFields(concat(group, varint(2, 5)));
    assert.deepEqual(
      fields.map((f) => f.number),
      [7, 2],
    );
  });

  test("malformed input fails with gogo's messages instead of looping or crashing", () => {
    const cases: Array<[Uint8Array, string]> = [
      [Uint8Array.from([0x08]), "unexpected EOF"],
      [Uint8Array.from([0x08, 0x80]), "unexpected EOF"],
      [Uint8Array.from([0x12, 0x05, 0x61]), "unexpected EOF"],
      [
        concat(Uint8Array.from([0x08]), new Uint8Array(10).fill(0x80), Uint8Array.from([1])),
        "proto: integer overflow",
      ],
      [concat(Uint8Array.from([0x12]), rawVarint(-2)), "proto: negative length found during unmarshaling"],
      [Uint8Array.from([0x0e]), "proto: illegal wireType 6"],
      [Uint8Array.from([0x0c]), "proto: wiretype end group for non-group"],
      [Uint8Array.from([0x00]), "proto: illegal tag 0 (wire type 0)"],
      [Uint8Array.from([0x0b, 0x08]), "unexpected EOF"],
      [Uint8Array.from([0x09, 1, 2]), "unexpected EOF"],
    ];
    for (const [input, message] of cases) {
      assert.throws(
        () => readFields(input),
        (err: unknown) => err instanceof MalformedProtobufError && err.message === message,
        `input ${[...input]}`,
      );
    }
  });
});

test("readPackedVarints splits a packed run", () => {
  const field = readFields(packed(3, [1, 300, 0]))[0];
  assert.deepEqual(readPackedVarints(field?.bytes ?? new Uint8Array(0)), [1n, 300n, 0n]);
});
