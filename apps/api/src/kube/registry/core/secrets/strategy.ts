/**
 * The Secret strategy (ValidateSecret / ValidateSecretUpdate and the v1 conversion that folds
 * stringData into data, release-1.32).
 */
import { jsonEqual } from "../../../object/equality.ts";
import type { KubeObject } from "../../../object/types.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  requiredField,
  tooLongField,
} from "../../../validation/field-errors.ts";
import type { Strategy } from "../../types.ts";
import { decodeGoBase64 } from "../base64.ts";
import { configKeyErrors } from "../config-keys.ts";
import { MAX_CONFIG_SIZE } from "../configmaps/strategy.ts";
import { UndecodableValueError, withDecodeErrors } from "../decode-error.ts";
import { asObject, asString } from "../json.ts";

const IMMUTABLE = "field is immutable when `immutable` is set";
const REDACTED = "<secret contents redacted>";

/** Decoding: data is base64 (re-encoded canonically), stringData overrides it and is never stored. */
function decodeSecret(secret: KubeObject): void {
  const data = { ...(asObject(secret.data) ?? {}) };
  for (const [key, value] of Object.entries(data)) {
    const decoded = decodeGoBase64(typeof value === "string" ? value : "");
    if (!decoded.ok) throw new UndecodableValueError(decoded.error);
    data[key] = decoded.bytes.toString("base64");
  }
  for (const [key, value] of Object.entries(asObject(secret.stringData) ?? {})) {
    data[key] = Buffer.from(String(value), "utf8").toString("base64");
  }
  delete secret.stringData;
  if (Object.keys(data).length > 0 || secret.data !== undefined) secret.data = data;
  if (!secret.type) secret.type = "Opaque";
}

/** json.Unmarshal into map[string]interface{}, with Go's error text for the common failures. */
function jsonObjectError(bytes: Buffer): string | undefined {
  const text = bytes.toString("utf8");
  if (text.trim() === "") return "unexpected end of JSON input";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const bad = text.trim()[0] ?? "";
    return `invalid character '${bad}' looking for beginning of value`;
  }
  if (parsed === null || (typeof parsed === "object" && !Array.isArray(parsed))) return undefined;
  const kind = Array.isArray(parsed)
    ? "array"
    : typeof parsed === "string"
      ? "string"
      : typeof parsed === "number"
        ? "number"
        : "bool";
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

function validateSecret(secret: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = asObject(secret.data) ?? {};
  const bytes = new Map(Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), "base64")]));
  let size = 0;
  for (const [key, value] of bytes) {
    for (const msg of configKeyErrors(key)) errs.push(invalidField(`data[${key}]`, key, msg));
    size += value.length;
  }
  if (size > MAX_CONFIG_SIZE) errs.push(tooLongField("data", MAX_CONFIG_SIZE));
  const type = asString(secret.type);
  const jsonKey = (key: string) => {
    const value = bytes.get(key);
    if (value === undefined) return errs.push(requiredField(`data[${key}]`));
    const problem = jsonObjectError(value);
    if (problem) errs.push(invalidField(`data[${key}]`, REDACTED, problem));
  };
  switch (type) {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata.annotations?.["kubernetes.io/service-account.name"]) {
        errs.push(requiredField("metadata.annotations[kubernetes.io/service-account.name]"));
      }
      break;
    case "kubernetes.io/dockercfg":
      jsonKey(".dockercfg");
      break;
    case "kubernetes.io/dockerconfigjson":
      jsonKey(".dockerconfigjson");
      break;
    case "kubernetes.io/basic-auth":
      if (!bytes.has("username") && !bytes.has("password")) {
        errs.push(requiredField("data[username]"), requiredField("data[password]"));
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (!bytes.get("ssh-privatekey")?.length) errs.push(requiredField("data[ssh-privatekey]"));
      break;
    case "kubernetes.io/tls":
      if (!bytes.has("tls.crt")) errs.push(requiredField("data[tls.crt]"));
      if (!bytes.has("tls.key")) errs.push(requiredField("data[tls.key]"));
      break;
  }
  return errs;
}

export const secretStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  applyDefaults: (secret) => withDecodeErrors("Secret", "v1", () => decodeSecret(secret)),
  validate: validateSecret,
  validateUpdate(next, prev) {
    const errs: FieldError[] = [];
    if (asString(next.type) !== asString(prev.type))
      errs.push(invalidField("type", asString(next.type), "field is immutable"));
    if (prev.immutable === true) {
      if (next.immutable !== true) errs.push(forbiddenField("immutable", IMMUTABLE));
      if (!jsonEqual(next.data ?? {}, prev.data ?? {})) errs.push(forbiddenField("data", IMMUTABLE));
    }
    return [...errs, ...validateSecret(next)];
  },
};
