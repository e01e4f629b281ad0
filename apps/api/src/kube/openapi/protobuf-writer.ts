/**
 * A minimal protocol buffers (proto3) encoder: enough to write messages made of strings, bools and
 * nested messages. Fields are written in the order the caller adds them; proto3 leaves scalar fields
 * at their default ("" or false) out of the wire, while a nested message is written even when empty
 * (its presence is what a reader sees).
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** The bytes of one message, built field by field. */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];
  private size = 0;

  private push(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
  }

  private tag(field: number, wireType: number): void {
    this.push(varint(field * 8 + wireType));
  }

  private bytes(field: number, data: Buffer): void {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.push(varint(data.length));
    this.push(data);
  }

  /** A `string` field; the empty string is the default and is not written. */
  string(field: number, value: string | undefined): this {
    if (value !== undefined && value !== "") this.bytes(field, Buffer.from(value, "utf8"));
    return this;
  }

  /** A `repeated string` field: one entry per value, empty strings included. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const value of values ?? []) this.bytes(field, Buffer.from(value, "utf8"));
    return this;
  }

  /** A `bool` field; false is the default and is not written. */
  bool(field: number, value: boolean | undefined): this {
    if (value) {
      this.tag(field, WIRE_VARINT);
      this.push(varint(1));
    }
    return this;
  }

  /** A nested message field, written even when empty. */
  message(field: number, build: (writer: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    build(child);
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.push(varint(child.size));
    for (const part of child.parts) this.push(part);
    return this;
  }

  /** The encoded message. */
  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}
