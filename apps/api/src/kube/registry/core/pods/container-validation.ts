/**
 * Container validation (validateContainerCommon, validateContainers, validateInitContainers and
 * their helpers in pkg/apis/core/validation, release-1.32), with upstream's paths and messages.
 */
import { dns1123LabelErrors } from "../../../selectors/index.ts";
import {
  duplicateField,
  type FieldError,
  forbiddenField,
  invalidField,
  notFoundField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { portNameErrors, portNumErrors } from "../ports.ts";
import { validateResourceRequirements } from "../resource-requirements.ts";
import { validateEnv, validateEnvFrom } from "./env-validation.ts";
import { validateLocalDescendingPath } from "./paths.ts";
import { validateLifecycle, validateProbe } from "./probe-validation.ts";
import { validateContainerSecurityContext } from "./security-context.ts";

export const PROTOCOLS = ["SCTP", "TCP", "UDP"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

/** What every container check needs to know about its pod spec. */
export interface ContainerContext {
  volumes: ReadonlyMap<string, JsonObject>;
  claimNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
}

/** validateContainerCommon: the checks shared by regular, init and ephemeral containers. */
function validateContainerCommon(c: JsonObject, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(c.name);
  if (!name) errs.push(requiredField(`${path}.name`));
  else for (const msg of dns1123LabelErrors(name)) errs.push(invalidField(`${path}.name`, name, msg));
  if (!asString(c.image)) errs.push(requiredField(`${path}.image`));
  const policy = asString(c.terminationMessagePolicy);
  if (!policy) errs.push(requiredField(`${path}.terminationMessagePolicy`));
  else if (policy !== "File" && policy !== "FallbackToLogsOnError") {
    errs.push(
      notSupportedField(`${path}.terminationMessagePolicy`, policy, ["File", "FallbackToLogsOnError"]),
    );
  }
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, ctx.volumes, `${path}.volumeMounts`));
  const pull = asString(c.imagePullPolicy);
  if (!pull) errs.push(requiredField(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pull))
    errs.push(notSupportedField(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`, ctx.claimNames));
  errs.push(...validateContainerSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

/** validateContainers: at least one, unique names, probes and hooks, no restartPolicy. */
export function validateContainers(list: unknown, ctx: ContainerContext, path: string): FieldError[] {
  const containers = asArray(list);
  if (containers.length === 0) return [requiredField(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((raw, i) => {
    const c = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    const name = asString(c.name);
    if (names.has(name)) errs.push(duplicateField(`${at}.name`, name));
    else names.add(name);
    errs.push(...validateLifecycle(c.lifecycle, ctx.gracePeriod, `${at}.lifecycle`));
    for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
      errs.push(...validateProbe(c[probe], probe, ctx.gracePeriod, `${at}.${probe}`));
    }
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(forbiddenField(`${at}.restartPolicy`, "may not be set for non-init containers"));
    }
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

/** validateInitContainers: names unique across both lists; probes only for restartable (sidecar) ones. */
export function validateInitContainers(
  list: unknown,
  regular: unknown,
  ctx: ContainerContext,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objectsOf(regular).map(([c]) => asString(c.name)));
  asArray(list).forEach((raw, i) => {
    const c = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    let sidecar = false;
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      if (c.restartPolicy === "Always") sidecar = true;
      else errs.push(notSupportedField(`${at}.restartPolicy`, c.restartPolicy, ["Always"]));
    }
    const name = asString(c.name);
    if (names.has(name)) errs.push(duplicateField(`${at}.name`, name));
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([c], path));
    if (sidecar) {
      errs.push(...validateLifecycle(c.lifecycle, ctx.gracePeriod, `${at}.lifecycle`));
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        errs.push(...validateProbe(c[probe], probe, ctx.gracePeriod, `${at}.${probe}`));
      }
    } else {
      for (const field of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"]) {
        if (c[field] !== undefined && c[field] !== null) {
          errs.push(
            forbiddenField(
              `${at}.${field}`,
              "may not be set for init containers without restartPolicy=Always",
            ),
          );
        }
      }
    }
  });
  return errs;
}

function validateContainerPorts(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArray(list).forEach((raw, i) => {
    const port = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    const name = asString(port.name);
    if (name) {
      const msgs = portNameErrors(name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalidField(`${at}.name`, name, msg));
      else if (names.has(name)) errs.push(duplicateField(`${at}.name`, name));
      else names.add(name);
    }
    const containerPort = asNumber(port.containerPort) ?? 0;
    if (containerPort === 0) errs.push(requiredField(`${at}.containerPort`));
    else
      for (const msg of portNumErrors(containerPort))
        errs.push(invalidField(`${at}.containerPort`, containerPort, msg));
    const hostPort = asNumber(port.hostPort) ?? 0;
    if (hostPort !== 0)
      for (const msg of portNumErrors(hostPort)) errs.push(invalidField(`${at}.hostPort`, hostPort, msg));
    const protocol = asString(port.protocol);
    if (!protocol) errs.push(requiredField(`${at}.protocol`));
    else if (!PROTOCOLS.includes(protocol))
      errs.push(notSupportedField(`${at}.protocol`, protocol, PROTOCOLS));
  });
  return errs;
}

function validateVolumeMounts(
  c: JsonObject,
  volumes: ReadonlyMap<string, JsonObject>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  const devices = new Map(
    objectsOf(c.volumeDevices).map(([d]) => [asString(d.name), asString(d.devicePath)]),
  );
  const privileged = asObject(c.securityContext)?.privileged === true;
  asArray(c.volumeMounts).forEach((raw, i) => {
    const m = asObject(raw) ?? {};
    const at = `${path}[${i}]`;
    const name = asString(m.name);
    const mountPath = asString(m.mountPath);
    if (!name) errs.push(requiredField(`${at}.name`));
    if (!volumes.has(name)) errs.push(notFoundField(`${at}.name`, name));
    if (!mountPath) errs.push(requiredField(`${at}.mountPath`));
    if (mountPaths.has(mountPath)) errs.push(invalidField(`${at}.mountPath`, mountPath, "must be unique"));
    mountPaths.add(mountPath);
    if (devices.has(name))
      errs.push(invalidField(`${at}.name`, name, "must not already exist in volumeDevices"));
    if ([...devices.values()].includes(mountPath)) {
      errs.push(
        invalidField(`${at}.mountPath`, mountPath, "must not already exist as a path in volumeDevices"),
      );
    }
    const subPath = asString(m.subPath);
    const subPathExpr = asString(m.subPathExpr);
    // Upstream reports these two on the list path, not the entry's.
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
    if (subPathExpr) {
      if (subPath)
        errs.push(
          invalidField(`${at}.subPathExpr`, subPathExpr, "subPathExpr and subPath are mutually exclusive"),
        );
      errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
    }
    const propagation = m.mountPropagation;
    if (propagation !== undefined && propagation !== null) {
      const supported = ["Bidirectional", "HostToContainer", "None"];
      if (!supported.includes(propagation as string))
        errs.push(notSupportedField(`${path}.mountPropagation`, propagation, supported));
      if (propagation === "Bidirectional" && !privileged) {
        errs.push(
          forbiddenField(
            `${path}.mountPropagation`,
            "Bidirectional mount propagation is available only to privileged containers",
          ),
        );
      }
    }
  });
  return errs;
}

/** checkHostPortConflicts: one protocol/hostIP/hostPort triple per pod. */
function hostPortConflicts(containers: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((raw, ci) => {
    for (const [port, pi] of objectsOf(asObject(raw)?.ports)) {
      const hostPort = asNumber(port.hostPort) ?? 0;
      if (hostPort === 0) continue;
      const key = `${asString(port.protocol)}/${asString(port.hostIP)}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicateField(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    }
  });
  return errs;
}
