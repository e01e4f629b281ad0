/**
 * Label and field selectors as kube-apiserver 1.32 parses, matches and rejects them. Everything here is
 * pure; errors are SelectorError (an ApiError with reason BadRequest) carrying upstream's exact text.
 */
export type { FieldError, FieldErrorType } from "../validation/field-errors.ts";
export { aggregateFieldErrors, formatFieldError } from "../validation/field-errors.ts";
export type { FieldGetter, JsonObject, ResourceFieldLabels } from "./field-labels.ts";
export { fieldLabelsFor } from "./field-labels.ts";
export type { FieldRequirement, FieldSelector } from "./field-selector.ts";
export {
  escapeFieldValue,
  fieldSelectorRequiresName,
  fieldSelectorToString,
  isEverythingFields,
  matchesFields,
  parseFieldSelector,
} from "./field-selector.ts";
export type { LabelOperator, LabelRequirement, Labels } from "./label-requirement.ts";
export type { LabelSelector } from "./label-selector.ts";
export {
  EVERYTHING_LABELS,
  isEverythingLabels,
  labelSelectorRequiresExactMatch,
  labelSelectorToString,
  matchesLabels,
  NOTHING_LABELS,
  parseLabelSelector,
} from "./label-selector.ts";
export type { LabelSelectorObject, LabelSelectorRequirementObject } from "./label-selector-object.ts";
export {
  formatLabelSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  validateLabelSelector,
} from "./label-selector-object.ts";
export {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelKeyErrors,
  labelValueErrors,
} from "./label-validation.ts";
export type { SelectorErrorKind } from "./selector-error.ts";
export { SelectorError } from "./selector-error.ts";
