import { CORE_STRATEGIES } from "./core/index.ts";
import { plainStrategy, specStatusStrategy } from "./generic-strategy.ts";
import { GROUP_STRATEGIES } from "./groups.ts";
import type { Strategy } from "./types.ts";

/** The strategy of each stored resource, keyed `<group>/<resource>`. */
const STRATEGIES = new Map(
  [...CORE_STRATEGIES, ...GROUP_STRATEGIES].map(({ group, resource, strategy }) => [
    `${group}/${resource}`,
    strategy,
  ]),
);

/**
 * The strategy of a stored resource. Kinds without one of their own behave generically: spec/status
 * kinds (those with a status subresource) or plain ones.
 */
export function strategyFor(group: string, resource: string, hasStatus: boolean): Strategy {
  return STRATEGIES.get(`${group}/${resource}`) ?? (hasStatus ? specStatusStrategy : plainStrategy);
}
