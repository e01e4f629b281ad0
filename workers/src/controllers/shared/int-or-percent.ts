/** intstr.IntOrString as JSON: `1` or `"25%"`. */
export type IntOrPercent = number | string;

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as it is, a percentage of `total` rounded up or down
 * (maxSurge rounds up, maxUnavailable down). Validation has already rejected anything else; an
 * unparsable value counts as 0.
 */
export function scaledValue(value: IntOrPercent | undefined | null, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number") return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (!match) return 0;
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
