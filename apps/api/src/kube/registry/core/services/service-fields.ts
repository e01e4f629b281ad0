/** Readers for Service specs shared by defaulting, validation and allocation (pkg/api/service helpers). */
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";

export function specOf(svc: JsonObject): JsonObject {
  return asObject(svc.spec) ?? {};
}

export function serviceType(spec: JsonObject): string {
  return asString(spec.type);
}

export function clusterIPs(spec: JsonObject): string[] {
  return asArray(spec.clusterIPs).map(asString);
}

/** One "None" and nothing else: the service gets no virtual IP. */
export function isHeadless(spec: JsonObject): boolean {
  const ips = clusterIPs(spec);
  return ips.length === 1 && ips[0] === "None";
}

/** Everything but ExternalName gets a cluster IP (or an explicit None). */
export function needsClusterIP(spec: JsonObject): boolean {
  return serviceType(spec) !== "ExternalName";
}

export function needsNodePort(spec: JsonObject): boolean {
  const type = serviceType(spec);
  return type === "NodePort" || type === "LoadBalancer";
}

/** apiservice.ExternallyAccessible */
export function externallyAccessible(spec: JsonObject): boolean {
  const type = serviceType(spec);
  return (
    type === "LoadBalancer" ||
    type === "NodePort" ||
    (type === "ClusterIP" && asArray(spec.externalIPs).length > 0)
  );
}

/** apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheck(spec: JsonObject): boolean {
  return serviceType(spec) === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/** NodePort always allocates; LoadBalancer unless allocateLoadBalancerNodePorts is false. */
export function shouldAllocateNodePorts(spec: JsonObject): boolean {
  const type = serviceType(spec);
  if (type === "NodePort") return true;
  return type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false;
}

export function ports(spec: JsonObject): [JsonObject, number][] {
  return objectsOf(spec.ports);
}

/** Every node port a service holds, health check port included. */
export function heldNodePorts(spec: JsonObject): number[] {
  const held = ports(spec)
    .map(([p]) => asNumber(p.nodePort) ?? 0)
    .filter((n) => n !== 0);
  const hc = asNumber(spec.healthCheckNodePort) ?? 0;
  if (hc !== 0) held.push(hc);
  return held;
}
