/**
 * Resource arithmetic as the scheduler does it (pkg/scheduler/framework/types.go `Resource`,
 * k8s.io/component-helpers/resource `PodRequests`): cpu in millicores, everything else in whole units.
 */
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { milliValue, parseQuantity } from "../../../apps/api/src/kube/validation/quantity.ts";

export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources, hugepages, attachable volumes: anything past cpu/memory/storage. */
  scalar: Map<string, number>;
}

/** What the scheduler assumes of a container that requests nothing, when scoring (util.GetNonzeroRequests). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

export function addResources(into: Resources, other: Resources, sign = 1): void {
  into.milliCpu += sign * other.milliCpu;
  into.memory += sign * other.memory;
  into.ephemeralStorage += sign * other.ephemeralStorage;
  for (const [name, value] of other.scalar)
    into.scalar.set(name, (into.scalar.get(name) ?? 0) + sign * value);
}

function maxResources(into: Resources, other: Resources): void {
  into.milliCpu = Math.max(into.milliCpu, other.milliCpu);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [name, value] of other.scalar)
    into.scalar.set(name, Math.max(into.scalar.get(name) ?? 0, value));
}

function cloneResources(r: Resources): Resources {
  return { ...r, scalar: new Map(r.scalar) };
}

/** v1helper.IsScalarResourceName: extended (domain-prefixed), hugepages, attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  return name.includes("/") || name.startsWith("hugepages-") || name.startsWith("attachable-volumes-");
}

/** Whole units of a quantity, rounded up as Quantity.Value() is. */
function unitValue(value: unknown): number {
  const q = parseQuantity(value);
  if (!q) return 0;
  return Math.ceil(Number(milliValue(q)) / 1000);
}

function milliCpuValue(value: unknown): number {
  const q = parseQuantity(value);
  return q ? Number(milliValue(q)) : 0;
}

/** A ResourceList (requests, allocatable) as Resources; `pods` and unknown names are left out. */
export function resourcesFromList(list: unknown): Resources {
  const out = emptyResources();
  if (typeof list !== "object" || list === null) return out;
  for (const [name, value] of Object.entries(list as Record<string, unknown>)) {
    if (name === "cpu") out.milliCpu = milliCpuValue(value);
    else if (name === "memory") out.memory = unitValue(value);
    else if (name === "ephemeral-storage") out.ephemeralStorage = unitValue(value);
    else if (isScalarResourceName(name)) out.scalar.set(name, unitValue(value));
  }
  return out;
}

/** The pods a node takes (status.allocatable.pods). */
export function allowedPodNumber(allocatable: unknown): number {
  const pods = (allocatable as Record<string, unknown> | undefined)?.pods;
  return pods === undefined ? 0 : unitValue(pods);
}

interface ContainerShape {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  restartPolicy?: string;
}

function containerRequests(c: ContainerShape, nonZero: boolean): Resources {
  const requests = c.resources?.requests ?? {};
  const r = resourcesFromList(requests);
  if (nonZero) {
    // A request left out (not one set to zero) counts as the default when spreading by usage.
    if (requests.cpu === undefined) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (requests.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * resourcehelper.PodRequests: containers add up; init containers run one at a time, so only the
 * largest counts, except sidecars (restartPolicy Always) which keep running next to what follows;
 * then the pod overhead. `nonZero` applies the scoring defaults to containers that request nothing.
 */
export function podRequests(pod: KubeObject, nonZero = false): Resources {
  const spec = (pod.spec ?? {}) as {
    containers?: ContainerShape[];
    initContainers?: ContainerShape[];
    overhead?: Record<string, unknown>;
  };
  const total = emptyResources();
  for (const c of spec.containers ?? []) addResources(total, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initPeak = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const own = containerRequests(c, nonZero);
    if (c.restartPolicy === "Always") {
      addResources(total, own);
      addResources(sidecars, own);
      maxResources(initPeak, sidecars);
    } else {
      const during = cloneResources(own);
      addResources(during, sidecars);
      maxResources(initPeak, during);
    }
  }
  maxResources(total, initPeak);
  if (spec.overhead) addResources(total, resourcesFromList(spec.overhead));
  return total;
}
