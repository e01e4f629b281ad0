import type { KubeObject } from "../../object/types.ts";
import { type JsonObject, semanticEqual } from "../support/json.ts";

/*
 * What every spec/status workload strategy does on writes (pkg/registry/apps/*, batch/* strategy.go):
 * a create starts with an empty status and generation 1, an update keeps the stored status and bumps
 * the generation when the spec changed.
 */

/** PrepareForCreate's common part: `status` reset to the given zero value, generation 1. */
export function resetForCreate(obj: KubeObject, zeroStatus: JsonObject): void {
  obj.status = zeroStatus;
  obj.metadata.generation = 1;
}

/**
 * PrepareForUpdate's common part: the stored status wins, and generation is the stored one plus one
 * when `changed` says the spec (or, for Deployments, the annotations) changed.
 */
export function carryStatusAndGeneration(next: KubeObject, prev: KubeObject, changed: boolean): void {
  if (prev.status === undefined) delete next.status;
  else next.status = prev.status;
  carryGeneration(next, prev, changed);
}

/** The stored generation, plus one when `changed`: clients cannot set it. */
export function carryGeneration(next: KubeObject, prev: KubeObject, changed: boolean): void {
  const generation = typeof prev.metadata.generation === "number" ? prev.metadata.generation : 0;
  next.metadata.generation = changed ? generation + 1 : generation;
}

/** Semantic equality of the `spec` of two objects. */
export function specChanged(next: KubeObject, prev: KubeObject): boolean {
  return !semanticEqual(next.spec, prev.spec);
}
