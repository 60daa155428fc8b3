import { isPlainObject } from '../util/objects.js';
import type { Tree } from './types.js';

/** One step of an istioctl --set path: a map key, a list index, or a list item picked by key:value. */
export type PathSegment = { key: string } | { index: number } | { match: { key: string; value: string } };

export interface SetFlag {
  /** The flag as the user wrote it, for error messages. */
  readonly raw: string;
  readonly path: PathSegment[];
  readonly value: string;
}

/**
 * Parses `a.b[name:x].c=v` (also istioctl's `a.b.[name:x].c` and `a.b[0]`). Dots inside a key are
 * escaped as `\.` (istioctl: `values.pilot.podAnnotations.foo\.io/bar=1`). The value is everything
 * after the first `=`, kept as text; typing happens against the schema (see coerceSetValue).
 */
export function parseSetFlag(raw: string): SetFlag | string {
  const eq = indexOfUnescaped(raw, '=');
  if (eq <= 0) return `--set ${JSON.stringify(raw)}: expected path=value`;
  const pathText = raw.slice(0, eq);
  const value = raw.slice(eq + 1);
  const segs: PathSegment[] = [];
  let cur = '';
  let i = 0;
  const flushKey = () => {
    if (cur !== '') segs.push({ key: cur });
    cur = '';
  };
  while (i < pathText.length) {
    const c = pathText[i]!;
    if (c === '\\' && i + 1 < pathText.length) {
      cur += pathText[i + 1];
      i += 2;
      continue;
    }
    if (c === '.') {
      flushKey();
      i++;
      continue;
    }
    if (c === '[') {
      flushKey();
      const end = closingBracket(pathText, i);
      if (end < 0) return `--set ${JSON.stringify(raw)}: unclosed "[" in path`;
      const inner = pathText.slice(i + 1, end).replace(/\\(.)/g, '$1');
      const colon = inner.indexOf(':');
      if (colon > 0) segs.push({ match: { key: inner.slice(0, colon), value: inner.slice(colon + 1) } });
      else if (/^\d+$/.test(inner)) segs.push({ index: Number(inner) });
      else return `--set ${JSON.stringify(raw)}: "[${inner}]" must be an index like [0] or a selector like [name:value]`;
      i = end + 1;
      continue;
    }
    cur += c;
    i++;
  }
  flushKey();
  if (segs.length === 0) return `--set ${JSON.stringify(raw)}: empty path`;
  // istioctl accepts paths with or without the leading "spec."
  const first = segs[0]!;
  if ('key' in first && first.key === 'spec' && segs.length > 1) segs.shift();
  if (!('key' in segs[0]!)) return `--set ${JSON.stringify(raw)}: a path must start with a field name`;
  return { raw, path: segs, value };
}

function indexOfUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function closingBracket(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ']') return i;
  }
  return -1;
}

/** Writes `value` at `path` inside `root` (an IstioOperator spec), creating maps/lists/items as needed. */
export function setAtPath(root: Tree, path: readonly PathSegment[], value: unknown): void {
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const next = path[i + 1];
    const fresh = (): unknown => (next && !('key' in next) ? [] : {});
    if ('key' in seg) {
      const obj = cur as Tree;
      if (last) obj[seg.key] = value;
      else {
        if (obj[seg.key] === undefined || obj[seg.key] === null || typeof obj[seg.key] !== 'object') obj[seg.key] = fresh();
        cur = obj[seg.key];
      }
    } else {
      if (!Array.isArray(cur)) throw new Error('list selector applied to a non-list');
      const list = cur as unknown[];
      let idx: number;
      if ('index' in seg) {
        idx = seg.index;
        while (list.length <= idx) list.push(undefined);
      } else {
        idx = list.findIndex((el) => isPlainObject(el) && String(el[seg.match.key]) === seg.match.value);
        // A selector that matches nothing adds the item: `components.ingressGateways[name:gw2].enabled=true`
        // declares a second gateway, as istioctl does.
        if (idx < 0) {
          list.push({ [seg.match.key]: seg.match.value });
          idx = list.length - 1;
        }
      }
      if (last) list[idx] = value;
      else {
        if (list[idx] === undefined || list[idx] === null || typeof list[idx] !== 'object') list[idx] = fresh();
        cur = list[idx];
      }
    }
  }
}

/** Reads the value at `path` (undefined when absent); selectors do not create items. */
export function getAtPath(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if ('key' in seg) cur = isPlainObject(cur) ? cur[seg.key] : undefined;
    else if (!Array.isArray(cur)) return undefined;
    else if ('index' in seg) cur = cur[seg.index];
    else cur = cur.find((el) => isPlainObject(el) && String(el[seg.match.key]) === seg.match.value);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** The textual guess for a value whose field has no declared type (values subtrees the schema leaves open). */
export function guessScalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((s, i) => ('key' in s ? (i === 0 ? s.key : `.${s.key}`) : 'index' in s ? `[${s.index}]` : `[${s.match.key}:${s.match.value}]`))
    .join('');
}
