/** Probes and lifecycle hooks (validateProbe, validateHandler, validateLifecycle; release-1.32). */
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { validatePortNumOrName } from "../ports.ts";

const NEGATIVE = "must be greater than or equal to 0";

type HandlerKind = "exec" | "httpGet" | "tcpSocket" | "grpc" | "sleep";

function validateHandler(
  handler: JsonObject,
  kinds: readonly HandlerKind[],
  grace: number | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const action = asObject(handler[kind]);
    if (!action) continue;
    const at = `${path}.${kind}`;
    if (count > 0) {
      errs.push(forbiddenField(at, "may not specify more than 1 handler type"));
      continue;
    }
    count++;
    switch (kind) {
      case "exec":
        if (asArray(action.command).length === 0) errs.push(requiredField(`${at}.command`));
        break;
      case "httpGet":
        if (!asString(action.path)) errs.push(requiredField(`${at}.path`));
        errs.push(...validatePortNumOrName(action.port, `${at}.port`));
        if (!["HTTP", "HTTPS"].includes(asString(action.scheme))) {
          errs.push(notSupportedField(`${at}.scheme`, asString(action.scheme), ["HTTP", "HTTPS"]));
        }
        for (const [header] of objectsOf(action.httpHeaders)) {
          const name = asString(header.name);
          if (!/^[-A-Za-z0-9]+$/.test(name)) {
            errs.push(
              invalidField(
                `${at}.httpHeaders`,
                name,
                "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
              ),
            );
          }
        }
        break;
      case "tcpSocket":
        errs.push(...validatePortNumOrName(action.port, `${at}.port`));
        break;
      case "grpc":
        errs.push(...validatePortNumOrName(asNumber(action.port) ?? 0, `${at}.port`));
        break;
      case "sleep": {
        const seconds = asNumber(action.seconds) ?? 0;
        if (grace !== undefined && (seconds <= 0 || seconds > grace)) {
          errs.push(
            invalidField(
              at,
              seconds,
              `must be greater than 0 and less than terminationGracePeriodSeconds (${grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
            ),
          );
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(requiredField(path, "must specify a handler type"));
  return errs;
}

/** validateProbe plus the per-kind rules: liveness and startup need successThreshold 1. */
export function validateProbe(
  value: unknown,
  kind: "livenessProbe" | "readinessProbe" | "startupProbe",
  grace: number | undefined,
  path: string,
): FieldError[] {
  const probe = asObject(value);
  if (!probe) return [];
  const errs = validateHandler(probe, ["exec", "httpGet", "tcpSocket", "grpc"], grace, path);
  for (const field of [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
  ]) {
    const n = asNumber(probe[field]) ?? 0;
    if (n < 0) errs.push(invalidField(`${path}.${field}`, n, NEGATIVE));
  }
  const probeGrace = asNumber(probe.terminationGracePeriodSeconds);
  if (probeGrace !== undefined && probeGrace <= 0) {
    errs.push(invalidField(`${path}.terminationGracePeriodSeconds`, probeGrace, "must be greater than 0"));
  }
  if (kind === "readinessProbe") {
    if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
      errs.push(
        invalidField(
          `${path}.terminationGracePeriodSeconds`,
          probe.terminationGracePeriodSeconds,
          "must not be set for readinessProbes",
        ),
      );
    }
  } else if ((asNumber(probe.successThreshold) ?? 0) !== 1) {
    errs.push(invalidField(`${path}.successThreshold`, asNumber(probe.successThreshold) ?? 0, "must be 1"));
  }
  return errs;
}

/** validateLifecycle: postStart and preStop hooks. */
export function validateLifecycle(value: unknown, grace: number | undefined, path: string): FieldError[] {
  const lifecycle = asObject(value);
  if (!lifecycle) return [];
  const errs: FieldError[] = [];
  for (const hook of ["postStart", "preStop"]) {
    const handler = asObject(lifecycle[hook]);
    if (handler)
      errs.push(
        ...validateHandler(handler, ["exec", "httpGet", "tcpSocket", "sleep"], grace, `${path}.${hook}`),
      );
  }
  return errs;
}
