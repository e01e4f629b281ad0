import type { FieldError } from "../../../validation/field-errors.ts";
import { requiredField } from "../../../validation/field-errors.ts";
import { immutable, nonNegative } from "../../support/field-rules.ts";
import { goStructApproximation } from "../../support/go-values.ts";
import type { JsonObject } from "../../support/json.ts";
import type { Strategy } from "../../types.ts";

/** ValidateControllerRevision (release-1.32): data is mandatory, revision not negative. */
export function validateControllerRevision(obj: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(requiredField("data", "data is mandatory"));
  errs.push(...nonNegative("revision", obj.revision));
  return errs;
}

/** ValidateControllerRevisionUpdate: the data never changes (the revision is checked as on create). */
export function validateControllerRevisionUpdate(next: JsonObject, prev: JsonObject): FieldError[] {
  return [
    ...validateControllerRevision(next),
    ...immutable("data", next.data, prev.data, (v) => goStructApproximation("runtime.RawExtension", v)),
  ];
}

/** apps/v1 ControllerRevisions: immutable snapshots written by the DaemonSet and StatefulSet controllers. */
export const controllerRevisionStrategy: Strategy = {
  hasStatusSubresource: false,
  tracksGeneration: false,
  validate: (obj) => validateControllerRevision(obj),
  validateUpdate: (next, prev) => validateControllerRevisionUpdate(next, prev),
};
