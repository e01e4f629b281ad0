/** Tolerations (ValidateTolerations, validateOnlyAddedTolerations; release-1.32). */
import { jsonEqual } from "../../../object/equality.ts";
import { labelValueErrors } from "../../../selectors/index.ts";
import {
  type FieldError,
  forbiddenField,
  invalidField,
  notSupportedField,
} from "../../../validation/field-errors.ts";
import { asString, type JsonObject, objectsOf } from "../json.ts";
import { validateLabelName } from "../labels.ts";

/** validateTaintEffect's supported values, in upstream's (unsorted) order. */
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function validateTolerations(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [t, i] of objectsOf(list)) {
    const at = `${path}[${i}]`;
    const key = asString(t.key);
    const operator = asString(t.operator);
    const effect = asString(t.effect);
    const value = asString(t.value);
    if (key) errs.push(...validateLabelName(key, `${at}.key`));
    if (!key && operator !== "Exists") {
      errs.push(
        invalidField(
          `${at}.operator`,
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== "NoExecute") {
      errs.push(
        invalidField(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    }
    if (operator === "Equal" || operator === "") {
      const msgs = labelValueErrors(value);
      if (msgs.length > 0) errs.push(invalidField(`${at}.operator`, value, msgs.join(";")));
    } else if (operator === "Exists") {
      if (value)
        errs.push(invalidField(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupportedField(`${at}.operator`, operator, ["Equal", "Exists"]));
    }
    if (effect && !TAINT_EFFECTS.includes(effect))
      errs.push(notSupportedField(`${at}.effect`, effect, TAINT_EFFECTS));
  }
  return errs;
}

/** Pod updates may add tolerations and change tolerationSeconds, nothing else. */
export function validateOnlyAddedTolerations(next: unknown, prev: unknown, path: string): FieldError[] {
  const added = objectsOf(next).map(([t]) => t);
  for (const [old] of objectsOf(prev)) {
    const found = added.some((t) => jsonEqual(withoutSeconds(old), withoutSeconds(t)));
    if (!found)
      return [forbiddenField(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

function withoutSeconds(t: JsonObject): JsonObject {
  const { tolerationSeconds: _ignored, ...rest } = t;
  return Object.fromEntries(
    Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
}

/** Does any toleration already cover a NoExecute taint with this key (DefaultTolerationSeconds' test)? */
export function toleratesNoExecute(list: unknown, key: string): boolean {
  return objectsOf(list).some(([t]) => {
    const tKey = asString(t.key);
    const effect = asString(t.effect);
    return (tKey === key || tKey === "") && (effect === "NoExecute" || effect === "");
  });
}
