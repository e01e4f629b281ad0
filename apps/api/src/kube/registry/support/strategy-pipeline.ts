import { cloneJson } from "../../object/equality.ts";
import type { KubeObject } from "../../object/types.ts";
import { formatFieldError } from "../../validation/field-errors.ts";
import type { Strategy, StrategyContext } from "../types.ts";

/*
 * The order the generic handlers call a strategy in (create: prepare, defaults, validate; update:
 * prepare, defaults, validate against the old object), for tests of the strategies of this module.
 */

const CONTEXT: StrategyContext = { now: new Date("2025-01-01T00:00:00Z"), clusterId: "test", dryRun: false };

/** A create through `strategy`: the stored object and the `<field>: <message>` lines of its errors. */
export function createThrough(
  strategy: Strategy,
  body: KubeObject,
  system: { uid?: string; namespace?: string } = {},
): { obj: KubeObject; errors: string[] } {
  const obj = cloneJson(body);
  obj.metadata.uid = system.uid ?? "0b9f1e53-5d0b-4b4e-9d6a-6f3c2a1e0001";
  obj.metadata.namespace = system.namespace ?? "default";
  obj.metadata.creationTimestamp = "2025-01-01T00:00:00Z";
  strategy.prepareForCreate?.(obj, CONTEXT);
  strategy.applyDefaults?.(obj);
  const errors = (strategy.validate?.(obj, CONTEXT) ?? []).map(formatFieldError);
  return { obj, errors };
}

/** An update through `strategy` of the stored `prev` with the client's `body`. */
export function updateThrough(
  strategy: Strategy,
  prev: KubeObject,
  body: KubeObject,
): { obj: KubeObject; errors: string[] } {
  const obj = cloneJson(body);
  strategy.prepareForUpdate?.(obj, prev, CONTEXT);
  strategy.applyDefaults?.(obj);
  const errors = (strategy.validateUpdate?.(obj, prev, CONTEXT) ?? []).map(formatFieldError);
  return { obj, errors };
}
