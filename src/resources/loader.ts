import { isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { readStdin } from '../util/stdin.js';
import { fastLocate, fastParseDocument } from './fast-yaml.js';
import type { FieldPath, K8sObject, SourceRef } from './types.js';

export const RECOGNIZED_EXTENSIONS = ['.json', '.yaml', '.yml'];

/**
 * Larger inputs are refused rather than parsed: the YAML parser needs 10-20x a document's size
 * in memory, and a 200 MB scalar used to end in a V8 out-of-memory abort. The API server accepts
 * 3 MiB per request, so these leave ample room for Lists and generated bundles.
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

/**
 * How every file is parsed: YAML 1.2 core schema as sigs.k8s.io/yaml reads it for kubectl, with
 * `<<` merge keys, and a duplicate key an error (kubectl refuses them too; last-wins would hide a
 * bad merge).
 */
export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { prettyErrors: false, uniqueKeys: true, merge: true };

/** An object read from a file, before it becomes a Resource. */
export interface LoadedObject {
  readonly object: K8sObject;
  readonly source: SourceRef;
  readonly locate: (path: FieldPath) => number | undefined;
}

/** A document or file that could not be used; it carries file:line for the user. */
export interface LoadProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** parse: not YAML/JSON. invalid: parsed, but not a Kubernetes object. io: unreadable. */
  readonly type: 'parse' | 'invalid' | 'io';
  readonly message: string;
}

export interface LoadResult {
  readonly objects: LoadedObject[];
  readonly problems: LoadProblem[];
  /** Files that were read. */
  readonly files: string[];
  /** Files passed over (unrecognized extension inside a directory), with why. */
  readonly skipped: SkippedFile[];
}

export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
  /** A FIFO, socket or device found in a directory: never read (it could block forever); worth a note. */
  readonly special?: boolean;
}

export interface LoadOptions {
  readonly recursive?: boolean;
  readonly readStdin?: () => Promise<string>;
  /** Preferred over readStdin: the bytes are checked like a file's (UTF-16, invalid UTF-8). */
  readonly readStdinBytes?: () => Promise<Buffer>;
}

/** Expands files and directories (recursively with -R) into the list of files to read, in order. */
export async function expandInputs(
  inputs: readonly string[],
  opts: LoadOptions,
  problems: LoadProblem[],
  skipped: SkippedFile[],
): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push('-');
      continue;
    }
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      problems.push({ file: input, type: 'io', message: ioMessage(e) });
      continue;
    }
    if (st.isDirectory()) {
      await walk(input, opts.recursive ?? false, out, skipped);
    } else {
      out.push(input);
    }
  }
  return out;
}

async function walk(dir: string, recursive: boolean, out: string[], skipped: SkippedFile[]) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    const type = await entryType(e, p);
    if (type === 'directory') {
      if (recursive) await walk(p, recursive, out, skipped);
      else if (!e.name.startsWith('.')) skipped.push({ file: p, reason: 'directory (use -R to descend)' });
    } else if (type !== 'file') {
      // Reading a FIFO waits for a writer that may never come; a device may never end.
      if (type !== 'missing') skipped.push({ file: p, reason: `not a regular file (${type})`, special: true });
    } else if (RECOGNIZED_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) {
      out.push(p);
    } else if (!e.name.startsWith('.')) {
      skipped.push({ file: p, reason: `recognized file extensions are ${RECOGNIZED_EXTENSIONS.join(', ')}` });
    }
  }
}

type EntryType = 'file' | 'directory' | 'FIFO' | 'socket' | 'device' | 'missing';

function typeOf(s: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): EntryType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isFIFO()) return 'FIFO';
  if (s.isSocket()) return 'socket';
  return 'device';
}

/** A directory entry's type, following symbolic links (a dangling link is "missing"). */
async function entryType(e: import('node:fs').Dirent, p: string): Promise<EntryType> {
  if (!e.isSymbolicLink()) return typeOf(e);
  try {
    return typeOf(statSync(p));
  } catch {
    return 'missing';
  }
}

function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file or directory';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  return err?.message ?? String(e);
}

/** Reads files, directories and stdin; every object keeps file:line; bad documents become problems. */
export async function loadInputs(inputs: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const problems: LoadProblem[] = [];
  const skipped: SkippedFile[] = [];
  const files = await expandInputs(inputs, opts, problems, skipped);
  const objects: LoadedObject[] = [];
  for (const file of files) {
    let text: string;
    if (file === '-') {
      try {
        if (opts.readStdinBytes) {
          const decoded = decodeText(await opts.readStdinBytes(), file);
          if (typeof decoded !== 'string') {
            problems.push(decoded);
            continue;
          }
          text = decoded;
        } else {
          text = await (opts.readStdin ?? readStdin)();
        }
      } catch (e) {
        problems.push({ file, type: 'io', message: ioMessage(e) });
        continue;
      }
    } else {
      const read = await readTextFile(file);
      if (typeof read !== 'string') {
        problems.push(read);
        continue;
      }
      text = read;
    }
    parseText(text, file, objects, problems);
  }
  return { objects, problems, files, skipped };
}

/**
 * A file's text, or why it cannot be analyzed: unreadable, too large, or not UTF-8. Read
 * synchronously, like every input here: nothing else runs while offline inputs load, and not
 * loading node:fs/promises is ~1.5 ms of every start.
 */
export async function readTextFile(file: string): Promise<string | LoadProblem> {
  let buf: Buffer;
  try {
    const st = statSync(file);
    // FIFOs and character devices report size 0; they are read (e.g. `analyze <(helm template …)`).
    if (st.isFile() && st.size > MAX_FILE_BYTES) {
      return { file, type: 'invalid', message: `file is ${mb(st.size)}, more than the ${mb(MAX_FILE_BYTES)} istio-ts reads; not analyzed` };
    }
    buf = readFileSync(file);
  } catch (e) {
    return { file, type: 'io', message: ioMessage(e) };
  }
  if (buf.length > MAX_FILE_BYTES) {
    return { file, type: 'invalid', message: `input is more than the ${mb(MAX_FILE_BYTES)} istio-ts reads; not analyzed` };
  }
  return decodeText(buf, file);
}

/**
 * UTF-8 text without its byte order mark. UTF-16/32 (with or without a BOM) and invalid UTF-8
 * are reported with where they were found: parsing them would yield garbage or a misleading
 * syntax error.
 */
export function decodeText(buf: Buffer, file: string): string | LoadProblem {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return { file, type: 'parse', line: 1, message: `file is UTF-${buf[0] === 0xff && buf[2] === 0 && buf[3] === 0 ? '32LE' : buf[0] === 0xff ? '16LE' : '16BE'} encoded (byte order mark); save it as UTF-8` };
  }
  if (buf.length >= 4 && buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff) {
    return { file, type: 'parse', line: 1, message: 'file is UTF-32BE encoded (byte order mark); save it as UTF-8' };
  }
  // Without a BOM, UTF-16 text of ASCII characters has a NUL in every other byte.
  if (buf.length >= 2 && ((buf[0] !== 0 && buf[1] === 0) || (buf[0] === 0 && buf[1] !== 0))) {
    return { file, type: 'parse', line: 1, message: `file looks UTF-16${buf[1] === 0 ? 'LE' : 'BE'} encoded (NUL bytes between characters); save it as UTF-8` };
  }
  if (!isUtf8(buf)) {
    const at = firstInvalidUtf8(buf);
    const line = countLines(buf, at);
    const col = at - (buf.lastIndexOf(0x0a, at - 1) + 1) + 1;
    return { file, type: 'parse', line, column: col, message: `invalid UTF-8 (byte 0x${buf[at]!.toString(16).padStart(2, '0')} at line ${line}, byte ${col}); save the file as UTF-8` };
  }
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  return buf.toString('utf8', start);
}

/**
 * Files concatenated with `cat` (of files saved by Windows editors) carry a byte order mark at the
 * start of a later document. It is an encoding marker, not content: drop it where a line starts
 * (line numbers unchanged), as it is dropped at the start of a file.
 */
function dropStreamBoms(text: string): string {
  return text.includes('\uFEFF') ? text.replace(/(^|\n)\uFEFF+/g, '$1') : text;
}

/** Offset of the first byte that breaks UTF-8 (called only when the buffer is not valid UTF-8). */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    // Overlong 3/4-byte forms, surrogates and code points above U+10FFFF.
    const c1 = b[i + 1]!;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

function countLines(b: Buffer, end: number): number {
  let n = 1;
  for (let i = b.indexOf(0x0a); i !== -1 && i < end; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MiB`;
}


/**
 * Parses one file's text (multi-document YAML or JSON, `List` kinds expanded). Each document
 * goes through the fast path for plain Kubernetes YAML first (fast-yaml.ts) and through `yaml`
 * when that declines it; documents over the size limit are refused one by one.
 */
export function parseText(input: string, file: string, objects: LoadedObject[], problems: LoadProblem[]): void {
  const text = dropStreamBoms(input);
  if (/^(?:%|\.\.\.)/m.test(text)) {
    // Directives or document-end markers: the stream is parsed as a whole.
    if (text.length > MAX_DOCUMENT_BYTES) {
      problems.push({ file, type: 'invalid', line: 1, message: `input is ${mb(text.length)} and uses YAML directives or "..." markers; more than the ${mb(MAX_DOCUMENT_BYTES)} istio-ts parses that way; not analyzed` });
      return;
    }
    parseDocuments(text, file, 0, objects, problems);
    return;
  }
  for (const c of splitDocuments(text)) {
    if (c.end - c.start > MAX_DOCUMENT_BYTES) {
      problems.push({ file, type: 'invalid', line: text.startsWith('---', c.start) ? c.line + 1 : c.line, message: `document is ${mb(c.end - c.start)}, more than the ${mb(MAX_DOCUMENT_BYTES)} istio-ts parses; not analyzed` });
      continue;
    }
    const chunk = text.slice(c.start, c.end);
    const fast = fastParseDocument(chunk);
    if (!fast) {
      parseDocuments(chunk, file, c.line - 1, objects, problems);
      continue;
    }
    if (fast.value === null || fast.value === undefined) continue;
    const lines = fast.itemLines;
    addObject(fast.value, { file, line: c.line + fast.line }, chunkLocator(chunk, c.line - 1), [], objects, problems, lines ? (i) => (lines[i] === undefined ? undefined : c.line + lines[i]!) : undefined);
  }
}

/**
 * Where each document of a stream starts and ends, by its `---` marker lines (a line starting
 * with `---` followed by a blank or the end of the line is always a document marker in YAML:
 * block content is indented, and flow content may not start a line with it).
 */
export function splitDocuments(text: string): { start: number; end: number; line: number }[] {
  const out: { start: number; end: number; line: number }[] = [];
  const re = /^---(?=[ \t\r\n]|$)/gm;
  let start = 0;
  let line = 1;
  let lineAtStart = 1;
  let counted = 0;
  const lineAt = (off: number) => {
    for (let i = text.indexOf('\n', counted); i !== -1 && i < off; i = text.indexOf('\n', i + 1)) {
      line++;
      counted = i + 1;
    }
    if (counted < off) counted = off;
    return line;
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > start) out.push({ start, end: m.index, line: lineAtStart });
    start = m.index;
    lineAtStart = lineAt(m.index);
  }
  out.push({ start, end: text.length, line: lineAtStart });
  return out;
}

function parseDocuments(text: string, file: string, lineOffset: number, objects: LoadedObject[], problems: LoadProblem[]): void {
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [];
  } catch (e) {
    problems.push({ file, type: 'parse', message: (e as Error).message });
    return;
  }
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lc.linePos(offset).line + lineOffset);
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d]!;
    // Drop the stream's reference: what an object keeps alive is its own values, not the AST.
    (docs as unknown[])[d] = undefined;
    const start = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0]) ?? 1 + lineOffset;
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const pos = err.pos ? lc.linePos(err.pos[0]) : undefined;
      problems.push({
        file,
        type: 'parse',
        line: pos ? pos.line + lineOffset : start,
        ...(pos?.col !== undefined ? { column: pos.col } : {}),
        message: errorMessage(err),
      });
      continue;
    }
    if (doc.contents === null) continue; // empty document (e.g. a trailing ---)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      problems.push({ file, type: 'parse', line: start, message: firstLine((e as Error).message) });
      continue;
    }
    if (value === null || value === undefined) continue;
    const locate = lazyLocator(text, lc, start - lineOffset, doc.range?.[2] ?? text.length, lineOffset);
    // The line of each List item, read now from the AST in hand (asking `locate` would parse the
    // whole List a second time and keep that AST alive for as long as any item lives).
    const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    const itemLine = isSeq(items) ? (i: number) => lineOf((items.items[i] as { range?: [number, number, number] } | undefined)?.range?.[0]) : undefined;
    addObject(value, { file, line: start }, locate, [], objects, problems, itemLine);
  }
}

function errorMessage(err: { code: string; message: string }): string {
  if (err.code === 'DUPLICATE_KEY') {
    return `${firstLine(err.message).replace(/ at line \d+, column \d+.*$/, '')} (a duplicate key: which value wins differs between tools)`;
  }
  return firstLine(err.message);
}

function addObject(
  value: unknown,
  source: SourceRef,
  locate: (p: FieldPath) => number | undefined,
  prefix: FieldPath,
  objects: LoadedObject[],
  problems: LoadProblem[],
  itemLine?: (i: number) => number | undefined,
): void {
  const line = source.line;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ file: source.file, line, type: 'invalid', message: `document is a ${Array.isArray(value) ? 'sequence' : typeof value}, not a mapping` });
    return;
  }
  const o = value as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o.items)) {
    o.items.forEach((item, i) => {
      const p = [...prefix, 'items', i];
      const at = (itemLine ? itemLine(i) : locate(p)) ?? line;
      addObject(item, { file: source.file, line: at }, (q) => locate([...p, ...q]), p, objects, problems);
    });
    return;
  }
  const missing: string[] = [];
  // A number or boolean where Kubernetes wants a string (name: 123, apiVersion: 1) is mistyped,
  // not missing: say what was found and how to write it (kubectl refuses it the same way).
  const mistyped = (path: string, v: unknown): boolean => {
    if (v === undefined || v === null || typeof v === 'string') return false;
    const what = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? `the ${typeof v === 'bigint' ? 'number' : typeof v} ${String(v)}` : Array.isArray(v) ? 'a list' : 'a mapping';
    const hint = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? ` (quote it: "${String(v)}")` : '';
    problems.push({ file: source.file, line, type: 'invalid', message: `${path} must be a string, not ${what}${hint}` });
    return true;
  };
  if (mistyped('apiVersion', o.apiVersion) || mistyped('kind', kind)) return;
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') missing.push('apiVersion');
  if (typeof kind !== 'string' || kind === '') missing.push('kind');
  const meta = o.metadata;
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    problems.push({ file: source.file, line, type: 'invalid', message: 'metadata is not a mapping' });
    return;
  }
  const m = (meta ?? {}) as Record<string, unknown>;
  if (mistyped('metadata.name', m.name) || mistyped('metadata.namespace', m.namespace)) return;
  if (typeof m.name !== 'string' || m.name === '') {
    if (typeof m.generateName !== 'string') missing.push('metadata.name');
  }
  if (missing.length > 0) {
    const what = typeof kind === 'string' && kind ? `${kind} ` : '';
    problems.push({ file: source.file, line, type: 'invalid', message: `${what}document has no ${missing.join(', ')}` });
    return;
  }
  for (const field of ['labels', 'annotations'] as const) {
    const v = m[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) {
      problems.push({ file: source.file, line, type: 'invalid', message: `metadata.${field} is not a mapping` });
      return;
    }
    // Kubernetes label and annotation values are strings; YAML may have produced numbers or booleans.
    for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val !== 'string') (v as Record<string, unknown>)[key] = val === null ? '' : String(val);
    }
  }
  if (meta === undefined) o.metadata = m;
  objects.push({ object: o as K8sObject, source, locate });
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/**
 * Field positions are needed only for the few objects a message is about, so the parsed
 * Document (large, and kept alive by every object's locate) is not retained: the document's
 * text is parsed again on the first lookup. With 10k documents this keeps the heap small and
 * the garbage collector out of the way.
 */
/**
 * Lines of fields in a document the fast path took: the fast parser again with positions (a
 * finding's line costs one small parse and keeps nothing); the full parser, kept for the
 * document's later findings, only where the field sits in a flow collection spanning lines.
 */
function chunkLocator(chunk: string, lineOffset: number): (path: FieldPath) => number | undefined {
  let doc: Document.Parsed | undefined;
  let lc: LineCounter | undefined;
  return (path) => {
    if (!doc) {
      const line = fastLocate(chunk, path);
      if (line !== null) return line === undefined ? undefined : line + 1 + lineOffset;
      lc = new LineCounter();
      doc = parseDocument(chunk, { ...PARSE_OPTIONS, lineCounter: lc }) as Document.Parsed;
    }
    const off = fieldOffset(doc, path);
    return off === undefined ? undefined : lc!.linePos(off).line + lineOffset;
  };
}

function lazyLocator(text: string, lc: LineCounter, startLine: number, end: number, lineOffset: number): (path: FieldPath) => number | undefined {
  let doc: Document.Parsed | undefined;
  const from = lc.lineStarts[startLine - 1] ?? 0;
  return (path) => {
    doc ??= parseDocument(text.slice(from, end), PARSE_OPTIONS) as Document.Parsed;
    const off = fieldOffset(doc, path);
    return off === undefined ? undefined : lc.linePos(from + off).line + lineOffset;
  };
}

/**
 * Offset of a field for messages: for a mapping key, where the key starts (the value of a nested
 * mapping or list starts on the next line, which is not where the user looks); for a list item,
 * where the item starts.
 */
function fieldOffset(doc: Document.Parsed, path: FieldPath): number | undefined {
  try {
    if (path.length === 0) return doc.contents?.range?.[0];
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as (string | number)[], true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) == last);
      const key = pair?.key as { range?: [number, number, number] } | undefined;
      return key?.range?.[0];
    }
    if (isSeq(parent) && typeof last === 'number') {
      return (parent.items[last] as { range?: [number, number, number] } | undefined)?.range?.[0];
    }
  } catch {
    // A path through a scalar: no position.
  }
  return undefined;
}
