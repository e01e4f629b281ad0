import { plainStrategy, specStatusStrategy } from "./generic-strategy.ts";
import type { Strategy } from "./types.ts";

/**
 * The strategy of each stored resource, keyed `<group>/<resource>`. Kinds not listed here behave
 * generically: spec/status kinds (those with a status subresource) or plain ones.
 */
const STRATEGIES: Record<string, Strategy> = {};

export function registerStrategy(group: string, resource: string, strategy: Strategy): void {
  STRATEGIES[`${group}/${resource}`] = strategy;
}

export function strategyFor(group: string, resource: string, hasStatus: boolean): Strategy {
  return STRATEGIES[`${group}/${resource}`] ?? (hasStatus ? specStatusStrategy : plainStrategy);
}
