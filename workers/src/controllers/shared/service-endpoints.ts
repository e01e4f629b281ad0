/**
 * What the endpoints and endpointslice controllers share: which pods back a Service, at which
 * address and port (k8s.io/endpointslice/util/controller_utils.go, utils.go FindPort; release-1.32).
 */
import { isIPv6 } from "node:net";
import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { isPodTerminal, podCondition } from "./pods.ts";

/** v1.IsHeadlessService: on Endpoints and EndpointSlices of a Service without a cluster IP. */
export const HEADLESS_LABEL = "service.kubernetes.io/headless";
/** v1.EndpointsLastChangeTriggerTime. */
export const TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string> | null;
  clusterIP?: string;
  ipFamilies?: string[];
  ports?: ServicePort[];
  publishNotReadyAddresses?: boolean;
}

interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

interface Container {
  ports?: ContainerPort[];
  restartPolicy?: string;
}

interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containers?: Container[];
  initContainers?: Container[];
}

export function serviceSpec(svc: KubeObject): ServiceSpec {
  return (svc.spec ?? {}) as ServiceSpec;
}

export function podSpec(pod: KubeObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

/**
 * The selector whose pods back the Service, or undefined when the controllers leave it alone:
 * ExternalName Services and Services without a selector (their Endpoints are the user's). An empty
 * selector is no selector: stored upstream as protobuf, `{}` comes back nil.
 */
export function managedSelector(svc: KubeObject): Record<string, string> | undefined {
  const spec = serviceSpec(svc);
  if (spec.type === "ExternalName") return undefined;
  const selector = spec.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  return selector;
}

/** The Services of the namespace whose pods the controllers publish. */
export async function selectorServiceNames(client: InProcessClient, namespace: string): Promise<string[]> {
  const services = await client.list(CORE_V1("services"), namespace);
  return services.filter((svc) => managedSelector(svc) !== undefined).map((svc) => svc.metadata.name ?? "");
}

/** helper.IsServiceIPSet: a cluster IP that is neither empty nor None. */
export function hasClusterIP(svc: KubeObject): boolean {
  const ip = serviceSpec(svc).clusterIP;
  return ip !== undefined && ip !== "" && ip !== "None";
}

/** status.podIPs, or the single status.podIP a client that predates dual-stack wrote. */
export function podIPs(pod: KubeObject): string[] {
  const status = (pod.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[] };
  const ips = (status.podIPs ?? []).map((p) => p.ip).filter(Boolean);
  if (ips.length > 0) return ips;
  return status.podIP ? [status.podIP] : [];
}

/**
 * ShouldPodBeInEndpoints: not finished, has an address, and (unless asked to include them) not
 * terminating.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: a pod that names this Service as its subdomain gets a DNS hostname. */
export function hostnameFor(pod: KubeObject, svc: KubeObject): string | undefined {
  const spec = podSpec(pod);
  if (!spec.hostname || spec.subdomain !== svc.metadata.name) return undefined;
  return pod.metadata.namespace === svc.metadata.namespace ? spec.hostname : undefined;
}

/**
 * FindPort: a numeric targetPort as is; a named one looked up among the containers' ports (and
 * sidecars': init containers with restartPolicy Always) with the Service port's protocol.
 */
export function findPort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const asNumber = Number(target);
  if (target !== "" && Number.isInteger(asNumber)) return asNumber;
  const protocol = port.protocol ?? "TCP";
  const spec = podSpec(pod);
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  for (const container of [...(spec.containers ?? []), ...sidecars]) {
    const found = (container.ports ?? []).find(
      (p) => p.name === target && (p.protocol ?? "TCP") === protocol,
    );
    if (found) return found.containerPort;
  }
  return undefined;
}

/** The IP family of an address as the Service's ipFamilies name it. */
export function ipFamilyOf(ip: string): "IPv4" | "IPv6" {
  return isIPv6(ip) ? "IPv6" : "IPv4";
}

/**
 * The endpoints.kubernetes.io/last-change-trigger-time of a write (TriggerTimeTracker): a new
 * Service's creation, else the earliest Ready transition among the pods whose endpoint changed;
 * undefined (the annotation is removed) when no such time is known, e.g. when pods only left.
 * Upstream remembers what it saw last in memory; here the stored object is that memory.
 */
export function lastChangeTriggerTime(
  svc: KubeObject,
  isNew: boolean,
  changedPods: readonly KubeObject[],
): string | undefined {
  if (isNew) {
    const created = svc.metadata.creationTimestamp;
    return created ? rfc3339Nano(Date.parse(created)) : undefined;
  }
  let earliest: number | undefined;
  for (const pod of changedPods) {
    const at = podCondition(pod, "Ready")?.lastTransitionTime;
    if (!at) continue;
    const ms = Date.parse(at);
    if (earliest === undefined || ms < earliest) earliest = ms;
  }
  return earliest === undefined ? undefined : rfc3339Nano(earliest);
}

/** metav1.Time formatted with RFC3339Nano, as the trigger-time annotation is: no trailing zeros. */
function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : "Z"));
}
