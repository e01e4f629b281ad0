import { ApiError } from "../../errors.ts";

/**
 * The body is not a well-formed Kubernetes protobuf message (bad prefix, truncated, wrong wire type…).
 * kube-apiserver answers these with 400 BadRequest, so this is one.
 */
export class MalformedProtobufError extends ApiError {
  constructor(message: string) {
    super("BadRequest", message);
    this.name = "MalformedProtobufError";
  }
}

/**
 * The body is well-formed but names a kind this server has no protobuf schema for. 415 tells the
 * client to send JSON instead; kubectl prints the message.
 */
export class UnsupportedProtobufKindError extends ApiError {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(
      "UnsupportedMediaType",
      `the body of the request was in an unsupported format: application/vnd.kubernetes.protobuf is not ` +
        `supported for kind "${kind}" in version "${apiVersion}"; send application/json instead`,
    );
    this.name = "UnsupportedProtobufKindError";
  }
}
