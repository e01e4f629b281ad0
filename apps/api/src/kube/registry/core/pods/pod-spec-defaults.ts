/**
 * PodSpec defaulting (SetDefaults_PodSpec, SetDefaults_Pod and the generated defaulters, release-1.32).
 * Pod templates get the spec defaults only: enableServiceLinks and requests-from-limits are Pod-only,
 * which is why a Deployment's template shows neither.
 */
import { asObject, asString, ensureObject, type JsonObject, objectsOf } from "../json.ts";
import { defaultContainer } from "./container-defaults.ts";
import { defaultVolume } from "./volume-defaults.ts";

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

/** Defaults a PodSpec in place (also the spec of every pod template). */
export function defaultPodSpec(spec: JsonObject): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = "ClusterFirst";
  if (!spec.restartPolicy) spec.restartPolicy = "Always";
  ensureObject(spec, "securityContext");
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = 30;
  }
  if (!spec.schedulerName) spec.schedulerName = "default-scheduler";
  // v1 keeps the deprecated serviceAccount as an alias: it fills serviceAccountName and mirrors it.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (asString(spec.serviceAccountName)) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const list of CONTAINER_LISTS) for (const [c] of objectsOf(spec[list])) defaultContainer(c);
  for (const [volume] of objectsOf(spec.volumes)) defaultVolume(volume);
}

/**
 * Defaults a PodTemplateSpec in place. Its ObjectMeta is a struct in Go, so an unset creation
 * timestamp serializes as `creationTimestamp: null`, exactly as kubectl shows in templates.
 */
export function defaultPodTemplate(template: JsonObject): void {
  const metadata = ensureObject(template, "metadata");
  if (metadata.creationTimestamp === undefined) metadata.creationTimestamp = null;
  defaultPodSpec(ensureObject(template, "spec"));
}

/** SetDefaults_Pod on top of the spec defaults: what only a Pod (not a template) gets. */
export function defaultPod(pod: JsonObject): void {
  const spec = ensureObject(pod, "spec");
  for (const list of ["containers", "initContainers"]) {
    for (const [c] of objectsOf(spec[list])) {
      const resources = asObject(c.resources);
      const limits = asObject(resources?.limits);
      if (!resources || !limits) continue;
      const requests = ensureObject(resources, "requests");
      for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null)
    spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const list of ["containers", "initContainers"]) {
      for (const [c] of objectsOf(spec[list])) {
        for (const [port] of objectsOf(c.ports)) if (!port.hostPort) port.hostPort = port.containerPort;
      }
    }
  }
  defaultPodSpec(spec);
}
