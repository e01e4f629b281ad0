/**
 * Service defaulting: SetDefaults_Service (pkg/apis/core/v1/defaults.go) and the IP family
 * initialisation the Service REST storage does before allocating (initIPFamilyFields in alloc.go,
 * release-1.32), for a single-stack IPv4 cluster.
 */
import { asArray, asObject, asString, ensureObject, type JsonObject } from "../json.ts";
import { clusterIPs, externallyAccessible, specOf } from "./service-fields.ts";

const CLIENT_IP_TIMEOUT_SECONDS = 10800;

/** SetDefaults_Service */
function defaultServiceSpec(spec: JsonObject): void {
  if (!spec.sessionAffinity) spec.sessionAffinity = "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const timeout = asObject(asObject(asObject(spec.sessionAffinityConfig)?.clientIP))?.timeoutSeconds;
    if (timeout === undefined || timeout === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: CLIENT_IP_TIMEOUT_SECONDS } };
    }
  }
  if (!spec.type) spec.type = "ClusterIP";
  for (const raw of asArray(spec.ports)) {
    const port = asObject(raw);
    if (!port) continue;
    if (!port.protocol) port.protocol = "TCP";
    if (
      port.targetPort === undefined ||
      port.targetPort === null ||
      port.targetPort === 0 ||
      port.targetPort === ""
    ) {
      port.targetPort = port.port;
    }
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = "Cluster";
  if (
    (spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) &&
    ["NodePort", "LoadBalancer", "ClusterIP"].includes(asString(spec.type))
  ) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (
    spec.type === "LoadBalancer" &&
    (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)
  ) {
    spec.allocateLoadBalancerNodePorts = true;
  }
}

/**
 * initIPFamilyFields for this single-stack IPv4 cluster: a policy when none was given (SingleStack,
 * or RequireDualStack for a headless service without selector), families inferred from the cluster
 * IPs, then the cluster default. Errors are left for validation to report.
 */
function initIpFamilies(spec: JsonObject): void {
  if (spec.type === "ExternalName") return;
  const headlessSelectorless =
    spec.clusterIP === "None" && Object.keys(asObject(spec.selector) ?? {}).length === 0;
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    spec.ipFamilyPolicy = headlessSelectorless ? "RequireDualStack" : "SingleStack";
  }
  const families = asArray(spec.ipFamilies).map(asString);
  clusterIPs(spec).forEach((ip, i) => {
    if (ip === "None" || i < families.length) return;
    // Only IPv4 is configured here; an IPv6 address is reported by validation instead.
    if (!ip.includes(":")) families.push("IPv4");
  });
  if (families.length === 0) families.push("IPv4");
  if (headlessSelectorless && families.length < 2 && spec.ipFamilyPolicy !== "SingleStack") {
    families.push(families[0] === "IPv4" ? "IPv6" : "IPv4");
  }
  spec.ipFamilies = families;
}

/** Defaults a whole Service object: scheme defaults, then family initialisation. */
export function defaultService(svc: JsonObject): void {
  const spec = ensureObject(svc, "spec");
  defaultServiceSpec(spec);
  initIpFamilies(spec);
  ensureObject(svc, "status");
  ensureObject(asObject(svc.status) ?? {}, "loadBalancer");
}

/** normalizeClusterIPs on create: a client that set only clusterIP gets clusterIPs to match. */
export function normalizeClusterIPsOnCreate(svc: JsonObject): void {
  const spec = specOf(svc);
  if (asString(spec.clusterIP) && clusterIPs(spec).length === 0) spec.clusterIPs = [spec.clusterIP];
}
