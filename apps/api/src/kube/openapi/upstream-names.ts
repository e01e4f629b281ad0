/**
 * Maps client-node class names (`V1DeploymentSpec`, `CoreV1Event`) to upstream OpenAPI definition
 * names (`io.k8s.api.apps.v1.DeploymentSpec`, `io.k8s.api.core.v1.Event`). Client-node drops the Go
 * package, so it is recovered by reachability: apimachinery meta types first, then every type reached
 * from a core/v1 kind, then each other group's kinds claim what is left. Used only by the generator.
 */
import type { Model } from "./client-node-models.ts";
import { apiPackagePrefix } from "./served-resources.ts";

/** Upstream package prefix of apimachinery's meta/v1 types. */
export const META_PREFIX = "io.k8s.apimachinery.pkg.apis.meta.v1.";

// Roots of the meta/v1 types client-node generates; whatever they reach is meta/v1 as well.
// FieldSelectorRequirement is only used by authorization/v1, hence listed (checked against
// k8s.io/apimachinery v0.34 pkg/apis/meta/v1/types.go).
const META_ROOTS = [
  "V1ObjectMeta",
  "V1ListMeta",
  "V1LabelSelector",
  "V1Condition",
  "V1Status",
  "V1DeleteOptions",
  "V1FieldSelectorRequirement",
];

// Core types that no served core kind reaches, so reachability alone would file them under the group
// that first uses them (verified against k8s.io/api v0.34 core/v1/types.go).
const CORE_ONLY_REACHED_ELSEWHERE = ["V1TopologySelectorTerm"];

// Client-node prefixes a class with its group where two groups define the same name.
const GROUP_PREFIXES: Readonly<Record<string, string>> = {
  Core: "",
  Events: "events.k8s.io",
  Discovery: "discovery.k8s.io",
  Rbac: "rbac.authorization.k8s.io",
  Storage: "storage.k8s.io",
  Authentication: "authentication.k8s.io",
};

interface ParsedClassName {
  groupPrefix?: string;
  /** `v1`, `v2`, `v1beta1`. */
  version: string;
  name: string;
}

/** Splits `CoreV1EventSeries` into group prefix `Core`, version `v1`, name `EventSeries`. */
export function parseClassName(className: string): ParsedClassName | undefined {
  const match = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(className);
  if (match?.[2] === undefined || match[3] === undefined) return undefined;
  const parsed: ParsedClassName = { version: match[2].toLowerCase(), name: match[3] };
  if (match[1] !== undefined) parsed.groupPrefix = match[1];
  return parsed;
}

/** Names client-node uses in types without generating a model: custom-marshalled apimachinery types. */
export const UNMODELLED_CLASSES: ReadonlySet<string> = new Set(["V1MicroTime"]);

/** Model classes a type expression refers to: `Array<V1Container>` → `V1Container`. */
export function referencedClasses(type: string): string[] {
  return [...type.matchAll(/\b(?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?[A-Z]\w*/g)]
    .map((m) => m[0])
    .filter((name) => !UNMODELLED_CLASSES.has(name));
}

/** A root kind: the client-node class of a served kind and its group-version. */
export interface RootClass {
  className: string;
  group: string;
  version: string;
}

/**
 * Upstream name for every class reachable from the roots. Throws when a reachable class cannot be
 * placed (its version differs from the root that reaches it and nothing claimed it before).
 */
export function assignUpstreamNames(
  models: ReadonlyMap<string, Model>,
  roots: readonly RootClass[],
): Map<string, string> {
  const names = new Map<string, string>();
  const claim = (className: string, prefix: string): void => {
    const parsed = parseClassName(className);
    if (!parsed) throw new Error(`unexpected client-node class name ${className}`);
    if (!names.has(className)) names.set(className, prefix + parsed.name);
  };
  const walk = (start: string, prefix: string, version: string): void => {
    const queue = [start];
    while (queue.length > 0) {
      const className = queue.shift()!;
      const parsed = parseClassName(className);
      if (!parsed) throw new Error(`unexpected client-node class name ${className}`);
      if (names.has(className) && className !== start) continue;
      if (parsed.groupPrefix !== undefined) {
        const group = GROUP_PREFIXES[parsed.groupPrefix];
        if (group === undefined) throw new Error(`unknown group prefix in ${className}`);
        claim(className, apiPackagePrefix(group, parsed.version));
      } else if (parsed.version !== version) {
        throw new Error(`${className} reached from ${prefix}* but its version is ${parsed.version}`);
      } else {
        claim(className, prefix);
      }
      const model = models.get(className);
      if (!model) throw new Error(`client-node has no model ${className}`);
      for (const field of model.fields) {
        for (const referenced of referencedClasses(field.type)) {
          if (!names.has(referenced)) queue.push(referenced);
        }
      }
    }
  };
  for (const root of META_ROOTS) walk(root, META_PREFIX, "v1");
  for (const extra of CORE_ONLY_REACHED_ELSEWHERE) walk(extra, apiPackagePrefix("", "v1"), "v1");
  const ordered = [...roots].sort((a, b) => Number(b.group === "") - Number(a.group === ""));
  // Roots claim their own names first so a kind is never filed under a group that merely embeds it.
  for (const root of ordered) claim(root.className, apiPackagePrefix(root.group, root.version));
  for (const root of ordered) walk(root.className, apiPackagePrefix(root.group, root.version), root.version);
  return names;
}
