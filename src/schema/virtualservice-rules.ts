/**
 * Upstream's analysis-aware VirtualService validation (pkg/config/validation/validation.go
 * analyzeUnreachable{HTTP,TCP,TLS}Rules): Envoy evaluates routes in order and takes the first
 * match, so a rule after a catch-all (a rule without `match`) is never used, and a match identical
 * to — or, for URI prefixes, covered by — an earlier one never wins.
 */
export interface UnreachableRule {
  readonly kind: 'unreachable';
  /** Rule index inside spec.http / spec.tcp / spec.tls. */
  readonly rule: number;
  readonly ruleno: string;
  readonly reason: string;
}

export interface IneffectiveMatch {
  readonly kind: 'ineffective';
  readonly rule: number;
  readonly match: number;
  readonly ruleno: string;
  readonly matchno: string;
  readonly dupno: string;
}

export type RuleFinding = UnreachableRule | IneffectiveMatch;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's %q for the names upstream quotes. */
const quote = (s: string) => JSON.stringify(s);
const routeName = (route: Obj, n: number, http: boolean) =>
  http && typeof route.name === 'string' && route.name !== '' ? quote(route.name) : `#${n}`;
const requestName = (match: unknown, n: number, http: boolean) =>
  http && isObj(match) && typeof match.name === 'string' && match.name !== '' ? quote(match.name) : `#${n}`;

/**
 * Canonical text of a match for duplicate detection. Upstream compares json.Marshal of the proto,
 * which omits unset (zero-valued) fields and, for HTTP matches, the `name`; keys are sorted here
 * because YAML key order does not matter to Envoy.
 */
function canonical(v: unknown, dropName: boolean): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.length ? x.map(norm) : undefined;
    if (isObj(x)) {
      const out: Obj = {};
      for (const k of Object.keys(x).sort()) {
        const y = norm(x[k]);
        if (y !== undefined) out[k] = y;
      }
      return Object.keys(out).length ? out : undefined;
    }
    if (x === null || x === false || x === '' || x === 0) return undefined;
    return x;
  };
  const o = isObj(v) && dropName ? { ...v, name: undefined } : v;
  return JSON.stringify(norm(o) ?? {});
}

export function analyzeUnreachableRules(routes: unknown, http: boolean): RuleFinding[] {
  const out: RuleFinding[] = [];
  if (!Array.isArray(routes)) return out;
  const seen = new Map<string, number>();
  let catchAll = -1;
  const prefixMatches: PrefixMatch[] = [];
  routes.forEach((route, rulen) => {
    if (!isObj(route)) return;
    const matches = Array.isArray(route.match) ? route.match : [];
    const ruleno = routeName(route, rulen, http);
    if (matches.length === 0) {
      if (catchAll >= 0) out.push({ kind: 'unreachable', rule: rulen, ruleno, reason: 'only the last rule can have no matches' });
      catchAll = rulen;
      return;
    }
    let duplicates = 0;
    matches.forEach((match, matchn) => {
      if (catchAll >= 0) {
        out.push({ kind: 'unreachable', rule: rulen, ruleno, reason: 'route without matches defined before' });
        return;
      }
      const key = canonical(match, http);
      const dup = seen.get(key);
      if (dup !== undefined) {
        out.push({
          kind: 'ineffective',
          rule: rulen,
          match: matchn,
          ruleno,
          matchno: requestName(match, matchn, http),
          dupno: routeName(routes[dup] as Obj, dup, http),
        });
        duplicates++;
        return;
      }
      seen.set(key, rulen);
      if (http) {
        const pm = prefixMatch(match, ruleno, requestName(match, matchn, http), rulen, matchn);
        if (pm) prefixMatches.push(pm);
      }
    });
    if (duplicates === matches.length) out.push({ kind: 'unreachable', rule: rulen, ruleno, reason: 'all matches used by prior rules' });
  });
  // A URI prefix match also shadows a later one whose prefix extends it, when every other
  // condition of the earlier match is equal to or a prefix of the later one's.
  for (let i = 0; i < prefixMatches.length; i++) {
    const a = prefixMatches[i]!;
    for (let j = i + 1; j < prefixMatches.length; j++) {
      const b = prefixMatches[j]!;
      if (a.prefix === b.prefix) continue;
      if (!covers(a, b)) continue;
      out.push({
        kind: 'ineffective',
        rule: b.rule,
        match: b.match,
        ruleno: b.ruleno,
        matchno: `${b.matchno} of prefix ${b.prefix}`,
        dupno: `${a.matchno} of prefix ${a.prefix} on ${a.ruleno}`,
      });
    }
  }
  return out;
}

interface PrefixMatch {
  readonly rule: number;
  readonly match: number;
  readonly ruleno: string;
  readonly matchno: string;
  readonly prefix: string;
  readonly port: number;
  readonly method: string;
  readonly authority: string;
  readonly headers: Map<string, string>;
  readonly queryParams: Map<string, string>;
  readonly withoutHeaders: Map<string, string>;
}

function exactOrPrefix(sm: unknown): string {
  if (!isObj(sm)) return '';
  if (typeof sm.exact === 'string' && sm.exact) return `exact:${sm.exact}`;
  if (typeof sm.prefix === 'string' && sm.prefix) return `prefix:${sm.prefix}`;
  return '';
}

function stringMatches(m: unknown): Map<string, string> {
  return new Map(isObj(m) ? Object.entries(m).map(([k, v]) => [k, exactOrPrefix(v)]) : []);
}

function prefixMatch(match: unknown, ruleno: string, matchno: string, rule: number, matchn: number): PrefixMatch | undefined {
  if (!isObj(match) || !isObj(match.uri)) return undefined;
  const prefix = match.uri.prefix;
  if (typeof prefix !== 'string' || prefix === '') return undefined;
  return {
    rule,
    match: matchn,
    ruleno,
    matchno,
    prefix,
    port: typeof match.port === 'number' ? match.port : 0,
    // Upstream treats a match without a method as GET for this comparison.
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: stringMatches(match.headers),
    queryParams: stringMatches(match.queryParams),
    withoutHeaders: stringMatches(match.withoutHeaders),
  };
}

function mapCovers(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined) return false;
    if (v !== w && !v.startsWith(w)) return false;
  }
  return true;
}

/** upstream coveredValidation, including its direction of the prefix tests on method/authority/headers. */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovers(a.headers, b.headers) && mapCovers(a.queryParams, b.queryParams) && mapCovers(a.withoutHeaders, b.withoutHeaders);
}
