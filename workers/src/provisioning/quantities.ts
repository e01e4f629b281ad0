const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Memory as a kubelet reports node capacity: whole kibibytes, e.g. "8Gi" → "8388608Ki". */
export function memoryInKi(quantity: string): string {
  const match = quantity.match(/^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/);
  if (!match) throw new Error(`invalid memory quantity ${quantity}`);
  const unit = match[2] ?? "";
  const factor = BINARY[unit] ?? DECIMAL[unit] ?? 1;
  return `${Math.floor((Number(match[1]) * factor) / 1024)}Ki`;
}
