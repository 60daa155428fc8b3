import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/inject/', import.meta.url));

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => stdin,
    env: {},
    cwd: fixtures,
    isTTY: false,
    stdinIsTTY: false,
  };
  const { program, exitCode } = buildProgram(io);
  let code: number;
  try {
    await program.parseAsync(['node', 'istio-ts', ...args]);
    code = exitCode();
  } catch (e) {
    const ex = e as { exitCode?: number; message: string };
    err += ex.message;
    code = ex.exitCode ?? 1;
  }
  return { code, out, err };
}

describe('istio-ts kube-inject', () => {
  it('needs -f', async () => {
    const r = await run(['kube-inject']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/filename not specified \(see --filename or -f\)/);
  });
  it('reports a missing input file', async () => {
    const r = await run(['kube-inject', '-f', 'missing.yaml']);
    expect(r.code).toBe(66);
    expect(r.err).toMatch(/open missing\.yaml: no such file or directory/);
  });
  it('prints the injected manifest (matches the golden)', async () => {
    const r = await run(['kube-inject', '-f', 'pod.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(join(fixtures, 'pod.yaml.injected'), 'utf8'));
  });
  it('reads stdin with -f - and writes the file named by -o', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-ts-kube-inject-'));
    const out = join(dir, 'out.yaml');
    const r = await run(['kube-inject', '-f', '-', '-o', out], readFileSync(join(fixtures, 'job.yaml'), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(fixtures, 'job.yaml.injected'), 'utf8'));
  });
  it('warns on stderr for skipped workloads and keeps stdout clean', async () => {
    const r = await run(['kube-inject', '-f', 'annotations-skip.yaml']);
    expect(r.code).toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(3);
    expect(r.out).toBe(readFileSync(join(fixtures, 'annotations-skip.yaml.injected'), 'utf8'));
  });
  it('rejects a broken --injectConfigFile template as a data error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-ts-kube-inject-'));
    const cfg = join(dir, 'inject.yaml');
    (await import('node:fs')).writeFileSync(cfg, 'templates:\n  sidecar: "{{ if .x }}"\n');
    const r = await run(['kube-inject', '-f', 'pod.yaml', '--injectConfigFile', cfg]);
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/template: sidecar:1: unexpected EOF/);
  });
});
