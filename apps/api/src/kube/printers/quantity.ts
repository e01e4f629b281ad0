import { formatQuantity, parseQuantity } from "../validation/quantity.ts";

/**
 * `Quantity.String()` of a quantity given as JSON (string or number): the canonical form printers show
 * for capacities, quota usage and HPA targets. An absent quantity is Go's zero Quantity, "0"; a nil
 * *Quantity is `<nil>` (pass `nilAs` for that). Unparsable input is returned as is.
 */
export function quantityString(value: unknown, nilAs = "0"): string {
  if (value === undefined || value === null) return nilAs;
  const parsed = parseQuantity(value);
  if (parsed) return formatQuantity(parsed);
  return typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
}
