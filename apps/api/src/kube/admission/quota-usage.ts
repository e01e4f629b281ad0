/**
 * What a ResourceQuota counts (pkg/quota/v1/evaluator/core and the generic object-count evaluator,
 * release-1.32): each object's usage as a ResourceList, which kinds a quota's hard resources need
 * to be listed, and which objects a quota with scopes covers. Shared by the ResourceQuota admission
 * and the resourcequota controller, so the usage admission checks is the usage status shows.
 */
import type { KubeObject } from "../object/types.ts";
import { compareGoStrings } from "../validation/go-format.ts";
import {
  addQuantities,
  compareQuantities,
  parseQuantity,
  type Quantity,
  ZERO_QUANTITY,
} from "../validation/quantity.ts";

/** A ResourceList: resource name → amount. Absent means "not used at all", not zero. */
export type Usage = Map<string, Quantity>;

export interface GroupResource {
  group: string;
  resource: string;
}

const ONE: Quantity = { mantissa: 1n, scale: 0, format: "DecimalSI" };

/** The object-count names that predate `count/…` (ResourceQuota's legacy names), by core resource. */
const LEGACY_COUNTS: Record<string, string> = {
  pods: "pods",
  services: "services",
  configmaps: "configmaps",
  secrets: "secrets",
  persistentvolumeclaims: "persistentvolumeclaims",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
};

const POD_COMPUTE = /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/;

/** The kind whose objects a hard resource name counts, or undefined for one nothing here counts. */
export function countedKind(name: string): GroupResource | undefined {
  if (name.startsWith("count/")) {
    const rest = name.slice("count/".length);
    const dot = rest.indexOf(".");
    return dot < 0
      ? { group: "", resource: rest }
      : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  }
  const legacy = Object.entries(LEGACY_COUNTS).find(([, n]) => n === name);
  if (legacy) return { group: "", resource: legacy[0] };
  if (POD_COMPUTE.test(name)) return { group: "", resource: "pods" };
  if (name === "services.nodeports" || name === "services.loadbalancers")
    return { group: "", resource: "services" };
  if (name === "requests.storage") return { group: "", resource: "persistentvolumeclaims" };
  return undefined;
}

/** The distinct kinds to list to compute the usage of `names`. */
export function kindsCounted(names: Iterable<string>): GroupResource[] {
  const kinds = new Map<string, GroupResource>();
  for (const name of names) {
    const kind = countedKind(name);
    if (kind) kinds.set(`${kind.group}/${kind.resource}`, kind);
  }
  return [...kinds.values()];
}

/** spec.hard as quantities, in Go's sorted key order. */
export function hardOf(quota: KubeObject): Usage {
  const hard: Usage = new Map();
  const list = (quota.spec as { hard?: Record<string, unknown> } | undefined)?.hard ?? {};
  for (const name of Object.keys(list).sort(compareGoStrings)) {
    const q = parseQuantity(list[name]);
    if (q) hard.set(name, q);
  }
  return hard;
}

/** quota.Add: the sum keeps the format of the amount already there (Go's Quantity.Add). */
export function addUsage(into: Usage, other: Usage): void {
  for (const [name, q] of other) {
    const current = into.get(name);
    into.set(name, current ? addQuantities(current, q) : q);
  }
}

/** What one object holds of its namespace's quotas. */
export function objectUsage(group: string, resource: string, obj: KubeObject, now: Date): Usage {
  const usage: Usage = new Map();
  if (group === "" && resource === "pods") {
    if (!holdsQuota(obj, now)) return usage;
    addPodCompute(usage, obj);
  }
  usage.set(group === "" ? `count/${resource}` : `count/${resource}.${group}`, ONE);
  if (group === "" && LEGACY_COUNTS[resource]) usage.set(LEGACY_COUNTS[resource], ONE);
  if (group === "" && resource === "services") addServiceUsage(usage, obj);
  if (group === "" && resource === "persistentvolumeclaims") {
    const storage = parseQuantity(
      (obj.spec as { resources?: { requests?: { storage?: unknown } } } | undefined)?.resources?.requests
        ?.storage,
    );
    if (storage) usage.set("requests.storage", storage);
  }
  return usage;
}

/** QuotaV1Pod: a finished pod, or one past its deletion grace period, holds nothing. */
function holdsQuota(pod: KubeObject, now: Date): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  const { deletionTimestamp, deletionGracePeriodSeconds } = pod.metadata;
  if (deletionTimestamp && deletionGracePeriodSeconds !== undefined) {
    const end = Date.parse(deletionTimestamp) + deletionGracePeriodSeconds * 1000;
    if (now.getTime() > end) return false;
  }
  return true;
}

interface ContainerShape {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  restartPolicy?: string;
}

interface PodSpecShape {
  containers?: ContainerShape[];
  initContainers?: ContainerShape[];
  overhead?: Record<string, unknown>;
  activeDeadlineSeconds?: number;
  priorityClassName?: string;
}

function specOf(pod: KubeObject): PodSpecShape {
  return (pod.spec ?? {}) as PodSpecShape;
}

/**
 * A container's requests as upstream stores them: SetDefaults_Pod copies each limit without a
 * request into the requests, which the pod strategy here does not do (yet), so it is done on read.
 */
function requestsOf(c: ContainerShape): Record<string, unknown> {
  return { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
}

/** podComputeUsageHelper over PodRequests and PodLimits. */
function addPodCompute(usage: Usage, pod: KubeObject): void {
  const requests = podResourceList(pod, "requests");
  const limits = podResourceList(pod, "limits");
  for (const resource of ["cpu", "memory", "ephemeral-storage"]) {
    const request = requests.get(resource);
    if (request) {
      usage.set(resource, request);
      usage.set(`requests.${resource}`, request);
    }
    const limit = limits.get(resource);
    if (limit) usage.set(`limits.${resource}`, limit);
  }
}

function resourceList(list: Record<string, unknown> | undefined): Usage {
  const out: Usage = new Map();
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = parseQuantity(value);
    if (q) out.set(name, q);
  }
  return out;
}

function maxInto(into: Usage, other: Usage): void {
  for (const [name, q] of other) {
    const current = into.get(name);
    if (!current || compareQuantities(q, current) > 0) into.set(name, q);
  }
}

/**
 * resourcehelper.PodRequests / PodLimits: containers add up; init containers run one at a time, so
 * only the largest counts, except sidecars (restartPolicy Always) which run beside what follows;
 * then the pod overhead (for limits, only on resources that have a limit).
 */
function podResourceList(pod: KubeObject, field: "requests" | "limits"): Usage {
  const spec = specOf(pod);
  const total: Usage = new Map();
  const listOf = (c: ContainerShape) =>
    resourceList(field === "requests" ? requestsOf(c) : c.resources?.limits);
  for (const c of spec.containers ?? []) addUsage(total, listOf(c));
  const sidecars: Usage = new Map();
  const initPeak: Usage = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = listOf(c);
    if (c.restartPolicy === "Always") {
      addUsage(total, own);
      addUsage(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const during = new Map(own);
      addUsage(during, sidecars);
      maxInto(initPeak, during);
    }
  }
  maxInto(total, initPeak);
  for (const [name, q] of resourceList(spec.overhead)) {
    if (field === "requests" || total.has(name)) addUsage(total, new Map([[name, q]]));
  }
  return total;
}

/** Service usage: node ports by intent (they are not allocated yet at admission). */
function addServiceUsage(usage: Usage, svc: KubeObject): void {
  const spec = (svc.spec ?? {}) as {
    type?: string;
    ports?: { nodePort?: number }[];
    allocateLoadBalancerNodePorts?: boolean;
  };
  const ports = spec.ports ?? [];
  const count = (n: number): Quantity => ({ mantissa: BigInt(n), scale: 0, format: "DecimalSI" });
  if (spec.type === "NodePort") usage.set("services.nodeports", count(ports.length));
  if (spec.type === "LoadBalancer") {
    const withPorts =
      spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
    usage.set("services.nodeports", count(withPorts));
    usage.set("services.loadbalancers", ONE);
  }
}

/**
 * The compute resources a pod must state when a quota constrains them (podEvaluator.Constraints:
 * "a mistake" upstream keeps for compatibility). Returns upstream's error text, or undefined.
 */
export function missingComputeResources(pod: KubeObject, constrained: Iterable<string>): string | undefined {
  const required = new Set([...constrained].filter((n) => /^(requests\.|limits\.)?(cpu|memory)$/.test(n)));
  if (required.size === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  const spec = specOf(pod);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const requests = requestsOf(c);
    const limits = c.resources?.limits ?? {};
    const has = new Set<string>();
    for (const r of ["cpu", "memory"]) {
      if (requests[r] !== undefined) has.add(r).add(`requests.${r}`);
      if (limits[r] !== undefined) has.add(`limits.${r}`);
    }
    for (const r of required) {
      if (has.has(r)) continue;
      const names = missing.get(r) ?? new Set<string>();
      missing.set(r, names.add(c.name ?? ""));
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()]
    .sort(compareGoStrings)
    .map((r) => `${r} for: ${[...missing.get(r)!].sort(compareGoStrings).join(",")}`);
  return `must specify ${parts.join("; ")}`;
}

interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values: string[];
}

function scopeRequirements(quota: KubeObject): ScopeRequirement[] {
  const spec = (quota.spec ?? {}) as {
    scopes?: string[];
    scopeSelector?: { matchExpressions?: Partial<ScopeRequirement>[] };
  };
  const reqs: ScopeRequirement[] = (spec.scopes ?? []).map((s) => ({
    scopeName: s,
    operator: "Exists",
    values: [],
  }));
  for (const e of spec.scopeSelector?.matchExpressions ?? []) {
    reqs.push({ scopeName: e.scopeName ?? "", operator: e.operator ?? "", values: e.values ?? [] });
  }
  return reqs;
}

function isBestEffort(pod: KubeObject): boolean {
  const spec = specOf(pod);
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].every((c) => {
    const set = (list: Record<string, unknown> | undefined) =>
      Object.keys(list ?? {}).some((r) => r === "cpu" || r === "memory");
    return !set(c.resources?.requests) && !set(c.resources?.limits);
  });
}

function podMatchesScope(pod: KubeObject, req: ScopeRequirement): boolean {
  const spec = specOf(pod);
  switch (req.scopeName) {
    case "Terminating":
      return spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null;
    case "NotTerminating":
      return spec.activeDeadlineSeconds === undefined || spec.activeDeadlineSeconds === null;
    case "BestEffort":
      return isBestEffort(pod);
    case "NotBestEffort":
      return !isBestEffort(pod);
    case "PriorityClass": {
      const name = spec.priorityClassName ?? "";
      if (req.operator === "In") return req.values.includes(name);
      if (req.operator === "NotIn") return !req.values.includes(name);
      if (req.operator === "Exists") return name !== "";
      return name === "";
    }
    default:
      // CrossNamespacePodAffinity needs the pod's affinity terms; such quotas are not enforced here.
      return false;
  }
}

/** Whether a quota covers an object: a quota with scopes covers only the pods its scopes select. */
export function quotaCovers(quota: KubeObject, group: string, resource: string, obj: KubeObject): boolean {
  const reqs = scopeRequirements(quota);
  if (reqs.length === 0) return true;
  if (group !== "" || resource !== "pods") return false;
  return reqs.every((req) => podMatchesScope(obj, req));
}

/** What the objects the quota covers use of each of its hard resources (zero when unused). */
export function quotaUsed(
  quota: KubeObject,
  objects: ReadonlyMap<string, readonly KubeObject[]>,
  now: Date,
): Usage {
  const hard = hardOf(quota);
  const total: Usage = new Map();
  for (const kind of kindsCounted(hard.keys())) {
    for (const obj of objects.get(kindKey(kind)) ?? []) {
      if (quotaCovers(quota, kind.group, kind.resource, obj))
        addUsage(total, objectUsage(kind.group, kind.resource, obj, now));
    }
  }
  const used: Usage = new Map();
  for (const name of hard.keys()) used.set(name, total.get(name) ?? ZERO_QUANTITY);
  return used;
}

export function kindKey(kind: GroupResource): string {
  return `${kind.group}/${kind.resource}`;
}

/** Lists the objects of every kind the quotas count, once per kind. */
export async function objectsCounted(
  quotas: readonly KubeObject[],
  list: (kind: GroupResource) => Promise<KubeObject[]>,
): Promise<Map<string, KubeObject[]>> {
  const kinds = new Map<string, GroupResource>();
  for (const quota of quotas) {
    for (const kind of kindsCounted(hardOf(quota).keys())) kinds.set(kindKey(kind), kind);
  }
  const out = new Map<string, KubeObject[]>();
  for (const [key, kind] of kinds) out.set(key, await list(kind));
  return out;
}
