/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies into the JSON objects the rest of
 * the server works with. kubectl's typed clients (create <generator>, auth can-i, drain, create token…)
 * send nothing else and do not fall back to JSON.
 */
export type { DecodedProtobufObject, ProtobufDecodeDefaults } from "./decode-kubernetes-protobuf.ts";
export {
  decodeKubernetesProtobuf,
  isKubernetesProtobuf,
  KUBERNETES_PROTOBUF_MEDIA_TYPE,
} from "./decode-kubernetes-protobuf.ts";
export { MalformedProtobufError, UnsupportedProtobufKindError } from "./errors.ts";
