/**
 * Go value semantics the template executor needs, mapped onto JSON-like JavaScript values.
 *
 * Data is plain JSON (maps, slices, strings, numbers, booleans). Go struct fields are
 * capitalised (`.Spec.Containers`, `$c.Ports`), while Helm values and Kubernetes JSON use
 * lowerCamel keys, so a capitalised field name is looked up as a struct field (exact key, then
 * the lowerCamel JSON name) and yields the Go zero value when absent, while a lower-case name is
 * a map key and yields "no value" when absent — as `.Values.global.missing` does in Go.
 */

/** The zero value of a Go struct field we do not carry (an unset string, int, bool, pointer...). */
export const ZERO: unique symbol = Symbol('go-zero');
export type GoValue = unknown;

/** Maps whose Go type is map[string]string: a missing key indexes to "" rather than no value. */
const stringMaps = new WeakSet<object>();

export function markStringMap<T extends Record<string, string>>(m: T): T {
  stringMaps.add(m);
  return m;
}

export function isStringMap(v: unknown): boolean {
  return typeof v === 'object' && v !== null && stringMaps.has(v);
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's template truth: false, 0, "", nil, and empty maps/slices are false. */
export function truth(v: GoValue): boolean {
  if (v === undefined || v === null || v === ZERO) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

export function isZeroish(v: GoValue): boolean {
  return v === undefined || v === null || v === ZERO || v === '' || v === 0 || v === false;
}

function lowerFirst(s: string): string {
  // APIVersion -> apiVersion, ProxyConfig -> proxyConfig, URL -> url
  const m = /^([A-Z]+)([A-Z][a-z].*)$/.exec(s);
  if (m) return m[1]!.toLowerCase() + m[2];
  if (/^[A-Z]+$/.test(s)) return s.toLowerCase();
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Looks a field (or nil-safe getter method) up on a value; see the module comment. */
export function field(v: GoValue, name: string): GoValue {
  const exported = /^[A-Z]/.test(name);
  if (v === ZERO || v === undefined || v === null) {
    if (name === 'GetValue') return false;
    return exported ? ZERO : undefined;
  }
  if (isMap(v)) {
    if (Object.prototype.hasOwnProperty.call(v, name)) return v[name];
    if (exported) {
      const alt = lowerFirst(name);
      if (Object.prototype.hasOwnProperty.call(v, alt)) return v[alt];
      // Getter methods on protobuf messages: GetTracing, GetTlsSettings... are nil-safe.
      if (name.startsWith('Get') && name.length > 3) return field(v, name.slice(3));
      if (name === 'GetValue') return ZERO;
      return ZERO;
    }
    return isStringMap(v) ? '' : undefined;
  }
  if (name === 'GetValue' || name === 'String') return v; // wrapper/enum values are carried unwrapped
  throw new Error(`can't evaluate field ${name} in type ${goTypeName(v)}`);
}

export function goTypeName(v: GoValue): string {
  if (v === undefined || v === null || v === ZERO) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function fmtNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go's %v for float64 is %g with the shortest representation.
  const s = String(n);
  return s.replace(/e\+?(-?)(\d)$/, 'e+$10$2').replace('e+-', 'e-');
}

/** fmt.Sprint of a value, as an action prints it. */
export function printValue(v: GoValue, top = true): string {
  if (v === undefined) return top ? '<no value>' : '<nil>';
  if (v === null) return '<nil>';
  if (v === ZERO) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return fmtNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => printValue(x, false)).join(' ')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${printValue((v as Record<string, unknown>)[k], false)}`).join(' ')}]`;
  }
  return String(v);
}

/** Go's template `eq` for basic values; nil and a missing struct field equal the zero value. */
export function basicEqual(a: GoValue, b: GoValue): boolean {
  if (a === ZERO || a === undefined || a === null) return isZeroish(b) || (Array.isArray(b) && b.length === 0);
  if (b === ZERO || b === undefined || b === null) return isZeroish(a);
  if (typeof a === 'object' || typeof b === 'object') throw new Error('incompatible types for comparison');
  return a === b;
}
