import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInputs, parseText, type LoadedObject, type LoadProblem } from '../../src/resources/loader.js';

function parse(text: string) {
  const objects: LoadedObject[] = [];
  const problems: LoadProblem[] = [];
  parseText(text, 'in.yaml', objects, problems);
  return { objects, problems };
}

describe('parseText', () => {
  it('keeps file:line of every document in a multi-document stream', () => {
    const { objects, problems } = parse(
      ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: a', '---', '# comment', 'apiVersion: v1', 'kind: Service', 'metadata:', '  name: b'].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(objects.map((o) => [o.object.metadata.name, o.source.line])).toEqual([
      ['a', 1],
      ['b', 7],
    ]);
  });

  it('locates a field inside the document', () => {
    const { objects } = parse(['apiVersion: v1', 'kind: Service', 'metadata:', '  name: a', 'spec:', '  ports:', '  - port: 80', '    name: web'].join('\n'));
    expect(objects[0]!.locate(['spec', 'ports', 0, 'name'])).toBe(8);
    expect(objects[0]!.locate(['spec', 'nothere'])).toBeUndefined();
  });

  it('expands List kinds and keeps the line of each item', () => {
    const { objects } = parse(
      ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Service', '  metadata: {name: a}', '- apiVersion: v1', '  kind: Pod', '  metadata: {name: p}'].join('\n'),
    );
    expect(objects.map((o) => `${o.object.kind}/${o.object.metadata.name}@${o.source.line}`)).toEqual(['Service/a@4', 'Pod/p@7']);
    expect(objects[1]!.locate(['metadata', 'name'])).toBe(9);
  });

  it('reads JSON, including a JSON List', () => {
    const { objects, problems } = parse(JSON.stringify({ apiVersion: 'v1', kind: 'ServiceList', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }] }));
    expect(problems).toEqual([]);
    expect(objects).toHaveLength(1);
  });

  it('reports a broken document with its line and still reads the others', () => {
    const { objects, problems } = parse(
      ['apiVersion: v1', 'kind: Service', 'metadata: {name: a}', '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: [b}', '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: c}'].join('\n'),
    );
    expect(objects.map((o) => o.object.metadata.name)).toEqual(['a', 'c']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'in.yaml', type: 'parse', line: 7 });
  });

  it('reports documents that are not Kubernetes objects', () => {
    const { objects, problems } = parse(['- a', '---', 'kind: X', 'metadata: {name: x}', '---', 'apiVersion: v1', 'kind: Y', 'metadata: 3', '---', '---', 'plain'].join('\n'));
    expect(objects).toEqual([]);
    expect(problems.map((p) => `${p.type}@${p.line}: ${p.message}`)).toEqual([
      'invalid@1: document is a sequence, not a mapping',
      'invalid@3: X document has no apiVersion',
      'invalid@6: metadata is not a mapping',
      'invalid@11: document is a string, not a mapping',
    ]);
  });

  it('turns non-string label values into strings, as the API server would require', () => {
    const { objects } = parse('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {version: 2, canary: true}\n');
    expect(objects[0]!.object.metadata.labels).toEqual({ version: '2', canary: 'true' });
  });

  it('refuses alias bombs instead of exhausting memory', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    const { objects, problems } = parse(lines.join('\n'));
    expect(objects).toEqual([]);
    expect(problems[0]?.type).toBe('parse');
  });
});

describe('loadInputs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-loader-'));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  writeFileSync(path.join(dir, 'sub', 'b.json'), '{"apiVersion":"v1","kind":"Service","metadata":{"name":"b"}}');

  it('reads only the top level of a directory without -R, and says what it skipped', async () => {
    const r = await loadInputs([dir]);
    expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['a']);
    expect(r.skipped.map((s) => path.basename(s.file))).toEqual(['notes.txt', 'sub']);
  });

  it('descends with -R', async () => {
    const r = await loadInputs([dir], { recursive: true });
    expect(r.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'b']);
  });

  it('reads stdin for "-"', async () => {
    const r = await loadInputs(['-'], { readStdin: async () => 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n' });
    expect(r.objects[0]!.source).toEqual({ file: '-', line: 1 });
  });

  it('reports a missing file and reads the rest', async () => {
    const r = await loadInputs([path.join(dir, 'missing.yaml'), path.join(dir, 'a.yaml')]);
    expect(r.problems).toEqual([{ file: path.join(dir, 'missing.yaml'), type: 'io', message: 'no such file or directory' }]);
    expect(r.objects).toHaveLength(1);
  });
});
