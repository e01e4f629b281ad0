import type { KubeObject } from "../object/types.ts";
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelKeyErrors,
  labelValueErrors,
} from "../selectors/index.ts";
import { type FieldError, invalidField, requiredField } from "./field-errors.ts";

export type NameRule = "dns-subdomain" | "dns-label" | "dns-1035-label" | "path-segment";

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Name errors as ValidateObjectMeta reports them for each kind's name rule. */
export function nameErrors(name: string, rule: NameRule): string[] {
  switch (rule) {
    case "dns-label":
      return dns1123LabelErrors(name);
    case "dns-1035-label":
      return dns1035LabelErrors(name);
    case "path-segment":
      if (name === "." || name === "..") return [`may not be '${name}'`];
      return ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
    default:
      return dns1123SubdomainErrors(name);
  }
}

/** ValidateObjectMeta: name, namespace presence, labels and annotations. */
export function validateObjectMeta(
  obj: KubeObject,
  options: { namespaced: boolean; nameRule: NameRule },
): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj.metadata;
  if (!meta.name) {
    errs.push(requiredField("metadata.name", "name or generateName is required"));
  } else {
    for (const msg of nameErrors(meta.name, options.nameRule))
      errs.push(invalidField("metadata.name", meta.name, msg));
  }
  if (options.namespaced && !meta.namespace) errs.push(requiredField("metadata.namespace"));
  if (!options.namespaced && meta.namespace) {
    errs.push({
      type: "FieldValueForbidden",
      field: "metadata.namespace",
      message: "Forbidden: not allowed on this type",
    });
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    for (const msg of labelKeyErrors(key)) errs.push(invalidField("metadata.labels", key, msg));
    if (typeof value !== "string") errs.push(invalidField(`metadata.labels`, value, "must be a string"));
    else for (const msg of labelValueErrors(value)) errs.push(invalidField("metadata.labels", value, msg));
  }
  let size = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    for (const msg of labelKeyErrors(key.toLowerCase()))
      errs.push(invalidField("metadata.annotations", key, msg));
    size += key.length + String(value).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({
      type: "FieldValueTooLong",
      field: "metadata.annotations",
      message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
    });
  }
  return errs;
}
