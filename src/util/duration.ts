const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const PART = /(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;

/**
 * Parses a Go/CEL duration ("1h2m3.5s", "250ms", "-1s", "0") into nanoseconds, or undefined when
 * the string is not one. Istio's CRDs check durations with CEL `duration(self)`, which follows
 * Go's time.ParseDuration: a unit is mandatory except for a bare "0", so "5" is rejected.
 */
export function parseDuration(s: string): number | undefined {
  let i = 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    i = 1;
  }
  if (s.slice(i) === '0') return 0;
  if (i >= s.length) return undefined;
  let total = 0;
  while (i < s.length) {
    PART.lastIndex = i;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    i = PART.lastIndex;
  }
  return sign * total;
}

export const MILLISECOND_NS = 1e6;
