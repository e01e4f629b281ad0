/**
 * Container defaulting (SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction and the
 * generated defaulters of k8s.io/api/core/v1, release-1.32): what every container in a pod or pod
 * template shows once stored.
 */

import { asObject, asString, ensureObject, type JsonObject, objectsOf, setDefault } from "../json.ts";
import { defaultQuantityField, defaultResourceList } from "../resource-list.ts";
import { defaultPullPolicy } from "./image-name.ts";

/** Defaults one container (regular, init or ephemeral) in place. */
export function defaultContainer(c: JsonObject): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(asString(c.image));
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  // ResourceRequirements is a struct, not a pointer: Go always serializes it, empty as {}.
  const resources = ensureObject(c, "resources");
  defaultResourceList(resources.limits);
  defaultResourceList(resources.requests);
  for (const [port] of objectsOf(c.ports)) setDefault(port, "protocol", "TCP");
  for (const [env] of objectsOf(c.env)) defaultEnvSource(asObject(env.valueFrom));
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) defaultProbe(asObject(c[probe]));
  const lifecycle = asObject(c.lifecycle);
  if (lifecycle) {
    defaultHandler(asObject(lifecycle.postStart));
    defaultHandler(asObject(lifecycle.preStop));
  }
}

/** Env and downward API sources: fieldRef speaks v1 unless told otherwise; divisors are quantities. */
export function defaultEnvSource(source: JsonObject | undefined): void {
  if (!source) return;
  const fieldRef = asObject(source.fieldRef);
  if (fieldRef) setDefault(fieldRef, "apiVersion", "v1");
  defaultResourceFieldRef(asObject(source.resourceFieldRef));
}

/** ResourceFieldSelector.Divisor is a non-pointer Quantity: an unset one serializes as "0". */
export function defaultResourceFieldRef(ref: JsonObject | undefined): void {
  if (!ref) return;
  if (ref.divisor === undefined || ref.divisor === null) ref.divisor = "0";
  else defaultQuantityField(ref, "divisor");
}

/** SetDefaults_Probe: zero values are replaced, explicit or not. */
function defaultProbe(probe: JsonObject | undefined): void {
  if (!probe) return;
  const zeroToDefault = (key: string, value: number) => {
    if (!probe[key]) probe[key] = value;
  };
  zeroToDefault("timeoutSeconds", 1);
  zeroToDefault("periodSeconds", 10);
  zeroToDefault("successThreshold", 1);
  zeroToDefault("failureThreshold", 3);
  defaultHandler(probe);
  const grpc = asObject(probe.grpc);
  if (grpc && (grpc.service === undefined || grpc.service === null)) grpc.service = "";
}

/** SetDefaults_HTTPGetAction for probes and lifecycle hooks. */
function defaultHandler(handler: JsonObject | undefined): void {
  const httpGet = asObject(handler?.httpGet);
  if (!httpGet) return;
  setDefault(httpGet, "path", "/");
  setDefault(httpGet, "scheme", "HTTP");
}
