import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeText, loadInputs, MAX_DOCUMENT_BYTES, MAX_FILE_BYTES, parseText, splitDocuments, type LoadedObject, type LoadProblem } from '../../src/resources/loader.js';
import { runCli } from '../helpers/cli.js';
import { skipWhenMissing } from '../helpers/requires.js';

// Issue 12 item 6: input a hostile or careless user gives `analyze`.

const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string | Buffer) => {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const svc = (name: string, ns = 'default', extra = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  ports:\n  - port: 80\n    name: http\n${extra}`;

function parse(text: string) {
  const objects: LoadedObject[] = [];
  const problems: LoadProblem[] = [];
  parseText(text, 'in.yaml', objects, problems);
  return { objects, problems };
}

describe('duplicate keys and merge keys', () => {
  it('a duplicate key is a parse error naming the line, and the other documents are read', () => {
    const { objects, problems } = parse(`${svc('a')}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  name: c\n---\n${svc('d')}`);
    expect(objects.map((o) => o.object.metadata.name)).toEqual(['a', 'd']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'in.yaml', type: 'parse', line: 15 });
    expect(problems[0]!.message).toMatch(/unique/i);
  });

  it('analyze exits 65 on a duplicate key and reports it with file:line', async () => {
    const f = file('dup.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: x\n  namespace: y\n');
    const r = await runCli(['analyze', '-A', '-o', 'json', f]);
    expect(r.code).toBe(65);
    const msgs = JSON.parse(r.stdout) as { code: string; reference: string }[];
    expect(msgs).toEqual([expect.objectContaining({ code: 'ITS0001', reference: `${f}:6` })]);
  });

  it('merges YAML merge keys (<<) as kubectl does, explicit keys winning', () => {
    const { objects, problems } = parse(
      ['base: &base', '  app: web', '  tier: front', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    <<: *base', '    tier: back', '    more: x'].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(objects[0]!.object.metadata.labels).toEqual({ app: 'web', tier: 'back', more: 'x' });
  });
});

describe('too large input', () => {
  it('refuses a document over the limit with its file and line, and reads the rest of the file', () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: ${'a'.repeat(MAX_DOCUMENT_BYTES + 10)}\n`;
    const { objects, problems } = parse(`${svc('a')}---\n${big}---\n${svc('b')}`);
    expect(objects.map((o) => `${o.object.metadata.name}@${o.source.line}`)).toEqual(['a@1', 'b@18']);
    expect(problems).toEqual([expect.objectContaining({ file: 'in.yaml', type: 'invalid', line: 11 })]);
    expect(problems[0]!.message).toMatch(/^document is 32 MiB, more than the 32 MiB istio-ts parses; not analyzed$/);
  });

  it('refuses a file over the limit without reading it; analyze names it and analyzes the other files', async () => {
    const huge = path.join(dir, 'huge.yaml');
    closeSync(openSync(huge, 'w'));
    truncateSync(huge, MAX_FILE_BYTES + 1); // sparse: no disk space, no read
    const ok = file('ok.yaml', svc('ok', 'default', 'spec2: 1\n'));
    const loaded = await loadInputs([huge, ok]);
    expect(loaded.objects.map((o) => o.object.metadata.name)).toEqual(['ok']);
    expect(loaded.problems).toEqual([{ file: huge, type: 'invalid', message: 'file is 256 MiB, more than the 256 MiB istio-ts reads; not analyzed' }]);
    const r = await runCli(['analyze', '-A', '-o', 'json', huge, ok]);
    expect(r.code).toBe(65);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ code: 'ITS0002', reference: huge })]);
  });

  it('splits a stream at its --- markers only', () => {
    const t = 'a: 1\n---\nb: |\n  ---not a marker\n  x\n--- # c\nc: 3\n---\n';
    expect(splitDocuments(t).map((c) => [c.line, t.slice(c.start, c.end)])).toEqual([
      [1, 'a: 1\n'],
      [2, '---\nb: |\n  ---not a marker\n  x\n'],
      [6, '--- # c\nc: 3\n'],
      [8, '---\n'],
    ]);
  });
});

describe.skipIf(skipWhenMissing(!existsSync('dist/cli/main.js')))('memory (built CLI in a child process)', () => {
  it('a 50,000-item List is analyzed within a 256 MB heap (it took 1.4 GB RSS)', () => {
    let s = 'apiVersion: v1\nkind: List\nitems:\n';
    for (let i = 0; i < 50_000; i++) s += `- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s${i}\n    namespace: default\n  spec:\n    ports:\n    - port: 80\n      name: http\n`;
    const f = file('list50k.yaml', s);
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', 'bin/istio-ts.js', 'analyze', '-A', '-o', 'json', f], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    expect(r.stderr).not.toContain('heap out of memory');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  }, 150_000);
});

describe('the same object in two files', () => {
  const a = file('twice/a.yaml', svc('web', 'shop'));
  const b = file('twice/b.yaml', `# the same Service, edited\n${svc('web', 'shop', '  selector: {app: web}\n')}`);

  it('is reported, and the result does not depend on argument order', async () => {
    const ab = await runCli(['analyze', '-A', '-o', 'json', a, b]);
    const ba = await runCli(['analyze', '-A', '-o', 'json', b, a]);
    expect(ab.code).toBe(65);
    expect(ba.code).toBe(65);
    expect(ab.stdout).toBe(ba.stdout);
    const msgs = JSON.parse(ab.stdout) as { code: string; message: string; reference: string }[];
    expect(msgs).toEqual([
      expect.objectContaining({ code: 'ITS0002', reference: `${b}:2`, message: expect.stringContaining(`Service shop/web is defined twice: here and at ${a}:1 (the one analyzed)`) }),
    ]);
  });
});

describe('special files and empty input', () => {
  it('skips a FIFO under -R with a note instead of waiting on it', async () => {
    const d = path.join(dir, 'withfifo');
    mkdirSync(d, { recursive: true });
    file('withfifo/ok.yaml', svc('ok'));
    const fifo = path.join(d, 'pipe.yaml');
    const mk = spawnSync('mkfifo', [fifo]);
    if (mk.status !== 0) return; // no mkfifo: nothing to prove here
    const loaded = await loadInputs([d], { recursive: true });
    expect(loaded.skipped).toEqual([{ file: fifo, reason: 'not a regular file (FIFO)', special: true }]);
    const r = await runCli(['analyze', '-A', '-R', d]);
    expect(r.stderr).toContain(`Note: skipped ${fifo}: not a regular file (FIFO)`);
    expect(r.code).toBe(0);
  });

  it('reading zero objects says so and exits 66, in every output format', async () => {
    const empty = file('empty.yaml', '# nothing here\n---\n');
    for (const o of ['log', 'json']) {
      const r = await runCli(['analyze', '-A', '-o', o, empty]);
      expect(r.code).toBe(66);
      expect(r.stderr).toContain('Warning: no Kubernetes objects found in 1 file(s); nothing was analyzed.');
      expect(r.stderr).not.toContain('No validation issues');
    }
  });
});

describe('encodings', () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n';
  it('reads UTF-8 with or without a BOM', () => {
    expect(decodeText(Buffer.from(`\ufeff${text}`), 'f')).toBe(text);
    expect(decodeText(Buffer.from(text), 'f')).toBe(text);
  });

  it.each([
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), /UTF-16LE encoded \(byte order mark\)/],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), /UTF-16BE encoded/],
    ['UTF-16LE without a BOM', Buffer.from(text, 'utf16le'), /looks UTF-16LE encoded/],
  ])('reports %s', (_, buf, msg) => {
    const r = decodeText(buf, 'f');
    expect(r).toMatchObject({ file: 'f', type: 'parse', line: 1 });
    expect((r as LoadProblem).message).toMatch(msg);
  });

  it('reports invalid UTF-8 with its line (Latin-1 text saved by an old editor)', async () => {
    const f = file('latin1.yaml', Buffer.concat([Buffer.from('apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations:\n    owner: Jos'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const loaded = await loadInputs([f]);
    expect(loaded.objects).toEqual([]);
    expect(loaded.problems).toEqual([{ file: f, type: 'parse', line: 6, column: 15, message: 'invalid UTF-8 (byte 0xe9 at line 6, byte 15); save the file as UTF-8' }]);
    const r = await runCli(['analyze', '-A', f]);
    expect(r.code).toBe(65);
  });
});
