/**
 * ValidatePodCreate and ValidatePodUpdate (pkg/apis/core/validation, release-1.32): the pod-only
 * checks around ValidatePodSpec and what an update may change.
 */
import { jsonEqual } from "../../../object/equality.ts";
import type { KubeObject } from "../../../object/types.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { goQuote } from "../../../validation/go-format.ts";
import { invalidRendered } from "../go-values.ts";
import { INVALID_IP, isIp, isIpv4, isIpv6 } from "../ip.ts";
import { asArray, asNumber, asObject, asString, type JsonObject, objectsOf } from "../json.ts";
import { specDiff } from "../spec-diff.ts";
import { validatePodSpec } from "./pod-spec-validation.ts";
import { validateOnlyAddedTolerations } from "./tolerations.ts";

const MAX_INT32 = 2147483647;
const DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/** The exact list upstream prints; InPlacePodVerticalScaling (which adds resources) is off in 1.32. */
const UPDATABLE_POD_SPEC_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/** ValidatePodSpecificAnnotations: the deletion cost is a 32-bit integer. */
function validatePodAnnotations(pod: KubeObject): FieldError[] {
  const cost = pod.metadata.annotations?.[DELETION_COST];
  const invalid =
    cost !== undefined &&
    (!/^[+-]?\d+$/.test(cost) || Math.abs(Number(cost)) > MAX_INT32 + (Number(cost) < 0 ? 1 : 0));
  return invalid
    ? [invalidField(`metadata.annotations[${DELETION_COST}]`, cost, "must be a 32bit integer")]
    : [];
}

/**
 * ValidatePodStatusUpdate (what a /status write may change; the spec is the stored one): the
 * pod's annotations, and its addresses (validatePodIPs, validateHostIPs).
 */
export function validatePodStatusUpdate(pod: KubeObject): FieldError[] {
  const status = asObject(pod.status) ?? {};
  const errs = validatePodAnnotations(pod);
  errs.push(...validateStatusIps(asArray(status.podIPs), "status.podIPs"));
  const hostIPs = asArray(status.hostIPs);
  const firstHostIp = asString(asObject(hostIPs[0])?.ip);
  if (hostIPs.length > 0 && firstHostIp !== asString(status.hostIP)) {
    errs.push(invalidField("status.hostIPs[0].ip", firstHostIp ?? "", "must be equal to `hostIP`"));
  }
  errs.push(...validateStatusIps(hostIPs, "status.hostIPs"));
  return errs;
}

/** Every address valid, and at most one of each family (a dual-stack pair). */
function validateStatusIps(entries: unknown[], path: string): FieldError[] {
  const ips = entries.map((entry) => asString(asObject(entry)?.ip) ?? "");
  const errs = ips.flatMap((ip, i) => (isIp(ip) ? [] : [invalidField(`${path}[${i}]`, ip, INVALID_IP)]));
  const dualStack = ips.length === 2 && ips.filter(isIpv4).length === 1 && ips.filter(isIpv6).length === 1;
  if (ips.length > 1 && !dualStack) {
    errs.push(invalidField(path, entries, "may specify no more than one IP for each IP family"));
  }
  return errs;
}

/** validatePodMetadataAndSpec: annotations, the spec as a pod's, and pod-only container checks. */
function validatePodMetadataAndSpec(pod: KubeObject): FieldError[] {
  const spec = asObject(pod.spec) ?? {};
  const errs = validatePodAnnotations(pod);
  errs.push(...validatePodSpec(spec, "spec", { isPod: true, podName: pod.metadata.name }));
  if (!asString(spec.serviceAccountName)) {
    for (const [volume, vi] of objectsOf(spec.volumes)) {
      for (const [source, si] of objectsOf(asObject(volume.projected)?.sources)) {
        if (source.serviceAccountToken) {
          errs.push(
            forbiddenField(
              `spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
              "must not be specified when serviceAccountName is not set",
            ),
          );
        }
      }
    }
  }
  for (const list of ["containers", "initContainers"]) {
    for (const [c, i] of objectsOf(spec[list])) {
      const image = asString(c.image);
      if (image.length !== image.trim().length) {
        errs.push(
          invalidField(`spec.${list}[${i}].image`, image, "must not have leading or trailing whitespace"),
        );
      }
    }
  }
  return errs;
}

/** ValidatePodCreate */
export function validatePodCreate(pod: KubeObject): FieldError[] {
  const spec = asObject(pod.spec) ?? {};
  const errs = validatePodMetadataAndSpec(pod);
  if (asArray(spec.ephemeralContainers).length > 0) {
    errs.push(forbiddenField("spec.ephemeralContainers", "cannot be set on create"));
  }
  if (asString(spec.nodeName) && asArray(spec.schedulingGates).length > 0) {
    errs.push(forbiddenField("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

function validateContainerUpdates(
  next: unknown,
  prev: unknown,
  path: string,
): { errs: FieldError[]; stop: boolean } {
  const newList = asArray(next);
  if (newList.length !== asArray(prev).length) {
    return { errs: [forbiddenField(path, "pod updates may not add or remove containers")], stop: true };
  }
  const errs: FieldError[] = [];
  newList.forEach((raw, i) => {
    const image = asString(asObject(raw)?.image);
    if (!image) errs.push(requiredField(`${path}[${i}].image`));
    if (image.trim().length !== image.length) {
      errs.push(invalidField(`${path}[${i}].image`, image, "must not have leading or trailing whitespace"));
    }
  });
  return { errs, stop: false };
}

/** ValidatePodUpdate: images, activeDeadlineSeconds and added tolerations are all a pod may change. */
export function validatePodUpdate(next: KubeObject, prev: KubeObject): FieldError[] {
  const spec = asObject(next.spec) ?? {};
  const old = asObject(prev.spec) ?? {};
  const errs = validatePodMetadataAndSpec(next);
  for (const list of ["containers", "initContainers"]) {
    const result = validateContainerUpdates(spec[list], old[list], `spec.${list}`);
    errs.push(...result.errs);
    if (result.stop) return errs;
  }
  const deadline = asNumber(spec.activeDeadlineSeconds);
  const oldDeadline = asNumber(old.activeDeadlineSeconds);
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > MAX_INT32) {
      errs.push(
        invalidField("spec.activeDeadlineSeconds", deadline, `must be between 0 and ${MAX_INT32}, inclusive`),
      );
      return errs;
    }
    if (oldDeadline !== undefined && oldDeadline < deadline) {
      errs.push(
        invalidField("spec.activeDeadlineSeconds", deadline, "must be less than or equal to previous value"),
      );
      return errs;
    }
  } else if (oldDeadline !== undefined) {
    errs.push(
      invalidField(
        "spec.activeDeadlineSeconds",
        null,
        "must not update from a positive integer to nil value",
      ),
    );
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, old.tolerations, "spec.tolerations"));
  errs.push(...validateOnlyDeletedGates(spec.schedulingGates, old.schedulingGates));
  if (asArray(old.schedulingGates).length > 0)
    errs.push(...validateNodeSelectorAdditions(spec.nodeSelector, old.nodeSelector));
  if (jsonEqual(spec, old)) return errs;
  const munged = mungeUpdatableFields(spec, old);
  if (!jsonEqual(munged, old)) {
    errs.push(
      forbiddenField(
        "spec",
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(",")}\n${specDiff("PodSpec", old, munged)}`,
      ),
    );
  }
  return errs;
}

function validateOnlyDeletedGates(next: unknown, prev: unknown): FieldError[] {
  const oldNames = new Set(objectsOf(prev).map(([g]) => asString(g.name)));
  return objectsOf(next)
    .filter(([g]) => !oldNames.has(asString(g.name)))
    .map(([g, i]) =>
      forbiddenField(
        `spec.schedulingGates[${i}].name`,
        `only deletion is allowed, but found new scheduling gate '${asString(g.name)}'`,
      ),
    );
}

/** Gated pods may gain nodeSelector entries, never lose or change one. */
function validateNodeSelectorAdditions(next: unknown, prev: unknown): FieldError[] {
  const now = asObject(next) ?? {};
  const changed = Object.entries(asObject(prev) ?? {}).some(([k, v]) => now[k] !== v);
  if (!changed) return [];
  const rendered = `map[string]string{${Object.entries(now)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${goQuote(k)}:${goQuote(asString(v))}`)
    .join(", ")}}`;
  return [
    invalidRendered(
      "spec.nodeSelector",
      rendered,
      "only additions to spec.nodeSelector are allowed (no mutations or deletions)",
    ),
  ];
}

/** The new spec with every field a pod may change put back to its old value. */
function mungeUpdatableFields(spec: JsonObject, old: JsonObject): JsonObject {
  const munged = structuredClone(spec);
  for (const list of ["containers", "initContainers"]) {
    const oldList = asArray(old[list]);
    const newList = asArray(munged[list]);
    newList.forEach((c, i) => {
      const previous = asObject(oldList[i]);
      if (asObject(c) && previous) (c as JsonObject).image = previous.image;
    });
  }
  restore(munged, old, "activeDeadlineSeconds");
  restore(munged, old, "schedulingGates");
  restore(munged, old, "tolerations");
  const oldGrace = asNumber(old.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (asArray(old.schedulingGates).length > 0) restore(munged, old, "nodeSelector");
  return munged;
}

function restore(target: JsonObject, source: JsonObject, key: string): void {
  if (source[key] === undefined) delete target[key];
  else target[key] = source[key];
}
