import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types/index.js';
import { celCheck } from './cel.js';
import type { CelRule, CrdVersion } from './crds.js';
import { toAjvSchema, type AjvSchema } from './structural.js';

/** A structural-schema violation: where (field path inside the object) and what. */
export interface SchemaViolation {
  /** Path to the offending field, e.g. ['spec', 'http', 0, 'route', 0, 'destination', 'hots']. */
  readonly path: readonly (string | number)[];
  /** Path shown to the user: the object the problem is in (for unknown/missing fields) or the field. */
  readonly at: readonly (string | number)[];
  /** Human text without the path, e.g. `unknown field "hots"`. */
  readonly detail: string;
}


let ajv: Ajv | undefined;
const cache = new Map<string, { validate: ValidateFunction; schema: AjvSchema }>();

/**
 * ajv is loaded on first use with a synchronous require (it is CommonJS), so commands that never
 * validate an Istio object never pay for it, and analyzers can stay synchronous.
 */
function instance(): Ajv {
  if (ajv) return ajv;
  const require = createRequire(import.meta.url);
  const { Ajv: AjvCtor } = require('ajv') as { Ajv: typeof Ajv };
  const a = new AjvCtor({
    strict: false,
    allErrors: true,
    validateFormats: false,
    validateSchema: false,
    addUsedSchema: false,
    messages: true,
    code: { optimize: false },
  });
  a.addKeyword({
    keyword: 'x-kubernetes-validations',
    errors: true,
    compile(rules: CelRule[]) {
      const checks = rules.flatMap((r) => {
        const check = celCheck(r.rule);
        return check ? [{ check, message: r.message ?? `failed rule: ${r.rule}` }] : [];
      });
      const fn: DataValidateFunction = (data: unknown) => {
        const failed = checks.filter((c) => !c.check(data));
        fn.errors = failed.length ? failed.map((c) => ({ keyword: 'x-kubernetes-validations', message: c.message, params: {} })) : [];
        return failed.length === 0;
      };
      return fn;
    },
  });
  a.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    errors: true,
    compile(keys: string[]) {
      const fn: DataValidateFunction = (data: unknown) => {
        fn.errors = [];
        if (!Array.isArray(data)) return true;
        const seen = new Map<string, number>();
        const errs: Partial<ErrorObject>[] = [];
        data.forEach((item, i) => {
          if (typeof item !== 'object' || item === null) return;
          const key = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? null));
          const first = seen.get(key);
          if (first === undefined) seen.set(key, i);
          else {
            const what = keys.map((k) => `${k}=${JSON.stringify((item as Record<string, unknown>)[k] ?? null)}`).join(', ');
            errs.push({ keyword: 'x-kubernetes-list-map-keys', message: `duplicate entry [${i}] with ${what} (first at [${first}])`, params: { index: i } });
          }
        });
        fn.errors = errs;
        return errs.length === 0;
      };
      return fn;
    },
  });
  ajv = a;
  return a;
}

/** The compiled validator for one CRD version, compiled on first use and cached per kind+version. */
function validatorFor(key: string, version: CrdVersion): { validate: ValidateFunction; schema: AjvSchema } {
  const cached = cache.get(key);
  if (cached) return cached;
  const schema = toAjvSchema(version.schema);
  const v = { validate: instance().compile(schema), schema };
  cache.set(key, v);
  return v;
}

/** Validates an object against one CRD version; violations come in document order of ajv's walk. */
export function validateStructural(key: string, version: CrdVersion, object: unknown): SchemaViolation[] {
  const { validate, schema } = validatorFor(key, version);
  const data = withoutNulls(object);
  if (validate(data)) return [];
  return toViolations(validate.errors ?? [], data, schema);
}

/**
 * The API server prunes null values of non-nullable fields before validating, and Istio reads a
 * null as "unset"; YAML produces them for keys written without a value (`tls:`). Copies only the
 * branches that contain a null.
 */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const y = withoutNulls(x);
      if (y !== x) (out ??= [...v])[i] = y;
    });
    return out ?? v;
  }
  if (typeof v !== 'object' || v === null) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    if (x === null) {
      out ??= { ...(v as Record<string, unknown>) };
      delete out[k];
      continue;
    }
    const y = withoutNulls(x);
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

function pointerToPath(p: string): (string | number)[] {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** Branch errors of oneOf/anyOf/not only explain why a branch failed; the combinator error says it all. */
function insideCombinator(schemaPath: string): boolean {
  return /\/(oneOf|anyOf|not)\//.test(schemaPath);
}

function toViolations(errors: readonly ErrorObject[], data: unknown, schema: AjvSchema): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (insideCombinator(e.schemaPath)) continue;
    const at = pointerToPath(e.instancePath);
    let path = at;
    let detail: string;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        path = [...at, field];
        detail = `unknown field ${JSON.stringify(field)}`;
        break;
      }
      case 'required':
        detail = `missing required field ${JSON.stringify((e.params as { missingProperty: string }).missingProperty)}`;
        break;
      case 'type': {
        const want = (e.params as { type: string | string[] }).type;
        detail = `must be of type ${Array.isArray(want) ? want.join(' or ') : want}, got ${describe(valueAt(data, at))}`;
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        detail = `unsupported value ${JSON.stringify(valueAt(data, at))} (supported: ${allowed.map(String).join(', ')})`;
        break;
      }
      case 'oneOf':
        detail = oneOfDetail(e, schemaAt(schema, e.schemaPath));
        break;
      case 'pattern':
        detail = `${JSON.stringify(valueAt(data, at))} must match ${(e.params as { pattern: string }).pattern}`;
        break;
      default:
        detail = e.message ?? e.keyword;
    }
    const key = `${path.join('\u0000')}\u0001${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, at: e.keyword === 'additionalProperties' || e.keyword === 'required' ? at : path, detail });
  }
  return out;
}

/** Istio encodes protobuf oneofs as `oneOf: [not anyOf(required a, required b…), required a, required b…]`. */
function oneOfDetail(e: ErrorObject, branches: unknown): string {
  const names = Array.isArray(branches)
    ? branches.flatMap((b) => (b && Array.isArray((b as { required?: string[] }).required) ? (b as { required: string[] }).required : []))
    : [];
  return names.length ? `only one of ${names.join(', ')} may be set` : (e.message ?? 'must match exactly one schema in oneOf');
}

/** The schema node an error's schemaPath ("#/properties/spec/oneOf") names. */
function schemaAt(schema: AjvSchema, schemaPath: string): unknown {
  return valueAt(schema, pointerToPath(schemaPath.replace(/^#/, '')));
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur = data;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  return typeof v;
}

/** "spec.http[0].route[0].destination", with non-identifier keys bracketed (matchLabels[app.kubernetes.io/name]). */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${p}]`;
  }
  return s;
}
