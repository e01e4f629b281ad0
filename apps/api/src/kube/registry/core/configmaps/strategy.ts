/** The ConfigMap strategy (ValidateConfigMap / ValidateConfigMapUpdate, release-1.32). */
import { jsonEqual } from "../../../object/equality.ts";
import type { KubeObject } from "../../../object/types.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  tooLongField,
} from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { decodeGoBase64 } from "../base64.ts";
import { configKeyErrors } from "../config-keys.ts";
import { UndecodableValueError, withDecodeErrors } from "../decode-error.ts";
import { asObject } from "../json.ts";

/** core.MaxSecretSize, which ConfigMaps share. */
export const MAX_CONFIG_SIZE = 1024 * 1024;
const IMMUTABLE = "field is immutable when `immutable` is set";

function checkDecodable(cm: KubeObject): void {
  for (const value of Object.values(asObject(cm.data) ?? {})) {
    if (typeof value !== "string") {
      const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
      throw new UndecodableValueError(
        `json: cannot unmarshal ${type} into Go struct field ConfigMap.data of type string`,
      );
    }
  }
  const binary = asObject(cm.binaryData) ?? {};
  for (const [key, value] of Object.entries(binary)) {
    const decoded = decodeGoBase64(typeof value === "string" ? value : "");
    if (!decoded.ok) throw new UndecodableValueError(decoded.error);
    binary[key] = decoded.bytes.toString("base64");
  }
}

function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = asObject(cm.data) ?? {};
  const binary = asObject(cm.binaryData) ?? {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of configKeyErrors(key)) errs.push(invalidField(`data[${key}]`, key, msg));
    if (key in binary) errs.push(invalidField(`data[${key}]`, key, "duplicate of key present in binaryData"));
    size += Buffer.byteLength(String(value), "utf8");
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const msg of configKeyErrors(key)) errs.push(invalidField(`binaryData[${key}]`, key, msg));
    size += Buffer.from(String(value), "base64").length;
  }
  // Upstream reports the total on an empty path: the error is about the whole object.
  if (size > MAX_CONFIG_SIZE) errs.push(tooLongField("", MAX_CONFIG_SIZE));
  return errs;
}

export const configMapStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  applyDefaults: (cm) => withDecodeErrors("ConfigMap", "v1", () => checkDecodable(cm)),
  validate: validateConfigMap,
  validateUpdate(next, prev) {
    const errs: FieldError[] = [];
    if (prev.immutable === true) {
      if (next.immutable !== true) errs.push(forbiddenField("immutable", IMMUTABLE));
      if (!jsonEqual(next.data ?? {}, prev.data ?? {})) errs.push(forbiddenField("data", IMMUTABLE));
      if (!jsonEqual(next.binaryData ?? {}, prev.binaryData ?? {}))
        errs.push(forbiddenField("binaryData", IMMUTABLE));
    }
    return [...errs, ...validateConfigMap(next)];
  },
};
