/**
 * Reading untyped JSON (Envoy and istiod debug output) without throwing on a missing or mistyped
 * field. Apart from configdump.ts so that readers of small debug responses (syncz) load no more.
 */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))) return Number(v);
  return 0;
}
/** Reads a field by its proto name or its JSON (camelCase) name; dumps saved by istioctl use the latter. */
export function field(o: Obj, protoName: string): unknown {
  if (protoName in o) return o[protoName];
  const camel = protoName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return o[camel];
}
