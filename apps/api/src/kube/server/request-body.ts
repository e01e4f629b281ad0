import { parse as parseYaml } from "yaml";
import { ApiError } from "../../errors.ts";
import type { KubeObject } from "../object/types.ts";
import { isJsonObject } from "../object/types.ts";
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from "../protobuf/index.ts";

const ACCEPTED = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

/**
 * Decodes a create/update body (JSON, YAML or Kubernetes protobuf) into an object. `expected` fills
 * in apiVersion/kind the way kube-apiserver defaults them from the URL.
 */
export function decodeObjectBody(
  bytes: Uint8Array,
  contentType: string | undefined,
  expected: { apiVersion: string; kind: string },
): KubeObject {
  const type = mediaType(contentType);
  let value: unknown;
  if (isKubernetesProtobuf(type)) {
    value = decodeKubernetesProtobuf(bytes, expected).object;
  } else if (type === "application/json" || type === "*/*" || type === "") {
    value = parseJson(bytes, expected.kind);
  } else if (type === "application/yaml" || type === "application/x-yaml" || type === "text/yaml") {
    try {
      value = parseYaml(Buffer.from(bytes).toString("utf8"));
    } catch (err) {
      throw new ApiError("BadRequest", `error converting YAML to JSON: ${(err as Error).message}`);
    }
  } else {
    throw new ApiError(
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${ACCEPTED}`,
    );
  }
  if (!isJsonObject(value)) {
    throw new ApiError(
      "BadRequest",
      `${expected.kind} in version "${versionOf(expected.apiVersion)}" cannot be handled as a ${expected.kind}: the body is not an object`,
    );
  }
  const obj = value as KubeObject;
  obj.apiVersion ??= expected.apiVersion;
  obj.kind ??= expected.kind;
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  return obj;
}

/** A JSON body of any shape (patches, delete options). */
export function parseJson(bytes: Uint8Array, kind = "object"): unknown {
  const text = Buffer.from(bytes).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError("BadRequest", `couldn't decode ${kind}: json parse error: ${(err as Error).message}`);
  }
}

export function versionOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[1]! : apiVersion;
}
