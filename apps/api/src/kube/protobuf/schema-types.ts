/**
 * One protobuf field of a Kubernetes message as the decoder needs it:
 * `[field number, JSON name, type, flags]`.
 *
 * - type: a scalar (`string`, `bytes`, `bool`, `int32`, `int64`, `uint32`, `uint64`), a message id
 *   (`core.v1.PodSpec`, `meta.v1.ObjectMeta`), or `map<key,value>` with a scalar key.
 * - flags, one letter each: `r` repeated, `p` Go pointer (nil when absent, kept when zero), `o` json
 *   omitempty, `z` json omitzero, `i` embedded struct whose fields are inlined into the parent's JSON.
 */
export type FieldRow = readonly [number: number, jsonName: string, type: string, flags: string];

/** Messages whose JSON form upstream comes from a custom MarshalJSON rather than their fields. */
export type SpecialMessage =
  | "time"
  | "microTime"
  | "duration"
  | "fieldsV1"
  | "rawExtension"
  | "intOrString"
  | "quantity"
  | "stringList";
