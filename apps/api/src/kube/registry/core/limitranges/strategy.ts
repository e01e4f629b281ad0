/** The LimitRange strategy (ValidateLimitRange, SetDefaults_LimitRangeItem; release-1.32). */

import { labelKeyErrors } from "../../../selectors/index.ts";
import {
  duplicateField,
  type FieldError,
  forbiddenField,
  invalidField,
  requiredField,
} from "../../../validation/field-errors.ts";
import { compareQuantities, formatQuantity, type Quantity } from "../../../validation/quantity.ts";
import type { Strategy } from "../../types.ts";
import { withDecodeErrors } from "../decode-error.ts";
import { invalidRendered } from "../go-values.ts";
import { asObject, asString, ensureObject, type JsonObject, objectsOf } from "../json.ts";
import { defaultResourceList, resourceEntries } from "../resource-list.ts";
import { validateContainerResourceName, validateResourceName } from "../resource-names.ts";

const LIMIT_TYPES = new Set(["Pod", "Container", "PersistentVolumeClaim"]);
const QUANTITY_MAPS = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"];

/** SetDefaults_LimitRangeItem: container defaults fall back to max, requests to the default or min. */
function defaultLimit(limit: JsonObject): void {
  for (const map of QUANTITY_MAPS) defaultResourceList(limit[map]);
  if (limit.type !== "Container") return;
  const defaults = ensureObject(limit, "default");
  const requests = ensureObject(limit, "defaultRequest");
  for (const [k, v] of Object.entries(asObject(limit.max) ?? {})) if (!(k in defaults)) defaults[k] = v;
  for (const [k, v] of Object.entries(defaults)) if (!(k in requests)) requests[k] = v;
  for (const [k, v] of Object.entries(asObject(limit.min) ?? {})) if (!(k in requests)) requests[k] = v;
}

function validateLimitRange(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  for (const [limit, i] of objectsOf(spec.limits)) {
    const at = `spec.limits[${i}]`;
    const type = asString(limit.type);
    const typeErrs = labelKeyErrors(type).map((msg) => invalidField(`${at}.type`, type, msg));
    if (typeErrs.length === 0 && !type.includes("/") && !LIMIT_TYPES.has(type)) {
      typeErrs.push(invalidField(`${at}.type`, type, "must be a standard limit type or fully qualified"));
    }
    errs.push(...typeErrs);
    if (seenTypes.has(type)) errs.push(duplicateField(`${at}.type`, type));
    seenTypes.add(type);
    const nameCheck =
      type === "Pod" || type === "Container" ? validateContainerResourceName : validateResourceName;
    const maps = new Map<string, Map<string, Quantity>>();
    for (const map of QUANTITY_MAPS) {
      if (type === "Pod" && (map === "default" || map === "defaultRequest")) {
        if (Object.keys(asObject(limit[map]) ?? {}).length > 0)
          errs.push(forbiddenField(`${at}.${map}`, "may not be specified when `type` is 'Pod'"));
        continue;
      }
      const entries = resourceEntries(limit[map]);
      for (const [name] of entries) errs.push(...nameCheck(name, `${at}.${map}[${name}]`));
      maps.set(map, new Map(entries));
    }
    if (
      type === "PersistentVolumeClaim" &&
      !maps.get("min")?.has("storage") &&
      !maps.get("max")?.has("storage")
    ) {
      errs.push(
        requiredField(
          `${at}.limits`,
          "either minimum or maximum storage value is required, but neither was provided",
        ),
      );
    }
    const keys = new Set([...maps.values()].flatMap((m) => [...m.keys()]));
    for (const k of [...keys].sort()) {
      const min = maps.get("min")?.get(k);
      const max = maps.get("max")?.get(k);
      const def = maps.get("default")?.get(k);
      const req = maps.get("defaultRequest")?.get(k);
      const s = (q: Quantity) => formatQuantity(q);
      if (min && max && compareQuantities(min, max) > 0) {
        errs.push(
          invalidRendered(
            `${at}.min[${k}]`,
            s(min),
            `min value ${s(min)} is greater than max value ${s(max)}`,
          ),
        );
      }
      if (req && min && compareQuantities(min, req) > 0) {
        errs.push(
          invalidRendered(
            `${at}.defaultRequest[${k}]`,
            s(req),
            `min value ${s(min)} is greater than default request value ${s(req)}`,
          ),
        );
      }
      if (req && max && compareQuantities(req, max) > 0) {
        errs.push(
          invalidRendered(
            `${at}.defaultRequest[${k}]`,
            s(req),
            `default request value ${s(req)} is greater than max value ${s(max)}`,
          ),
        );
      }
      if (req && def && compareQuantities(req, def) > 0) {
        errs.push(
          invalidRendered(
            `${at}.defaultRequest[${k}]`,
            s(req),
            `default request value ${s(req)} is greater than default limit value ${s(def)}`,
          ),
        );
      }
      if (def && min && compareQuantities(min, def) > 0) {
        errs.push(
          invalidRendered(
            `${at}.default[${k}]`,
            s(min),
            `min value ${s(min)} is greater than default value ${s(def)}`,
          ),
        );
      }
      if (def && max && compareQuantities(def, max) > 0) {
        errs.push(
          invalidRendered(
            `${at}.default[${k}]`,
            s(max),
            `default value ${s(def)} is greater than max value ${s(max)}`,
          ),
        );
      }
    }
  }
  return errs;
}

export const limitRangeStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  applyDefaults: (lr) =>
    withDecodeErrors("LimitRange", "v1", () => {
      for (const [limit] of objectsOf(asObject(lr.spec)?.limits)) defaultLimit(limit);
    }),
  validate: (lr) => validateLimitRange(asObject(lr.spec) ?? {}),
};
