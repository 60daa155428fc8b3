import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from '../../../src/main.js';
import type { IO } from '../../../src/cli/io.js';

const dir = path.resolve(__dirname, '../../../fixtures/manifests/generate');
interface Case { name: string; files: string[]; set: string[]; golden: string; select: string[] }
const cases = (JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: IO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => '',
    env: {},
    cwd: dir,
    isTTY: false,
    stdinIsTTY: false,
  };
  const code = await main(args, io);
  return { code, out, err };
}

/** upstream's select: Kind:Namespace:Name patterns, '*' or '' match anything, names anchored. */
function select(text: string, patterns: string[]): string {
  const docs = parseAllDocuments(text).filter((d) => d.toJS() != null);
  const kept = docs.filter((d) => {
    const o = d.toJS() as { kind: string; metadata: { namespace?: string; name: string } };
    return patterns.some((p) => {
      const [k, ns, n] = p.split(':');
      const m = (pat: string | undefined, v: string) => !pat || pat === '*' || pat === v;
      return m(k, o.kind) && m(ns, o.metadata.namespace ?? '') && m(n, o.metadata.name);
    });
  });
  return kept.map((d) => String(d).trim()).join('\n---\n') + '\n';
}

describe('manifest generate goldens', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const args = ['manifest', 'generate', ...c.files.flatMap((f) => ['-f', f]), ...c.set.flatMap((s) => ['--set', s])];
    const r = await run(args);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const got = select(r.out, c.select);
    const golden = path.join(dir, c.golden);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden ${c.golden}; run with UPDATE_GOLDEN=1`);
      writeFileSync(golden, got);
    }
    expect(got).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('manifest generate errors and formats', () => {
  it('refuses an unknown -f field with exit 65, naming file and field', async () => {
    const r = await run(['manifest', 'generate', '-f', 'bad-field.iop.yaml']);
    expect(r.code).toBe(65);
    expect(r.err).toContain('bad-field.iop.yaml: spec.components.pilot.k8s.resourcez: unknown field');
    expect(r.out).toBe('');
  });
  it('refuses a mistyped -f field with exit 65', async () => {
    const r = await run(['manifest', 'generate', '-f', 'bad-type.iop.yaml']);
    expect(r.code).toBe(65);
    expect(r.err).toContain('spec.components.pilot.enabled: must be boolean');
  });
  it.each([
    [['--set', 'values.pilot.autoscaleMin=many'], 'values.pilot.autoscaleMin'],
    [['--set', 'components.pilott.enabled=true'], 'components.pilott'],
    [['--set', 'noequals'], 'expected path=value'],
    [['--set', 'profile=nope'], 'unknown profile'],
    [['-r', 'Bad_Rev'], 'DNS-1123'],
  ])('refuses %j with exit 64', async (flags, msg) => {
    const r = await run(['manifest', 'generate', ...flags]);
    expect(r.code).toBe(64);
    expect(r.err).toContain(msg);
  });
  it('reports a missing -f file with exit 66', async () => {
    const r = await run(['manifest', 'generate', '-f', 'nope.yaml']);
    expect(r.code).toBe(66);
  });
  it('prints a v1 List with -o json', async () => {
    const r = await run(['-o', 'json', 'manifest', 'generate', '--set', 'profile=minimal']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { kind: string; items: { kind: string }[] };
    expect(list.kind).toBe('List');
    expect(list.items.length).toBe(33);
  });
  it('keeps `tag: 1.20` as written, not the YAML float 1.2 (issue 12.6)', async () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'istio-ts-tag-')), 'tag.iop.yaml');
    writeFileSync(f, 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: minimal\n  tag: 1.20\n');
    const r = await run(['manifest', 'generate', '-f', f]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/image: .*\/pilot:1\.20\n/);
    expect(r.out).not.toMatch(/pilot:1\.2\n/);
  });
  it('prints nothing for the empty profile', async () => {
    const r = await run(['manifest', 'generate', '--set', 'profile=empty']);
    expect([r.code, r.out]).toEqual([0, '']);
  });
});
