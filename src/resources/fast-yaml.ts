/**
 * A fast path for the YAML that Kubernetes manifests are made of: block mappings and sequences,
 * one-line plain and quoted scalars, one-line flow collections, literal block scalars, comments.
 * It builds plain JS values straight from the text (no CST, no AST), so a 10k-document mesh or a
 * 50k-item List costs a fraction of the time and memory of the full parser.
 *
 * It is a filter, not a second YAML implementation: anything outside that subset (anchors,
 * aliases, tags, merge keys, folded or indented block scalars, multi-line plain or quoted
 * scalars, multi-line flow collections, complex or non-string keys, duplicate keys, tabs in
 * indentation, directives) returns `undefined` and the caller parses the document with `yaml`,
 * which also gives every error message. Where it returns a value, it is the value `yaml` gives
 * (YAML 1.2 core schema); a differential test holds it to that over the fixtures and a fuzz
 * corpus.
 */

export interface FastDocument {
  /** The document's value; undefined for an empty document (only comments or nothing). */
  readonly value: unknown;
  /** 0-based line (within the text) of the document's first content line. */
  readonly line: number;
  /** For a top-level mapping with a block sequence under `items`: the 0-based line of each item. */
  readonly itemLines?: number[];
}

class Bail extends Error {}
const BAIL = new Bail();

// The core schema, as yaml resolves plain scalars (yaml/dist/schema/core/*.js).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Fast exit: most values start with a letter other than n/N/t/T/f/F, or a slash.
  if (!(c <= 0x39 || c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46)) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) {
    if (s.length > 15) throw BAIL; // precision: leave big integers to the full parser's rules
    return parseInt(s, 10);
  }
  if (HEX.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_INF.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** Characters that may not start a plain scalar (or that this path leaves to the full parser). */
function badPlainStart(c: string, next: string | undefined): boolean {
  if ('[]{},#&*!|>\'"%@`'.includes(c)) return true;
  if ((c === '-' || c === '?' || c === ':') && (next === undefined || next === ' ' || next === '\t')) return true;
  return false;
}

/**
 * The 0-based line (within `text`) where a field of a document the fast path takes starts, as
 * the loader reports it from the full parser: a mapping key's line, a list item's line, the
 * document's first line for the empty path; undefined when the path leads nowhere; null when the
 * fast path declines the text or the field sits in a flow collection spanning lines (the caller
 * then asks the full parser). Parses again, keeping nothing: findings are few, documents many.
 */
export function fastLocate(text: string, path: readonly (string | number)[]): number | undefined | null {
  if (text.includes('\r')) return null;
  const p = new FastParser(text);
  const pos = new Map<object, Positions>();
  p.positions = pos;
  let doc: FastDocument;
  try {
    doc = p.document();
  } catch (e) {
    if (e === BAIL) return null;
    throw e;
  }
  if (path.length === 0) return doc.value === undefined ? undefined : doc.line;
  let parent: unknown = doc.value;
  for (let k = 0; k < path.length - 1; k++) {
    if (typeof parent !== 'object' || parent === null) return undefined;
    parent = (parent as Record<string, unknown>)[String(path[k])];
  }
  if (typeof parent !== 'object' || parent === null) return undefined;
  const at = pos.get(parent);
  const last = String(path[path.length - 1]);
  if (!at || !Object.prototype.hasOwnProperty.call(parent, last)) return undefined;
  if ('flow' in at) return at.multiline ? null : at.flow;
  if ('keys' in at) return at.keys.get(last);
  return Array.isArray(parent) && /^\d+$/.test(last) ? at.items[Number(last)] : undefined;
}

type Positions = { keys: Map<string, number> } | { items: number[] } | { flow: number; multiline: boolean };

export function fastParseDocument(text: string): FastDocument | undefined {
  if (text.includes('\r')) return undefined; // CRLF line breaks: the full parser
  try {
    return new FastParser(text).document();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

class FastParser {
  private readonly lines: string[];
  private i = 0;
  /** Current line's indentation and content (comment and trailing blanks removed); set by peek(). */
  private ind = 0;
  private body = '';
  /** fastLocate only: where each block mapping's keys, block sequence's items and flow collection sit. */
  positions?: Map<object, Positions>;
  /** The line where the flow collection being gathered starts. */
  private flowStart = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  document(): FastDocument {
    // A leading `---` marker line (as splitDocuments leaves it) with nothing but a comment after it.
    if (/^---(?:[ \t]|$)/.test(this.lines[0]!)) {
      const rest = stripComment(this.lines[0]!.slice(3));
      if (rest !== '') throw BAIL;
      this.i = 1;
    }
    if (!this.peek()) return { value: undefined, line: this.i };
    const line = this.i;
    if (this.ind !== 0) throw BAIL;
    let value: unknown;
    let itemLines: number[] | undefined;
    const b = this.body;
    if (b[0] === '{' || b[0] === '[') {
      // A flow collection at the root (JSON): its continuation lines may sit at column 0 only to close it.
      this.i++;
      value = this.flowLine(this.gatherFlow(b, 0));
    } else if (isSeqEntry(b)) {
      value = this.seq(0);
    } else {
      const lines: number[] = [];
      value = this.map(0, lines);
      if (lines.length) itemLines = lines;
    }
    if (this.peek()) throw BAIL; // content the structure above did not take (e.g. `...`, a stray line)
    return { value, line, ...(itemLines ? { itemLines } : {}) };
  }

  /** Moves to the next line with content; false at the end. Sets ind/body. */
  private peek(): boolean {
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i]!;
      let n = 0;
      while (raw.charCodeAt(n) === 0x20) n++;
      const c = raw[n];
      if (c === undefined || c === '#') {
        this.i++;
        continue;
      }
      if (c === '\t') throw BAIL; // tabs where indentation goes: the full parser's rules
      if (n === 0 && (c === '%' || raw.startsWith('---') || raw.startsWith('...'))) throw BAIL;
      this.ind = n;
      this.body = stripComment(raw.slice(n));
      return true;
    }
    return false;
  }

  private map(ind: number, itemLines?: number[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = this.positions ? new Map<string, number>() : undefined;
    if (keys) this.positions!.set(out, { keys });
    while (this.peek()) {
      if (this.ind < ind) break;
      if (this.ind > ind) throw BAIL;
      const b = this.body;
      if (isSeqEntry(b)) break; // a sequence at the key's own indentation ends this map (caller decides)
      const { key, rest } = splitKey(b);
      if (key === '<<' || key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw BAIL;
      keys?.set(key, this.i);
      this.i++;
      let v: unknown;
      if (rest === '') {
        v = this.nested(ind, key === 'items' && ind === 0 ? itemLines : undefined);
      } else if (rest[0] === '|') {
        v = this.literal(ind, rest);
      } else {
        v = this.inlineValue(this.gatherFlow(rest, ind));
        this.noContinuation(ind);
      }
      out[key] = v;
    }
    return out;
  }

  /** The value of `key:` with nothing after it: a nested block, a sequence at the same indentation, or null. */
  private nested(ind: number, itemLines?: number[]): unknown {
    if (!this.peek()) return null;
    if (this.ind > ind) {
      const b = this.body;
      if (isSeqEntry(b)) return this.seq(this.ind, itemLines);
      if (b[0] === '{' || b[0] === '[') {
        // A flow collection on the line below its key (`alwaysInjectSelector:` / `  []` in the injector config).
        this.i++;
        const v = this.inlineValue(this.gatherFlow(b, ind));
        this.noContinuation(ind);
        return v;
      }
      if (b[0] === '"' || b[0] === "'" || !hasKey(b)) throw BAIL; // multi-line value forms
      return this.map(this.ind);
    }
    if (this.ind === ind && isSeqEntry(this.body)) return this.seq(ind, itemLines);
    return null;
  }

  private seq(ind: number, itemLines?: number[]): unknown[] {
    const out: unknown[] = [];
    const items = this.positions ? ([] as number[]) : undefined;
    if (items) this.positions!.set(out, { items });
    while (this.peek()) {
      if (this.ind < ind) break;
      if (this.ind > ind) throw BAIL;
      const b = this.body;
      if (!isSeqEntry(b)) break;
      itemLines?.push(this.i);
      items?.push(this.i);
      let k = 1;
      while (b[k] === ' ') k++;
      const rest = b.slice(k);
      if (rest === '') {
        this.i++;
        // An item on the following lines, more indented than the dash; or null.
        if (this.peek() && this.ind > ind) {
          // Where the full parser puts such an item: its content's line, not the dash's.
          if (items) items[items.length - 1] = this.i;
          const nb = this.body;
          if (isSeqEntry(nb)) out.push(this.seq(this.ind));
          else if (hasKey(nb) && nb[0] !== '{' && nb[0] !== '[' && nb[0] !== '"' && nb[0] !== "'") out.push(this.map(this.ind));
          else throw BAIL;
        } else out.push(null);
        continue;
      }
      if (isSeqEntry(rest)) throw BAIL; // `- - a`
      if (rest[0] !== '{' && rest[0] !== '[' && rest[0] !== '"' && rest[0] !== "'" && rest[0] !== '|' && hasKey(rest)) {
        // `- key: value` starts a mapping whose keys sit at the column of `key`.
        const col = ind + k;
        this.lines[this.i] = ' '.repeat(col) + rest;
        out.push(this.map(col));
        continue;
      }
      this.i++;
      if (rest[0] === '|') out.push(this.literal(ind, rest));
      else {
        out.push(this.inlineValue(this.gatherFlow(rest, ind)));
        this.noContinuation(ind);
      }
    }
    return out;
  }

  /**
   * A flow collection that continues on the following lines (`annotations: {` … `}` as the
   * injection templates write it) joined into one line: between flow tokens a line break is a
   * space. Continuation lines sit deeper than the parent (the closing bracket may sit at its
   * level); a quoted string open at a line end is left to the full parser.
   */
  private gatherFlow(first: string, ind: number): string {
    this.flowStart = this.i - 1; // every caller has just stepped past the line the flow starts on
    if (first[0] !== '{' && first[0] !== '[') return first;
    let text = first;
    let depth = flowDepth(text);
    while (depth > 0) {
      if (!this.peek()) throw BAIL;
      const b = this.body;
      if (this.ind < ind || (this.ind === ind && b[0] !== '}' && b[0] !== ']')) throw BAIL;
      // Joined with a line break, which the flow parser reads as a space but never lets into a
      // key or plain scalar (implicit keys may not span lines; multi-line plain scalars fold).
      text += `\n${b}`;
      // Quotes never span lines here (flowDepth bails), so the depth adds up line by line.
      depth += flowDepth(b, true);
      this.i++;
    }
    return text;
  }

  /** After a one-line value: a more indented line would continue it (multi-line scalar) or be an error. */
  private noContinuation(ind: number): void {
    if (this.peek() && this.ind > ind) throw BAIL;
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose parent sits at `ind`. Folded and explicit-indent forms bail. */
  private literal(ind: number, header: string): string {
    const chomp = header === '|' ? 'clip' : header === '|-' ? 'strip' : header === '|+' ? 'keep' : undefined;
    if (!chomp) throw BAIL;
    const content: string[] = [];
    let blank = 0; // empty lines since the last content line
    let blockInd = -1;
    for (; this.i < this.lines.length; this.i++) {
      const raw = this.lines[this.i]!;
      let n = 0;
      while (raw.charCodeAt(n) === 0x20) n++;
      if (n === raw.length && (blockInd === -1 || n <= blockInd)) {
        // Before the first content line, space-only lines wider than it have rules of their own.
        if (n > 0 && blockInd === -1) throw BAIL;
        blank++;
        continue;
      }
      if (n === raw.length) {
        // A space-only line wider than the indentation is content: its spaces past the indentation.
        for (; blank > 0; blank--) content.push('');
        content.push(raw.slice(blockInd));
        continue;
      }
      if (blockInd === -1) {
        if (n <= ind) break;
        if (raw[n] === '\t') throw BAIL;
        blockInd = n;
      } else if (n < blockInd) break;
      for (; blank > 0; blank--) content.push('');
      content.push(raw.slice(blockInd));
    }
    if (blockInd === -1) throw BAIL; // an empty block scalar: leave its chomping to the full parser
    const atEof = this.i >= this.lines.length;
    // At the end of the text the last "line" after a final \n is empty: it is not a line break.
    // Without a final line break (blank === 0) the full parser still ends clip and keep with one.
    if (atEof && blank > 0) blank--;
    const text = content.join('\n');
    if (chomp === 'strip') return text;
    if (chomp === 'clip') return `${text}\n`;
    return text + '\n'.repeat(blank + 1);
  }

  /** A value on the same line as its key or dash: flow collection, quoted or plain scalar. */
  private inlineValue(s: string): unknown {
    const c = s[0]!;
    if (c === '{' || c === '[') return this.flowLine(s);
    if (c === '"' || c === "'") {
      const { value, end } = quoted(s, 0);
      if (end !== s.length) throw BAIL;
      return value;
    }
    if (badPlainStart(c, s[1])) throw BAIL;
    if (s.includes(': ') || s.endsWith(':') || s.includes(' #') || s.includes('\t')) throw BAIL;
    return resolvePlain(s);
  }

  /** A flow collection that must end on this line. */
  private flowLine(s: string): unknown {
    const p = { s, i: 0 };
    const v = flowNode(p);
    skipSpaces(p);
    if (p.i !== s.length) throw BAIL;
    if (this.positions) this.markFlow(v, { flow: this.flowStart, multiline: s.includes('\n') });
    return v;
  }

  private markFlow(v: unknown, at: Positions): void {
    if (typeof v !== 'object' || v === null) return;
    this.positions!.set(v, at);
    for (const x of Object.values(v)) this.markFlow(x, at);
  }
}

/** Open brackets at the end of `s` (flow context); a quote still open at the end bails. */
function flowDepth(s: string, afterBreak = false): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      // afterBreak: `s` continues a flow after a line break, which is what precedes its first character.
      const prev = i === 0 && afterBreak ? '\n' : s[i - 1];
      if ((i > 0 || afterBreak) && prev !== ' ' && prev !== '[' && prev !== '{' && prev !== ',' && prev !== ':') continue;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (c === '"' && s[j] === '\\') j++;
        else if (s[j] === c) {
          if (c === "'" && s[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= s.length) throw BAIL;
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth;
}

function isSeqEntry(b: string): boolean {
  return b[0] === '-' && (b.length === 1 || b[1] === ' ');
}

/** Whether a line is `key: …` (a plain key up to the first `: `, or a quoted key). */
function hasKey(b: string): boolean {
  if (b[0] === '"' || b[0] === "'") return false; // quoted keys: leave to splitKey's callers
  const k = b.indexOf(':');
  return k > 0 && (k === b.length - 1 || b[k + 1] === ' ');
}

function splitKey(b: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  if (b[0] === '"' || b[0] === "'") {
    const q = quoted(b, 0);
    if (typeof q.value !== 'string' || b[q.end] !== ':') throw BAIL;
    key = q.value;
    after = q.end + 1;
  } else {
    const k = b.indexOf(':');
    if (k <= 0 || (k !== b.length - 1 && b[k + 1] !== ' ')) throw BAIL;
    key = b.slice(0, k);
    if (badPlainStart(key[0]!, key[1]) || key.endsWith(' ') || key.includes(' #') || key.includes('\t')) throw BAIL;
    // Keys that resolve to something other than a string (80, true, null) are stringified by
    // the full parser in ways this path does not copy.
    if (typeof resolvePlain(key) !== 'string') throw BAIL;
    after = k + 1;
  }
  if (after < b.length && b[after] !== ' ') throw BAIL;
  return { key, rest: b.slice(after).trim() };
}

/** Removes a trailing comment (` #…` outside quotes) and trailing spaces. */
function stripComment(s: string): string {
  if (s.indexOf('#') === -1) return s.trimEnd();
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) {
        if (q === "'" && s[i + 1] === "'") i++;
        else q = undefined;
      } else if (c === '\\' && q === '"') i++;
    } else if (c === '"' || c === "'") {
      // A quote inside a plain scalar is just a character; a quote that starts a token opens a string.
      const prev = s[i - 1];
      if (i === 0 || prev === ' ' || prev === '[' || prev === '{' || prev === ',' || prev === ':') q = c;
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) {
      return s.slice(0, i).trimEnd();
    }
  }
  if (q) throw BAIL; // an unterminated quote: multi-line, or an error
  return s.trimEnd();
}

const JSON_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't', 'u']);

/** A quoted scalar starting at s[i] that ends on this line. */
function quoted(s: string, i: number): { value: string; end: number } {
  const q = s[i];
  if (q === "'") {
    let out = '';
    let j = i + 1;
    for (;;) {
      const k = s.indexOf("'", j);
      if (k === -1) throw BAIL;
      out += s.slice(j, k);
      if (s[k + 1] === "'") {
        out += "'";
        j = k + 2;
        continue;
      }
      return { value: out, end: k + 1 };
    }
  }
  let j = i + 1;
  let escapes = false;
  for (; j < s.length; j++) {
    const c = s[j];
    if (c === '"') break;
    if (c === '\\') {
      if (!JSON_ESCAPES.has(s[j + 1]!)) throw BAIL;
      escapes = true;
      j++;
    } else if (c === '\t') throw BAIL;
  }
  if (j >= s.length) throw BAIL;
  const inner = s.slice(i + 1, j);
  let value: string;
  if (!escapes) value = inner;
  else {
    try {
      value = JSON.parse(`"${inner}"`) as string;
    } catch {
      throw BAIL;
    }
  }
  return { value, end: j + 1 };
}

interface Cursor {
  s: string;
  i: number;
}

function skipSpaces(p: Cursor): void {
  while (p.s[p.i] === ' ' || p.s[p.i] === '\n') p.i++;
}

function flowNode(p: Cursor): unknown {
  skipSpaces(p);
  const c = p.s[p.i];
  if (c === '[') {
    p.i++;
    const out: unknown[] = [];
    for (;;) {
      skipSpaces(p);
      if (p.s[p.i] === ']') {
        p.i++;
        return out;
      }
      const v = flowNode(p);
      skipSpaces(p);
      if (p.s[p.i] === ':') throw BAIL; // a single-pair mapping inside a sequence
      out.push(v);
      if (p.s[p.i] === ',') {
        p.i++;
        continue;
      }
      if (p.s[p.i] !== ']') throw BAIL;
    }
  }
  if (c === '{') {
    p.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      skipSpaces(p);
      if (p.s[p.i] === '}') {
        p.i++;
        return out;
      }
      let key: string;
      const k = p.s[p.i];
      if (k === '"' || k === "'") {
        const q = quoted(p.s, p.i);
        key = q.value;
        p.i = q.end;
        skipSpaces(p);
        if (p.s[p.i] !== ':' || key === '__proto__') throw BAIL;
      } else {
        const start = p.i;
        while (p.i < p.s.length && !',[]{}'.includes(p.s[p.i]!) && !(p.s[p.i] === ':' && ' ,}\n'.includes(p.s[p.i + 1] ?? ' '))) p.i++;
        key = p.s.slice(start, p.i).trim();
        if (key.includes('\n')) throw BAIL;
        if (p.s[p.i] !== ':' || key === '' || badPlainStart(key[0]!, key[1]) || key.includes(' #') || typeof resolvePlain(key) !== 'string' || key === '<<' || key === '__proto__') throw BAIL;
      }
      p.i++; // ':'
      if (p.s[p.i] !== ' ' && p.s[p.i] !== '\n' && p.s[p.i] !== ',' && p.s[p.i] !== '}' && !(k === '"' || k === "'")) throw BAIL;
      skipSpaces(p);
      let v: unknown = null;
      if (p.s[p.i] !== ',' && p.s[p.i] !== '}') v = flowNode(p);
      if (Object.prototype.hasOwnProperty.call(out, key)) throw BAIL;
      out[key] = v;
      skipSpaces(p);
      if (p.s[p.i] === ',') {
        p.i++;
        continue;
      }
      if (p.s[p.i] !== '}') throw BAIL;
    }
  }
  if (c === '"' || c === "'") {
    const q = quoted(p.s, p.i);
    p.i = q.end;
    return q.value;
  }
  if (c === undefined) throw BAIL;
  // A plain scalar in flow context: up to , ] } (a `: ` would make it a pair: not handled here).
  const start = p.i;
  while (p.i < p.s.length && !',[]{}'.includes(p.s[p.i]!)) {
    if (p.s[p.i] === ':' && ' ,]}\n'.includes(p.s[p.i + 1] ?? ' ')) throw BAIL;
    if (p.s[p.i] === '#' && p.s[p.i - 1] === ' ') throw BAIL;
    p.i++;
  }
  const text = p.s.slice(start, p.i).trim();
  if (text === '' || badPlainStart(text[0]!, text[1]) || text.includes('\t') || text.includes('\n')) throw BAIL;
  return resolvePlain(text);
}

/**
 * `yaml.parse` for one document, taking the fast path when it applies (rendered injection
 * templates, values and mesh config are plain YAML): the same value, or the same error.
 */
export function parseYaml(text: string, full: (text: string) => unknown): unknown {
  const fast = fastParseDocument(text);
  if (fast !== undefined && fast.value !== undefined) return fast.value;
  return full(text);
}
