import type { FieldError } from "../../validation/field-errors.ts";
import { requiredField } from "../../validation/field-errors.ts";
import {
  intOrPercentValue,
  invalidRendered,
  notMoreThan100Percent,
  positiveIntOrPercent,
} from "../support/field-rules.ts";
import { goIntOrString } from "../support/go-values.ts";
import type { JsonObject } from "../support/json.ts";

/** ValidateRollingUpdateDeployment: both may not be 0, maxUnavailable at most 100%. */
export function validateRollingUpdateDeployment(ru: JsonObject, path: string): FieldError[] {
  const errs = [
    ...positiveIntOrPercent(`${path}.maxUnavailable`, ru.maxUnavailable),
    ...positiveIntOrPercent(`${path}.maxSurge`, ru.maxSurge),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(
      invalidRendered(
        `${path}.maxUnavailable`,
        goIntOrString(ru.maxUnavailable),
        "may not be 0 when `maxSurge` is 0",
      ),
    );
  }
  errs.push(...notMoreThan100Percent(`${path}.maxUnavailable`, ru.maxUnavailable));
  return errs;
}

/** ValidateRollingUpdateDaemonSet: exactly one of maxSurge and maxUnavailable is non-zero. */
export function validateRollingUpdateDaemonSet(ru: JsonObject, path: string): FieldError[] {
  const errs = [
    ...positiveIntOrPercent(`${path}.maxUnavailable`, ru.maxUnavailable),
    ...positiveIntOrPercent(`${path}.maxSurge`, ru.maxSurge),
    ...notMoreThan100Percent(`${path}.maxUnavailable`, ru.maxUnavailable),
    ...notMoreThan100Percent(`${path}.maxSurge`, ru.maxSurge),
  ];
  const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push(
      invalidRendered(
        `${path}.maxSurge`,
        goIntOrString(ru.maxSurge),
        "may not be set when maxUnavailable is non-zero",
      ),
    );
  } else if (!hasUnavailable && !hasSurge) {
    errs.push(requiredField(`${path}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
  }
  return errs;
}
