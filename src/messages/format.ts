/**
 * A small subset of Go's fmt verbs, enough for upstream's message templates:
 * %s %v (plain), %q (Go-quoted string), %d (integer), %% (literal). Slices print Go-style: [a b].
 */
export function goFormat(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%([svqd%])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    switch (verb) {
      case 'q':
        return Array.isArray(a) ? `[${a.map((x) => goQuote(String(x))).join(' ')}]` : goQuote(plain(a));
      case 'd':
        return typeof a === 'number' ? String(Math.trunc(a)) : plain(a);
      default:
        return plain(a);
    }
  });
}

function plain(a: unknown): string {
  if (a === undefined) return '%!v(MISSING)';
  if (a === null) return '<nil>';
  if (Array.isArray(a)) return `[${a.map(plain).join(' ')}]`;
  if (typeof a === 'object') return JSON.stringify(a);
  return String(a);
}

export function goQuote(s: string): string {
  return JSON.stringify(s);
}
