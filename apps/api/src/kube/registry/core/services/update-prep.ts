/**
 * What an update keeps or drops before validation (release-1.32): patchAllocatedValues and
 * normalizeClusterIPs from the Service REST storage, dropTypeDependentFields from the strategy.
 */
import { jsonEqual } from "../../../object/equality.ts";
import { asArray, asNumber, asObject, asString, ensureObject, type JsonObject } from "../json.ts";
import {
  clusterIPs,
  externallyAccessible,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  ports,
} from "./service-fields.ts";

/** Values the cluster allocated that a client (e.g. `kubectl apply`) did not repeat are kept. */
export function patchAllocatedValues(spec: JsonObject, old: JsonObject): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!asString(spec.clusterIP) && old.clusterIP !== undefined) spec.clusterIP = old.clusterIP;
    if (clusterIPs(spec).length === 0 && clusterIPs(old).length > 0) spec.clusterIPs = old.clusterIPs;
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const nodePortsOf = (s: JsonObject) =>
      new Set(
        ports(s)
          .map(([p]) => asNumber(p.nodePort) ?? 0)
          .filter((n) => n !== 0),
      );
    const newPorts = nodePortsOf(spec);
    const used = new Set([...nodePortsOf(old)].filter((n) => newPorts.has(n)));
    const byName = new Map(ports(old).map(([p]) => [asString(p.name), asNumber(p.nodePort) ?? 0]));
    for (const [p] of ports(spec)) {
      if (asNumber(p.nodePort)) continue;
      const oldValue = byName.get(asString(p.name)) ?? 0;
      if (oldValue !== 0 && !used.has(oldValue)) p.nodePort = oldValue;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !asNumber(spec.healthCheckNodePort)) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/** normalizeClusterIPs on update: keep clusterIP and clusterIPs in step for clients that set one. */
export function normalizeClusterIPsOnUpdate(spec: JsonObject, old: JsonObject): void {
  const sameIPs = () => jsonEqual(clusterIPs(old), clusterIPs(spec));
  if (clusterIPs(old).length > 0 && clusterIPs(spec).length === 0 && old.clusterIP === spec.clusterIP) {
    spec.clusterIPs = old.clusterIPs;
  }
  if (asString(old.clusterIP) !== asString(spec.clusterIP)) {
    if (asString(old.clusterIP) && !asString(spec.clusterIP)) {
      if (sameIPs()) delete spec.clusterIPs;
    } else if (sameIPs()) {
      spec.clusterIPs = [spec.clusterIP];
    }
  }
}

/** Fields the old type needed and the new one does not, when the client left them untouched. */
export function dropTypeDependentFields(svc: JsonObject, old: JsonObject): void {
  const spec = ensureObject(svc, "spec");
  const prev = asObject(old.spec) ?? {};
  if (!needsClusterIP(spec) && needsClusterIP(prev) && jsonEqual(clusterIPs(prev), clusterIPs(spec))) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  if (
    !needsClusterIP(spec) &&
    needsClusterIP(prev) &&
    jsonEqual(asArray(prev.ipFamilies), asArray(spec.ipFamilies)) &&
    prev.ipFamilyPolicy === spec.ipFamilyPolicy
  ) {
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
  }
  if (!needsNodePort(spec) && needsNodePort(prev)) {
    const numbers = (s: JsonObject) => ports(s).map(([p]) => asNumber(p.nodePort) ?? 0);
    if (jsonEqual(numbers(prev), numbers(spec))) for (const [p] of ports(spec)) delete p.nodePort;
  }
  if (
    !needsHealthCheck(spec) &&
    needsHealthCheck(prev) &&
    spec.healthCheckNodePort === prev.healthCheckNodePort
  ) {
    delete spec.healthCheckNodePort;
  }
  if (prev.type === "LoadBalancer" && spec.type !== "LoadBalancer") {
    if (
      typeof spec.allocateLoadBalancerNodePorts === "boolean" &&
      spec.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts
    ) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (spec.loadBalancerClass === prev.loadBalancerClass) delete spec.loadBalancerClass;
    svc.status = { ...(asObject(svc.status) ?? {}), loadBalancer: {} };
  }
  if (
    externallyAccessible(prev) &&
    !externallyAccessible(spec) &&
    spec.externalTrafficPolicy === prev.externalTrafficPolicy
  ) {
    delete spec.externalTrafficPolicy;
  }
}
