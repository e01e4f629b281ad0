import type { JsonObject } from "./decode-message.ts";
import { decodeMessage } from "./decode-message.ts";
import { MalformedProtobufError, UnsupportedProtobufKindError } from "./errors.ts";
import { messageForKind } from "./schema.ts";
import { readFields, WIRE_LEN } from "./wire-reader.ts";

/** The media type typed clients (kubectl create, auth can-i, drain…) send request bodies in. */
export const KUBERNETES_PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

/** "k8s\0": every Kubernetes protobuf body starts with it (apimachinery runtime/serializer/protobuf). */
const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const;

/** A decoded body: the object as JSON, with the apiVersion and kind its envelope named. */
export interface DecodedProtobufObject {
  apiVersion: string;
  kind: string;
  /** `{kind, apiVersion, metadata, …}` as the same request would have carried it in JSON. */
  object: JsonObject;
}

/** Fallbacks for an envelope without typeMeta: kube-apiserver fills them from the request path. */
export interface ProtobufDecodeDefaults {
  apiVersion?: string;
  kind?: string;
}

/** True when a Content-Type header names the Kubernetes protobuf encoding (parameters ignored). */
export function isKubernetesProtobuf(contentType: string | undefined | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === KUBERNETES_PROTOBUF_MEDIA_TYPE;
}

/**
 * Turns an `application/vnd.kubernetes.protobuf` request body into the JSON object kube-apiserver
 * would have decoded from the same request sent as JSON.
 *
 * Throws {@link MalformedProtobufError} (400 BadRequest) for bytes that do not decode, and
 * {@link UnsupportedProtobufKindError} (415 UnsupportedMediaType) for kinds without a schema here.
 */
export function decodeKubernetesProtobuf(
  bytes: Uint8Array,
  defaults: ProtobufDecodeDefaults = {},
): DecodedProtobufObject {
  // Messages follow runtime/serializer/protobuf/protobuf.go (Serializer.Decode).
  if (bytes.length === 0) throw new MalformedProtobufError("empty data");
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new MalformedProtobufError(
      `provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(" ")}]`,
    );
  }
  if (bytes.length === MAGIC.length) throw new MalformedProtobufError("empty body");

  let typeMeta = { apiVersion: "", kind: "" };
  let raw: Uint8Array = new Uint8Array(0);
  try {
    // runtime.Unknown: 1 typeMeta, 2 raw, 3 contentEncoding, 4 contentType. kube-apiserver ignores
    // the last two, and so do we.
    for (const field of readFields(bytes.subarray(MAGIC.length))) {
      if (field.number === 1) {
        expectLen(field.wireType, "TypeMeta");
        typeMeta = readTypeMeta(field.bytes);
      } else if (field.number === 2) {
        expectLen(field.wireType, "Raw");
        raw = field.bytes;
      }
    }
  } catch (err) {
    throw withContext(err, (message) =>
      defaults.kind
        ? `the object provided is unrecognized (must be of type ${defaults.kind}): ${message}`
        : message,
    );
  }

  const apiVersion = typeMeta.apiVersion || defaults.apiVersion || "";
  const kind = typeMeta.kind || defaults.kind || "";
  if (!kind) throw new MalformedProtobufError("Object 'Kind' is missing in the protobuf body's type meta");
  if (!apiVersion)
    throw new MalformedProtobufError("Object 'apiVersion' is missing in the protobuf body's type meta");

  const id = messageForKind(apiVersion, kind);
  if (!id) throw new UnsupportedProtobufKindError(apiVersion, kind);
  let body: JsonObject;
  try {
    body = decodeMessage(id, raw);
  } catch (err) {
    // endpoints/handlers transformDecodeError words it like this when the kind is known.
    const version = apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
    throw withContext(
      err,
      (message) => `${kind} in version "${version}" cannot be handled as a ${kind}: ${message}`,
    );
  }
  // TypeMeta comes first in Go's JSON, kind before apiVersion.
  return { apiVersion, kind, object: { kind, apiVersion, ...body } };
}

function readTypeMeta(bytes: Uint8Array): { apiVersion: string; kind: string } {
  const meta = { apiVersion: "", kind: "" };
  const text = new TextDecoder();
  for (const field of readFields(bytes)) {
    if (field.number !== 1 && field.number !== 2) continue;
    expectLen(field.wireType, field.number === 1 ? "APIVersion" : "Kind");
    if (field.number === 1) meta.apiVersion = text.decode(field.bytes);
    else meta.kind = text.decode(field.bytes);
  }
  return meta;
}

function expectLen(wireType: number, name: string): void {
  if (wireType !== WIRE_LEN)
    throw new MalformedProtobufError(`proto: wrong wireType = ${wireType} for field ${name}`);
}

function withContext(err: unknown, reword: (message: string) => string): unknown {
  return err instanceof MalformedProtobufError ? new MalformedProtobufError(reword(err.message)) : err;
}
