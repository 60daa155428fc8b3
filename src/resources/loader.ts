import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { readStdin } from '../cli/stdin.js';
import type { FieldPath, K8sObject, SourceRef } from './types.js';

export const RECOGNIZED_EXTENSIONS = ['.json', '.yaml', '.yml'];

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
  readonly skipped: { file: string; reason: string }[];
}

export interface LoadOptions {
  readonly recursive?: boolean;
  readonly readStdin?: () => Promise<string>;
}

/** Expands files and directories (recursively with -R) into the list of files to read, in order. */
export async function expandInputs(
  inputs: readonly string[],
  opts: LoadOptions,
  problems: LoadProblem[],
  skipped: { file: string; reason: string }[],
): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push('-');
      continue;
    }
    let st;
    try {
      st = await stat(input);
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

async function walk(dir: string, recursive: boolean, out: string[], skipped: { file: string; reason: string }[]) {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) await walk(p, recursive, out, skipped);
      else if (!e.name.startsWith('.')) skipped.push({ file: p, reason: 'directory (use -R to descend)' });
    } else if (RECOGNIZED_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) {
      out.push(p);
    } else if (!e.name.startsWith('.')) {
      skipped.push({ file: p, reason: `recognized file extensions are ${RECOGNIZED_EXTENSIONS.join(', ')}` });
    }
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
  const skipped: { file: string; reason: string }[] = [];
  const files = await expandInputs(inputs, opts, problems, skipped);
  const objects: LoadedObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? await (opts.readStdin ?? readStdin)() : await readFile(file, 'utf8');
    } catch (e) {
      problems.push({ file, type: 'io', message: ioMessage(e) });
      continue;
    }
    parseText(text, file === '-' ? '-' : file, objects, problems);
  }
  return { objects, problems, files, skipped };
}


/** Parses one file's text (multi-document YAML or JSON, `List` kinds expanded). */
export function parseText(text: string, file: string, objects: LoadedObject[], problems: LoadProblem[]): void {
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [];
  } catch (e) {
    problems.push({ file, type: 'parse', message: (e as Error).message });
    return;
  }
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lc.linePos(offset).line);
  for (const doc of docs) {
    const start = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0]) ?? 1;
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const pos = err.pos ? lc.linePos(err.pos[0]) : undefined;
      problems.push({
        file,
        type: 'parse',
        line: pos?.line ?? start,
        ...(pos?.col !== undefined ? { column: pos.col } : {}),
        message: firstLine(err.message),
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
    const locate = lazyLocator(text, lc, start, doc.range?.[2] ?? text.length);
    addObject(value, { file, line: start }, locate, [], objects, problems);
  }
}

function addObject(
  value: unknown,
  source: SourceRef,
  locate: (p: FieldPath) => number | undefined,
  prefix: FieldPath,
  objects: LoadedObject[],
  problems: LoadProblem[],
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
      const itemLine = locate(p) ?? line;
      addObject(item, { file: source.file, line: itemLine }, (q) => locate([...p, ...q]), p, objects, problems);
    });
    return;
  }
  const missing: string[] = [];
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') missing.push('apiVersion');
  if (typeof kind !== 'string' || kind === '') missing.push('kind');
  const meta = o.metadata;
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) {
    problems.push({ file: source.file, line, type: 'invalid', message: 'metadata is not a mapping' });
    return;
  }
  const m = (meta ?? {}) as Record<string, unknown>;
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
function lazyLocator(text: string, lc: LineCounter, startLine: number, end: number): (path: FieldPath) => number | undefined {
  let doc: Document.Parsed | undefined;
  const from = lc.lineStarts[startLine - 1] ?? 0;
  return (path) => {
    doc ??= parseDocument(text.slice(from, end), { uniqueKeys: false }) as Document.Parsed;
    const off = fieldOffset(doc, path);
    return off === undefined ? undefined : lc.linePos(from + off).line;
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
