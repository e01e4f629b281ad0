/**
 * Test support: runs a strategy the way the REST handlers do (prepare, default, validate, then the
 * in-transaction hook) against a real store, so strategy tests exercise the same sequence.
 */
import { createTestDatabase, type TestDatabase } from "../../../../../../test/fixtures/database.ts";
import type { KubeObject, ObjectRef } from "../../object/types.ts";
import { ObjectStore } from "../../store/object-store.ts";
import type { FieldError } from "../../validation/field-errors.ts";
import type { Strategy, StrategyContext } from "../types.ts";

export interface StrategyHarness {
  store: ObjectStore;
  clusterId: string;
  /** The create pipeline; returns the stored object, or the field errors validation found. */
  create(
    strategy: Strategy,
    ref: ObjectRef,
    obj: KubeObject,
    dryRun?: boolean,
  ): Promise<KubeObject | FieldError[]>;
  /** The update pipeline against the stored object. */
  update(strategy: Strategy, ref: ObjectRef, obj: KubeObject): Promise<KubeObject | FieldError[]>;
  close(): Promise<void>;
}

let clusters = 0;

/** A fresh database and cluster for one test file. */
export async function strategyHarness(): Promise<StrategyHarness> {
  const db: TestDatabase = await createTestDatabase();
  const store = new ObjectStore(db.db, { retention: 1000 });
  const clusterId = `strategy-test-${++clusters}`;
  await store.initCluster(clusterId);
  const ctx = (dryRun = false): StrategyContext => ({
    now: new Date("2025-05-01T10:00:00Z"),
    clusterId,
    dryRun,
  });
  return {
    store,
    clusterId,
    async create(strategy, ref, input, dryRun = false) {
      const obj = structuredClone(input);
      strategy.prepareForCreate?.(obj, ctx(dryRun));
      strategy.applyDefaults?.(obj);
      const errs = strategy.validate?.(obj, ctx(dryRun)) ?? [];
      if (errs.length > 0) return errs;
      return store.transact(clusterId, async (tx) => {
        await strategy.beforeCreate?.(obj, { ...ctx(dryRun), tx });
        if (dryRun) return obj;
        return tx.create(ref, obj, { trackGeneration: strategy.tracksGeneration });
      });
    },
    async update(strategy, ref, input) {
      const prev = await store.get(clusterId, ref);
      if (!prev) throw new Error(`no ${ref.resource} ${ref.name}`);
      const obj = structuredClone(input);
      strategy.prepareForUpdate?.(obj, prev, ctx());
      strategy.applyDefaults?.(obj);
      const errs = strategy.validateUpdate?.(obj, prev, ctx()) ?? [];
      if (errs.length > 0) return errs;
      return store.transact(clusterId, async (tx) => {
        await strategy.beforeUpdate?.(obj, prev, { ...ctx(), tx });
        return tx.update(ref, obj, { trackGeneration: strategy.tracksGeneration });
      });
    },
    close: () => db.drop(),
  };
}

/** `<field>: <message>` lines, as kubectl prints the causes of a 422. */
export function messages(errs: KubeObject | FieldError[]): string[] {
  if (!Array.isArray(errs))
    throw new Error(`expected field errors, got ${JSON.stringify(errs).slice(0, 300)}`);
  return errs.map((e) => `${e.field}: ${e.message}`);
}

/** The stored object, failing the test with the errors if validation refused it. */
export function stored(result: KubeObject | FieldError[]): KubeObject {
  if (Array.isArray(result)) throw new Error(`validation failed: ${messages(result).join("; ")}`);
  return result;
}
