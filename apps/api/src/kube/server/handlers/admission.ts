import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import {
  strictDecodingMessage,
  unknownFieldMessages,
  unknownFields,
} from "../../openapi/field-validation.ts";
import type { StrategyContext } from "../../registry/types.ts";
import { type FieldError, invalidObjectError } from "../../validation/field-errors.ts";
import { validateObjectMeta } from "../../validation/object-meta.ts";
import type { KubeRequest } from "./context.ts";
import type { WriteOptions } from "./write-options.ts";

/**
 * Unknown fields, as fieldValidation asks: Strict refuses them (400), Warn returns warnings,
 * Ignore drops them silently. Returns the warnings.
 */
export function checkUnknownFields(req: KubeRequest, obj: unknown, options: WriteOptions): string[] {
  if (options.fieldValidation === "Ignore") return [];
  const { def } = req;
  const paths = unknownFields(def.group, def.version, def.kind, obj);
  if (paths.length === 0) return [];
  if (options.fieldValidation === "Strict") {
    throw new ApiError("BadRequest", strictDecodingMessage(def.kind, def.version, paths));
  }
  return unknownFieldMessages(paths);
}

/** Metadata plus the kind's own validation; throws the 422 Invalid kube-apiserver answers. */
export function validateOrThrow(
  req: KubeRequest,
  obj: KubeObject,
  ctx: StrategyContext,
  prev?: KubeObject,
  subresource?: string,
): void {
  const { def } = req;
  const { strategy } = def;
  const errs: FieldError[] = validateObjectMeta(obj, {
    namespaced: def.namespaced,
    nameRule: strategy.nameValidation ?? "dns-subdomain",
  });
  if (prev && subresource === "status" && strategy.validateStatusUpdate) {
    errs.push(...strategy.validateStatusUpdate(obj, prev, ctx));
  } else if (prev) {
    errs.push(...(strategy.validateUpdate?.(obj, prev, ctx) ?? strategy.validate?.(obj, ctx) ?? []));
  } else {
    errs.push(...(strategy.validate?.(obj, ctx) ?? []));
  }
  if (errs.length > 0) throw invalidObjectError(def.kind, def.group, obj.metadata.name ?? "", errs);
}

/** `generateName` + 5 random characters from upstream's alphabet (no vowels, no confusables). */
export function generateName(prefix: string): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** Metadata a client can never set or change: kept from the stored object (or cleared on create). */
export function resetSystemMetadata(obj: KubeObject, prev: KubeObject | undefined): void {
  const meta = obj.metadata;
  if (prev) {
    meta.uid = prev.metadata.uid;
    meta.creationTimestamp = prev.metadata.creationTimestamp;
    meta.generation = prev.metadata.generation;
    if (prev.metadata.deletionTimestamp) {
      meta.deletionTimestamp = prev.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = prev.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
  } else {
    delete meta.uid;
    delete meta.creationTimestamp;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.generation;
    delete meta.resourceVersion;
  }
  if (meta.creationTimestamp === null) delete meta.creationTimestamp;
  delete meta.selfLink;
}

/**
 * ObjectMeta's maps and lists are `omitempty` in Go: removing the last label (`kubectl label x k-`)
 * leaves no `labels` key at all, and a write that only turns `{}` into nothing is a no-op.
 * (managedFields is left alone: an empty list there is a request to clear them.)
 */
export function omitEmptyMetadata(obj: KubeObject): void {
  const meta = obj.metadata;
  for (const key of ["labels", "annotations", "ownerReferences", "finalizers"] as const) {
    const value: unknown = meta[key];
    const empty = value === null || (Array.isArray(value) ? value.length === 0 : isEmptyObject(value));
    if (empty) delete meta[key];
  }
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}
