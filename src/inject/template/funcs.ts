/**
 * Go text/template built-in functions and the subset of Sprig (Masterminds/sprig v3 TxtFuncMap)
 * that injection and Helm-style templates use. Istio registers its own functions after Sprig, so
 * callers layer theirs on top (see src/inject/funcs.ts): later definitions win, as in Go.
 */
import { stringify as yamlStringify } from 'yaml';
import { emitYaml } from '../../util/yaml-emit.js';
import type { FuncMap, TemplateFunc } from './exec.js';
import { basicEqual, goTypeName, isMap, isZeroish, printValue, truth, ZERO, type GoValue } from './values.js';

const str = (v: GoValue): string => (typeof v === 'string' ? v : v === undefined || v === null || v === ZERO ? '' : printValue(v, false));
const num = (v: GoValue): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
};

function ordered(op: string, a: GoValue, b: GoValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return op === 'lt' ? a < b : op === 'le' ? a <= b : op === 'gt' ? a > b : a >= b;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return op === 'lt' ? a < b : op === 'le' ? a <= b : op === 'gt' ? a > b : a >= b;
  }
  throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
}

/** Go's fmt.Sprintf for the verbs templates use: %s %v %d %q %t %f %x %% with flags and width. */
export function sprintf(format: string, ...args: GoValue[]): string {
  let ai = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    if (ai >= args.length) return `%!${verb}(MISSING)`;
    const a = args[ai++];
    let s: string;
    switch (verb) {
      case 's':
      case 'v':
        s = printValue(a, false);
        if (a === ZERO) s = '';
        break;
      case 'd':
        s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${goTypeName(a)}=${printValue(a, false)})`;
        break;
      case 'q':
        s = JSON.stringify(str(a));
        break;
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${goTypeName(a)}=${printValue(a, false)})`;
        break;
      case 'f':
        s = num(a).toFixed(prec !== undefined ? Number(prec) : 6);
        break;
      case 'x':
        s = typeof a === 'number' ? a.toString(16) : Buffer.from(str(a)).toString('hex');
        break;
      default:
        s = `%!${verb}(${printValue(a, false)})`;
    }
    if (width !== undefined && s.length < Number(width)) {
      const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(Number(width) - s.length);
      s = flags.includes('-') ? s + ' '.repeat(Number(width) - s.length) : pad + s;
    }
    return s;
  });
}

function goPrint(args: GoValue[]): string {
  // fmt.Sprint adds spaces between operands when neither side is a string.
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(a, false);
  });
  return out;
}

function index(item: GoValue, ...keys: GoValue[]): GoValue {
  let cur = item;
  for (const k of keys) {
    if (Array.isArray(cur) || typeof cur === 'string') {
      const i = num(k);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) throw new Error(`index out of range: ${i}`);
      cur = cur[i];
    } else if (isMap(cur)) {
      const key = str(k);
      cur = Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : isZeroishMapDefault(cur);
    } else if (cur === undefined || cur === null || cur === ZERO) {
      throw new Error('index of untyped nil');
    } else {
      throw new Error(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

import { isStringMap } from './values.js';
function isZeroishMapDefault(m: Record<string, unknown>): GoValue {
  return isStringMap(m) ? '' : undefined;
}

function toYamlText(v: GoValue): string {
  if (v === undefined || v === null || v === ZERO) return 'null\n';
  return emitYaml(v, { declineShared: true }) ?? yamlStringify(v, { lineWidth: 0, sortMapEntries: true });
}

function indentAll(spaces: number, s: string): string {
  const pad = ' '.repeat(spaces);
  return pad + s.replace(/\n/g, '\n' + pad);
}

function toList(v: GoValue): GoValue[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null || v === ZERO) return [];
  throw new Error(`cannot convert ${goTypeName(v)} to a list`);
}

/** Sprig's empty(): Go zero values and empty collections. */
function empty(v: GoValue): boolean {
  return !truth(v);
}

export const builtinFuncs: FuncMap = {
  not: (a) => !truth(a),
  len: (a) => {
    if (typeof a === 'string' || Array.isArray(a)) return a.length;
    if (isMap(a)) return Object.keys(a).length;
    if (a === undefined || a === null || a === ZERO) throw new Error('len of nil pointer');
    throw new Error(`len of type ${goTypeName(a)}`);
  },
  index,
  slice: (item, ...idx) => {
    if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${goTypeName(item)}`);
    const a = idx.length > 0 ? num(idx[0]) : 0;
    const b = idx.length > 1 ? num(idx[1]) : item.length;
    return item.slice(a, b);
  },
  print: (...args) => goPrint(args),
  println: (...args) => args.map((a) => printValue(a, false)).join(' ') + '\n',
  printf: (fmt, ...args) => sprintf(str(fmt), ...args),
  eq: (a, ...bs) => {
    if (bs.length === 0) throw new Error('missing argument for comparison');
    return bs.some((b) => basicEqual(a, b));
  },
  ne: (a, b) => !basicEqual(a, b),
  lt: (a, b) => ordered('lt', a, b),
  le: (a, b) => ordered('le', a, b),
  gt: (a, b) => ordered('gt', a, b),
  ge: (a, b) => ordered('ge', a, b),
  html: (...args) => goPrint(args).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  urlquery: (...args) => encodeURIComponent(goPrint(args)),
};

export const sprigFuncs: FuncMap = {
  default: (def, ...given) => {
    // Sprig: `default DEFAULT GIVEN` — GIVEN (usually piped in) wins unless empty.
    const v = given.length > 0 ? given[0] : undefined;
    return empty(v) ? def : v;
  },
  empty: (v) => empty(v),
  coalesce: (...vs: GoValue[]) => vs.find((v) => !empty(v)) ?? null,
  ternary: (a, b, cond) => (truth(cond) ? a : b),
  quote: (...vs: GoValue[]) => vs.filter((v) => v !== undefined && v !== null).map((v) => JSON.stringify(str(v))).join(' '),
  squote: (...vs: GoValue[]) => vs.filter((v) => v !== undefined && v !== null).map((v) => `'${str(v)}'`).join(' '),
  toString: (v: GoValue) => str(v),
  toJson: (v) => JSON.stringify(v === ZERO || v === undefined ? null : v),
  toPrettyJson: (v) => JSON.stringify(v === ZERO || v === undefined ? null : v, null, '  '),
  // Sprig's toYaml trims the final newline (Istio overrides it with its own, which does not).
  toYaml: (v) => toYamlText(v).replace(/\n$/, ''),
  indent: (n, s) => indentAll(num(n), str(s)),
  nindent: (n, s) => '\n' + indentAll(num(n), str(s)),
  trunc: (n, s) => {
    const c = num(n);
    const t = str(s);
    return c >= 0 ? t.slice(0, c) : t.slice(Math.max(0, t.length + c));
  },
  trim: (s) => str(s).trim(),
  trimAll: (cut, s) => {
    const c = str(cut);
    let t = str(s);
    while (c && t.length && c.includes(t[0]!)) t = t.slice(1);
    while (c && t.length && c.includes(t[t.length - 1]!)) t = t.slice(0, -1);
    return t;
  },
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(p) && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  upper: (s) => str(s).toUpperCase(),
  lower: (s) => str(s).toLowerCase(),
  title: (s) => str(s).replace(/\b\w/g, (c) => c.toUpperCase()),
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  replace: (old, nw, s) => str(s).split(str(old)).join(str(nw)),
  repeat: (n, s) => str(s).repeat(Math.max(0, num(n))),
  substr: (a, b, s) => {
    const t = str(s);
    const start = num(a);
    const end = num(b);
    return end < 0 || end > t.length ? t.slice(start) : t.slice(start, end);
  },
  // Sprig's split returns a map {_0: .., _1: ..}; splitList returns a list.
  split: (sep, s) => Object.fromEntries(str(s).split(str(sep)).map((p, i) => [`_${i}`, p])),
  splitList: (sep, s) => str(s).split(str(sep)),
  join: (sep, list) => (typeof list === 'string' ? list : toList(list).map((x) => str(x)).join(str(sep))),
  toStrings: (list) => toList(list).map((x) => str(x)),
  atoi: (s) => {
    const n = parseInt(str(s), 10);
    return Number.isNaN(n) ? 0 : n;
  },
  int: (v) => Math.trunc(num(v)),
  int64: (v) => Math.trunc(num(v)),
  float64: (v) => num(v),
  add: (...vs) => vs.reduce<number>((a, b) => a + num(b), 0),
  add1: (v) => num(v) + 1,
  sub: (a, b) => num(a) - num(b),
  mul: (...vs) => vs.reduce<number>((a, b) => a * num(b), 1),
  div: (a, b) => Math.trunc(num(a) / num(b)),
  mod: (a, b) => num(a) % num(b),
  max: (...vs) => Math.max(...vs.map(num)),
  min: (...vs) => Math.min(...vs.map(num)),
  list: (...vs) => vs,
  append: (list, v) => [...toList(list), v],
  prepend: (list, v) => [v, ...toList(list)],
  first: (list) => toList(list)[0] ?? null,
  last: (list) => {
    const l = toList(list);
    return l[l.length - 1] ?? null;
  },
  rest: (list) => toList(list).slice(1),
  initial: (list) => toList(list).slice(0, -1),
  uniq: (list) => {
    const out: GoValue[] = [];
    for (const x of toList(list)) if (!out.some((y) => JSON.stringify(y) === JSON.stringify(x))) out.push(x);
    return out;
  },
  has: (needle, list) => toList(list).some((x) => JSON.stringify(x) === JSON.stringify(needle)),
  without: (list, ...omit) => toList(list).filter((x) => !omit.some((o) => JSON.stringify(o) === JSON.stringify(x))),
  sortAlpha: (list) => toList(list).map((x) => str(x)).sort(),
  compact: (list) => toList(list).filter((x) => !empty(x)),
  dict: (...kv) => {
    const out: Record<string, GoValue> = {};
    for (let i = 0; i < kv.length; i += 2) out[str(kv[i])] = i + 1 < kv.length ? kv[i + 1] : '';
    return out;
  },
  hasKey: (m, k) => isMap(m) && Object.prototype.hasOwnProperty.call(m, str(k)),
  keys: (...ms) => ms.flatMap((m) => (isMap(m) ? Object.keys(m) : [])),
  values: (m) => (isMap(m) ? Object.values(m) : []),
  get: (m, k) => (isMap(m) && Object.prototype.hasOwnProperty.call(m, str(k)) ? m[str(k)] : ''),
  set: (m, k, v) => {
    if (isMap(m)) m[str(k)] = v;
    return m;
  },
  unset: (m, k) => {
    if (isMap(m)) delete m[str(k)];
    return m;
  },
  pick: (m, ...ks) => (isMap(m) ? Object.fromEntries(Object.entries(m).filter(([k]) => ks.map(str).includes(k))) : {}),
  omit: (m, ...ks) => (isMap(m) ? Object.fromEntries(Object.entries(m).filter(([k]) => !ks.map(str).includes(k))) : {}),
  merge: (dst, ...srcs) => {
    const d = isMap(dst) ? dst : {};
    for (const s of srcs) if (isMap(s)) for (const [k, v] of Object.entries(s)) if (!(k in d) || isZeroish(d[k])) d[k] = v;
    return d;
  },
  b64enc: (s) => Buffer.from(str(s)).toString('base64'),
  b64dec: (s) => Buffer.from(str(s), 'base64').toString('utf8'),
  regexMatch: (re, s) => new RegExp(str(re)).test(str(s)),
  regexReplaceAll: (re, s, repl) => str(s).replace(new RegExp(str(re), 'g'), str(repl).replace(/\$\{(\w+)\}/g, '$<$1>')),
  kindIs: (k, v) => kindOf(v) === str(k),
  kindOf: (v) => kindOf(v),
  typeOf: (v) => goTypeName(v),
  fail: (msg) => {
    throw new Error(str(msg));
  },
};

function kindOf(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return 'slice';
  if (isMap(v)) return 'map';
  return 'invalid';
}

export function composeFuncs(...maps: FuncMap[]): FuncMap {
  return Object.assign({}, ...maps) as Record<string, TemplateFunc>;
}
