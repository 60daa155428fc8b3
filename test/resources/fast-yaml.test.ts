import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng.js';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { fastLocate, fastParseDocument } from '../../src/resources/fast-yaml.js';
import { PARSE_OPTIONS, splitDocuments } from '../../src/resources/loader.js';

/**
 * The fast path may decline any document, but what it accepts must be exactly what `yaml` makes
 * of it: the same value, the same first line, and no error or warning from `yaml`.
 */
function check(text: string): 'fast' | 'declined' {
  const fast = fastParseDocument(text);
  if (fast === undefined) return 'declined';
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc });
  const list = Array.isArray(docs) ? docs : [];
  // The loader skips documents that are empty or null.
  const real = list.filter((d) => d.toJS() != null);
  const errors = list.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
  expect({ text, errors }).toEqual({ text, errors: [] });
  if (fast.value === undefined) {
    expect({ text, docs: real.length }).toEqual({ text, docs: 0 });
    return 'fast';
  }
  expect({ text, docs: list.length }).toEqual({ text, docs: 1 });
  const doc = list[0]!;
  expect({ text, value: fast.value }).toEqual({ text, value: doc.toJS({ maxAliasCount: 1000 }) });
  expect({ text, line: fast.line + 1 }).toEqual({ text, line: lc.linePos(doc.contents!.range![0]).line });
  // Field lines (findings' file:line): fastLocate against the full parser's positions, for up to
  // 8 paths spread over the document (documents up to 16 KB: each call parses again), and one
  // path that leads nowhere.
  const paths = text.length <= 16_384 ? allPaths(fast.value, []) : [];
  const step = Math.max(1, Math.floor(paths.length / 8));
  for (let k = 0; k < paths.length; k += step) {
    const path = paths[k]!;
    const line = fastLocate(text, path);
    if (line === null) continue;
    const off = fieldOffset(doc, path);
    expect({ text, path, line: line === undefined ? undefined : line + 1 }).toEqual({ text, path, line: off === undefined ? undefined : lc.linePos(off).line });
  }
  expect(fastLocate(text, ['no such field', 'x'])).toBeUndefined();
  return 'fast';
}

function allPaths(v: unknown, at: (string | number)[]): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...allPaths(x, [...at, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...allPaths(x, [...at, k]));
  return out;
}

/** Where the loader's full-parser locator puts a field (src/resources/loader.ts fieldOffset). */
function fieldOffset(doc: Document.Parsed, path: (string | number)[]): number | undefined {
  if (path.length === 0) return doc.contents?.range?.[0];
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) return (parent.items.find((it) => (isScalar(it.key) ? it.key.value : it.key) == last)?.key as { range?: number[] } | undefined)?.range?.[0];
  if (isSeq(parent) && typeof last === 'number') return (parent.items[last] as { range?: number[] } | undefined)?.range?.[0];
  return undefined;
}

function corpusFiles(): string[] {
  const roots = [path.resolve('fixtures'), path.resolve('../shared/conformance')].filter((p) => existsSync(p));
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|injected)$/.test(e) && statSync(p).size < 2_000_000) out.push(p);
    }
  };
  roots.forEach(walk);
  return out;
}

function chunks(text: string): string[] {
  if (/^(%|\.\.\.)/m.test(text)) return [];
  return splitDocuments(text).map((c) => text.slice(c.start, c.end));
}

const CASES: [string][] = [
    ['a: 1\nb: "x"\nc: \'y\'\n'],
    ['apiVersion: v1\nkind: List\nitems:\n- a: 1\n  b: [1, 2, {c: d}]\n-   e: f\n    g:\n    - h\n'],
    ['k: |\n  line 1\n\n  line 3\n\nnext: 1\n'],
    ['k: |-\n  x\n  y\n'],
    ['k: |+\n  x\n\n\nz: 1\n'],
    ['k: |\n  x\n# trailing comment\n'],
    ['a:\n  b:\n    c: ~\n  d: null\n  e: True\n  f: 0o17\n  g: 0x1F\n  h: .5\n  i: 1e3\n  j: -.inf\n  k: +12\n  l: 1.20\n'],
    ['a: "esc \\" \\n \\u00e9 \\/"\nb: \'it\'\'s\'\n'],
    ['a: b # comment\nc: "# not a comment"\nd: e#f\n'],
    ['a: {x: 1, "y": 2, z: }\nb: []\nc: {}\nd: [a, b, ]\n'],
    ['---\n# c\na: 1\n'],
    ['# only a comment\n'],
    ['- a\n- - b\n'],
    ['a: &x 1\nb: *x\n'],
    ['a: !!str 1\n'],
    ['a: >\n  folded\n'],
    ['a: b\n  c\n'],
    ['a: 1\na: 2\n'],
    ['<<: {a: 1}\n'],
    ['a: "multi\n  line"\n'],
    ['a: [1,\n  2]\n'],
    ['80: x\n'],
    ['a:\tb\n'],
    ['a: x: y\n'],
    ['a:\n- 1\n- 2\nb: 3\n'],
    ['a: {b: c}x\n'],
    ['- {a: 1}\n- [b]\n- "c"\n- \n- d: e\n'],
    ['a: |\n  x\n  y'],
    ['a: |+\n  x\n'],
    ['a:\n  - |\n    text\n  - b\n'],
    ['metadata:\n  annotations: {\n    a.io/x: "1",\n    b: c,\n  }\nspec: 1\n'],
    ['a: [\n  1, 2,\n  3]\nb: {x: [\n 1 ], y: z}\n'],
    ['a: {\nb: 1}\n'],
    ['a: {b: "x\n  y"}\n'],
    ['- {a: 1,\n   b: 2}\n- c\n'],
    ['a: { # c\n  b: 1 # d\n}\n'],
    ['{\n  "a": {\n    "b": [1, 2, "x"],\n    "c": {}\n  },\n  "d": null\n}\n'],
    ['{\n"a": 1\n}\n'],
    ['[\n  1,\n  {"a": true}\n]\n'],
    // Literal blocks: space-only lines wider than the indentation, no final line break (a ConfigMap's data string).
    ['a: |\n  x\n     \n  y\n'],
    ['a: |\n  x\n     \nb: 1\n'],
    ['a: |-\n  x\n     \n\n'],
    ['a: |+\n  x\n    \n  \n'],
    ['a: |\n     \n  x\n'],
    ['a: |\n  x'],
    ['a: |-\n  x'],
    ['a: |+\n  x'],
    ['a: |+\n  x\n '],
    ['a:\n  - x\n  - |\n    y'],
    // A flow collection on the line below its key (the injector config's `alwaysInjectSelector:` / `  []`).
    ['a:\n  []\nb: 1\n'],
    ['a:\n  [x,\n   y]\n'],
    ['a:\n  [] # c\n'],
    ['a:\n  {}\n  b: 1\n'],
    ['a:\n  {b: 1}\nc:\n  [d]\n'],
];

describe('fast YAML path', () => {
  it.each(CASES)('agrees with yaml on %j (or declines)', (text) => {
    check(text);
  });

  it('takes most fixture documents and agrees with yaml on every one it takes', () => {
    let fast = 0;
    let total = 0;
    for (const f of corpusFiles()) {
      for (const c of chunks(readFileSync(f, 'utf8'))) {
        total++;
        if (check(c) === 'fast') fast++;
      }
    }
    expect(total).toBeGreaterThan(500);
    // Coverage, so that the fast path stays the common case (printed for the record).
    console.log(`fast path: ${fast} of ${total} fixture documents`);
    expect(fast / total).toBeGreaterThan(0.8);
  }, 120_000);

  it('agrees with yaml on 5,000 mutated documents (FUZZ_N for more)', () => {
    const r = rng(Number(process.env.FUZZ_SEED ?? 20261204));
    const corpus = corpusFiles()
      .slice(0, 400)
      .flatMap((f) => chunks(readFileSync(f, 'utf8')))
      .filter((c) => c.length < 5_000)
      .concat(CASES.map(([c]) => c));
    const insert = ['[', '{', ':', ': ', '&', '*', '!', '|', '>', '%', '"', "'", '\t', '-', '- ', '#', ' #', ',', '?', '\\', '  ', '\n', '~', '0x', '.', '...', '---', '<<: '];
    let fast = 0;
    const N = Number(process.env.FUZZ_N ?? 5000);
    for (let n = 0; n < N; n++) {
      let t = corpus[Math.floor(r() * corpus.length)]!;
      const ops = 1 + Math.floor(r() * 3);
      for (let k = 0; k < ops; k++) {
        const i = Math.floor(r() * (t.length + 1));
        const op = r();
        if (op < 0.5) t = t.slice(0, i) + insert[Math.floor(r() * insert.length)] + t.slice(i);
        else if (op < 0.7) t = t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 3));
        else if (op < 0.85) {
          const lines = t.split('\n');
          const j = Math.floor(r() * lines.length);
          lines[j] = ' '.repeat(Math.floor(r() * 4)) + lines[j]!.replace(/^ {0,2}/, '');
          t = lines.join('\n');
        } else t = t.slice(0, i);
      }
      if (check(t) === 'fast') fast++;
    }
    expect(fast).toBeGreaterThan(N / 10);
  }, 120_000);
});
