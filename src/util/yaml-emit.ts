/**
 * `yaml.stringify(value, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false })`
 * for plain JSON-like data, written straight to a string. `manifest generate` spent 80% of its
 * time in yaml's document model building and printing ~1 MB of CRDs.
 *
 * It copies yaml's choices (plain, single- or double-quoted, literal block scalars with their
 * chomping and indentation indicators) for the common cases and returns `undefined` for anything
 * else (control characters, multi-line quoted strings, document markers inside strings, very
 * long keys, non-JSON values), so the caller falls back to yaml for that document. A
 * differential test holds the output byte-for-byte to yaml's over every rendered profile.
 */

class Bail extends Error {}
const BAIL = new Bail();

// Strings that the core schema would read back as something else (yaml/dist/schema/core).
const NOT_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
// yaml's plainString: what cannot be written plain.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const DOC_MARKER = /^(%|---|\.\.\.)/m;
const STEP = '  ';

/** Printing options beyond the defaults above, each as yaml has it. */
export interface EmitStyle {
  /** yaml's indentSeq (default true): false puts a sequence's dashes at its key's column. */
  indentSeq?: boolean;
  /** yaml's singleQuote: true prefers single quotes wherever a scalar needs quoting. */
  singleQuote?: boolean;
  /** Strings (values and keys) written double-quoted whatever else applies (a visitor setting QUOTE_DOUBLE). */
  doubleQuoted?: (s: string) => boolean;
  /** yaml's default aliasDuplicateObjects: an object met twice would be an alias; such a value is declined. */
  declineShared?: boolean;
}

let style: EmitStyle = {};
let seen: Set<object> | undefined;

export function emitYaml(value: unknown, options: EmitStyle = {}): string | undefined {
  style = options;
  seen = options.declineShared ? new Set() : undefined;
  try {
    if (!isMap(value)) return undefined;
    const keys = sortedKeys(value);
    if (keys.length === 0) return '{}\n';
    return `${mapBody(value, keys, '')}\n`;
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  } finally {
    style = {};
    seen = undefined;
  }
}

function once(o: object): void {
  if (!seen) return;
  if (seen.has(o)) throw BAIL;
  seen.add(o);
}

function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function sortedKeys(o: Record<string, unknown>): string[] {
  once(o);
  // yaml drops pairs whose value is undefined.
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The lines of a block mapping at `indent` (the first without its indentation). */
function mapBody(o: Record<string, unknown>, keys: string[], indent: string): string {
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) out += `\n${indent}`;
    const ks = keyString(k);
    out += `${ks}:${valueAfter(o[k], indent + STEP)}`;
  }
  return out;
}

/** What follows `key:` or `-` for a value whose content sits at `indent`. */
function valueAfter(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    once(v);
    if (v.length === 0) return ' []';
    // indentSeq: a sequence under a key is indented one step (`indent` already is).
    const at = style.indentSeq === false ? indent.slice(STEP.length) : indent;
    return `\n${at}${seqBody(v, at)}`;
  }
  if (isMap(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return ' {}';
    return `\n${indent}${mapBody(v, keys, indent)}`;
  }
  return ` ${scalar(v, indent)}`;
}

/** The lines of a block sequence whose dashes sit at `indent`. */
function seqBody(a: unknown[], indent: string): string {
  let out = '';
  const inner = indent + STEP;
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += `\n${indent}`;
    const v = a[i];
    if (v === undefined) throw BAIL;
    if (Array.isArray(v)) {
      once(v);
      out += v.length === 0 ? '- []' : `- ${seqBody(v, inner)}`;
    } else if (isMap(v)) {
      const keys = sortedKeys(v);
      out += keys.length === 0 ? '- {}' : `- ${mapBody(v, keys, inner)}`;
    } else {
      out += `- ${scalar(v, inner)}`;
    }
  }
  return out;
}

function scalar(v: unknown, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? '.nan' : v < 0 ? '-.inf' : '.inf';
    return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  }
  if (typeof v === 'string') return valueString(v, indent);
  throw BAIL;
}

function keyString(k: string): string {
  if (k.length > 1000 || CONTROL.test(k)) throw BAIL;
  if (style.doubleQuoted?.(k)) return doubleQuoted(k);
  if (k.includes('\n') || NOT_PLAIN.test(k)) return quoted(k);
  if (DOC_MARKER.test(k)) throw BAIL;
  if (NOT_STRING.some((re) => re.test(k))) return quoted(k);
  return k;
}

function valueString(s: string, indent: string): string {
  if (CONTROL.test(s) || DOC_MARKER.test(s)) throw BAIL;
  if (style.doubleQuoted?.(s)) return doubleQuoted(s);
  const multi = s.includes('\n');
  if (NOT_PLAIN.test(s)) return multi ? block(s, indent) : quoted(s);
  if (multi) return block(s, indent);
  if (NOT_STRING.some((re) => re.test(s))) return quoted(s);
  return s;
}

/**
 * yaml's quotedString for a one-line string: single quotes when it holds " but not '; double
 * quotes when it holds ' but not "; otherwise double, or single with singleQuote.
 */
function quoted(s: string): string {
  if (s.includes('\n')) throw BAIL; // multi-line quoted strings are folded: yaml's business
  const hasDouble = s.includes('"');
  const hasSingle = s.includes("'");
  if (hasDouble && !hasSingle) return `'${s}'`;
  if (hasSingle && !hasDouble) return doubleQuoted(s);
  return style.singleQuote ? `'${s.replaceAll("'", "''")}'` : doubleQuoted(s);
}

/** yaml's doubleQuotedString for a one-line string without control characters (no folding at lineWidth 0). */
function doubleQuoted(s: string): string {
  if (s.includes('\n')) throw BAIL;
  return JSON.stringify(s);
}

/** yaml's blockString, literal style (lineWidth 0 never folds), for a value at `indent`. */
function block(value: string, indent: string): string {
  if (/\n[\t ]+$/.test(value)) throw BAIL; // yaml quotes these
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}
