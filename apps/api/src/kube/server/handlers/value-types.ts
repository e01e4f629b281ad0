/**
 * Values of the wrong type, refused before defaulting as kube-apiserver refuses them. Each write path
 * decodes differently upstream, so each words the refusal differently:
 * - create / update (handlers/create.go, rest.go transformDecodeError): 400 BadRequest
 *   `ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string`;
 * - JSON and merge patches (handlers/patch.go jsonPatcher): the patched JSON fails to decode, 422
 *   `"" is invalid: patch: Invalid value: "<patched object>": json: cannot unmarshal …`;
 * - strategic merge patches (patch.go applyPatchToObject): the patched map fails to convert, 422
 *   `"" is invalid: patch: Invalid value: "map[…]": cannot convert int64 to string`;
 * - server-side apply (managedfields structuredmerge.go): the applied configuration does not fit the
 *   schema, 500 with no reason `failed to create typed patch object (ns/name; apps/v1, Kind=Deployment): .spec.replicas: …`.
 * A successful check also rewrites JSON nulls as Go decodes them (json-decode-check.ts).
 */
import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { appliedConfigurationError } from "../../openapi/apply-type-check.ts";
import { type GoType, goTypeForKind, isJsonObject } from "../../openapi/go-types.ts";
import { goJsonMarshal, goSprintV } from "../../openapi/go-value-format.ts";
import { jsonDecodeError } from "../../openapi/json-decode-check.ts";
import { unstructuredDecodeError } from "../../openapi/unstructured-decode-check.ts";
import { schemaFor } from "../../patch/index.ts";
import { invalidField, invalidObjectError } from "../../validation/field-errors.ts";
import { UnknownReasonError } from "../status.ts";
import { apiVersionOf, type KubeRequest } from "./context.ts";

/** The group, version and kind whose Go type a request body decodes into. */
export interface DecodeTarget {
  group: string;
  version: string;
  kind: string;
}

/** The kind of the request's resource (the status subresource shares it). */
export function targetOf(req: KubeRequest): DecodeTarget {
  return { group: req.def.group, version: req.def.version, kind: req.def.kind };
}

function goTypeOf(target: DecodeTarget): GoType | undefined {
  return goTypeForKind(target.group, target.version, target.kind);
}

/** `<Kind> in version "<v>" cannot be handled as a <Kind>: <err>`, the 400 of a body that does not decode. */
function undecodableBody(target: DecodeTarget, detail: string): ApiError {
  return new ApiError(
    "BadRequest",
    `${target.kind} in version ${JSON.stringify(target.version)} cannot be handled as a ${target.kind}: ${detail}`,
  );
}

/** The 422 of a patch whose result does not decode: `errors.NewInvalid(schema.GroupKind{}, "", …)` on field "patch". */
function invalidPatch(shownValue: string, detail: string): ApiError {
  return invalidObjectError("", "", "", [invalidField("patch", shownValue, detail)]);
}

/** A create or update body (POST, PUT): throws the decoder's 400. */
export function checkBodyTypes(target: DecodeTarget, body: KubeObject): void {
  const type = goTypeOf(target);
  const error = type && jsonDecodeError(type, body);
  if (error !== undefined) throw undecodableBody(target, error);
}

/** The object a JSON patch or merge patch produced: throws the 422 naming the whole patched object. */
export function checkPatchedTypes(target: DecodeTarget, patched: KubeObject): void {
  const type = goTypeOf(target);
  if (!type) return;
  // The message shows the patched JSON as it was before decoding nulls away.
  const shown = goJsonMarshal(patched);
  const error = jsonDecodeError(type, patched);
  if (error !== undefined) throw invalidPatch(shown, error);
}

/** The object a strategic merge patch produced: throws the 422 naming the patch (Go's `%+v` of it). */
export function checkStrategicPatchTypes(target: DecodeTarget, patch: unknown, patched: KubeObject): void {
  const type = goTypeOf(target);
  const error = type && unstructuredDecodeError(type, patched);
  if (error !== undefined) throw invalidPatch(goSprintV(patch), error);
}

/** objectGVKNN: `<namespace>/<name>; <group>/<version>, Kind=<kind>`, from the applied object. */
function describeApplied(target: DecodeTarget, applied: Record<string, unknown>): string {
  const meta = isJsonObject(applied["metadata"]) ? applied["metadata"] : {};
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return `${text(meta["namespace"])}/${text(meta["name"])}; ${target.group}/${target.version}, Kind=${target.kind}`;
}

/**
 * A server-side apply body, before merging. Bodies of another apiVersion or kind, or carrying
 * managedFields, are left to the apply itself, which refuses them first upstream.
 */
export function checkApplyConfigurationTypes(target: DecodeTarget, applied: unknown): void {
  if (!isJsonObject(applied)) return;
  if (applied["apiVersion"] !== apiVersionOf(target.group, target.version) || applied["kind"] !== target.kind)
    return;
  const meta = applied["metadata"];
  if (isJsonObject(meta) && meta["managedFields"] !== undefined && meta["managedFields"] !== null) return;
  const type = goTypeOf(target);
  if (!type) return;
  const error = appliedConfigurationError(
    type,
    applied,
    schemaFor(apiVersionOf(target.group, target.version), target.kind),
  );
  if (error !== undefined) {
    throw new UnknownReasonError(
      `failed to create typed patch object (${describeApplied(target, applied)}): ${error}`,
    );
  }
}

/**
 * The object server-side apply merged, converted back to the Go type (structuredmerge.go toVersioned):
 * catches what the coarser apply schema lets through, such as 1.5 replicas.
 */
export function checkAppliedObjectTypes(target: DecodeTarget, applied: unknown, merged: KubeObject): void {
  const type = goTypeOf(target);
  const error = type && unstructuredDecodeError(type, merged);
  if (error === undefined) return;
  const gvk = `${target.group}/${target.version}, Kind=${target.kind}`;
  const described = describeApplied(target, isJsonObject(applied) ? applied : {});
  throw new UnknownReasonError(
    `failed to convert new object (${described}) to proper version: unable to convert unstructured object to ${gvk}: ${error}`,
  );
}
