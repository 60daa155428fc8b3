/**
 * Kubernetes resource.Quantity canonical form. kube-inject round-trips the pod through Go types,
 * so "2000m" prints as "2" and "1024Mi" as "1Gi" — the canonical form keeps the suffix family
 * (decimal SI or binary) and picks the largest unit that keeps the value an integer.
 */
const DEC: Array<[string, number]> = [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3], ['', 0], ['m', -3], ['u', -6], ['n', -9]];
const BIN: Array<[string, bigint]> = [['Ei', 1n << 60n], ['Pi', 1n << 50n], ['Ti', 1n << 40n], ['Gi', 1n << 30n], ['Mi', 1n << 20n], ['Ki', 1n << 10n]];

/** Returns the canonical string, or the input unchanged when it is not a quantity we understand. */
export function canonicalQuantity(input: unknown): unknown {
  if (typeof input === 'number') return canonicalQuantity(String(input));
  if (typeof input !== 'string') return input;
  const m = /^([+-]?)(\d+)(?:\.(\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|)$/.exec(input.trim());
  if (!m) return input;
  const [, sign, intPart, frac = '', suffix = ''] = m;
  const bin = BIN.find(([s]) => s === suffix);
  if (bin) {
    // Exact value in bytes; fractional binary quantities fall back to decimal in Go — keep input.
    if (frac && /[1-9]/.test(frac)) return input;
    const bytes = BigInt(intPart!) * bin[1];
    if (bytes === 0n) return '0';
    for (const [s, mult] of BIN) if (bytes % mult === 0n) return `${sign}${bytes / mult}${s}`;
    return `${sign}${bytes}`;
  }
  const exp = DEC.find(([s]) => s === suffix)![1];
  // value = digits * 10^(exp - frac.length)
  let digits = BigInt((intPart ?? '') + frac);
  let e = exp - frac.length;
  if (digits === 0n) return '0';
  while (digits % 10n === 0n) {
    digits /= 10n;
    e++;
  }
  // Go never goes below nano; pick the largest SI unit (multiple of 3) with an integer mantissa.
  let unitExp = Math.floor(e / 3) * 3;
  if (unitExp > 18) unitExp = 18;
  if (unitExp < -9) return input;
  const mantissa = digits * 10n ** BigInt(e - unitExp);
  const unit = DEC.find(([, x]) => x === unitExp)![0];
  return `${sign}${mantissa}${unit}`;
}
