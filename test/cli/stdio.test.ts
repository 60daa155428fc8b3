import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { skipWhenMissing } from '../helpers/requires.js';

const fsMock = vi.hoisted(() => ({ failAfter: -1 as number, calls: 0 }));
vi.mock('node:fs', async (orig) => {
  const real = await orig<typeof import('node:fs')>();
  return {
    ...real,
    // With failAfter >= 0: writes that many bytes of the next call, then EAGAIN (a full non-blocking pipe).
    writeSync: (fd: number, buf: Buffer, off: number, len: number) => {
      fsMock.calls++;
      if (fsMock.failAfter < 0) return real.writeSync(fd, buf, off, len);
      if (fsMock.failAfter > 0) {
        const n = real.writeSync(fd, buf, off, Math.min(len, fsMock.failAfter));
        fsMock.failAfter = 0;
        return n;
      }
      throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    },
  };
});
const { isTerminal, standardOutput } = await import('../../src/cli/stdio.js');

const work = mkdtempSync(path.join(tmpdir(), 'istio-ts-stdio-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  fsMock.failAfter = -1;
  fsMock.calls = 0;
});

describe('standard output without the process stream', () => {
  it('a regular file gets every write, in order, UTF-8, and no stream is created', () => {
    const file = path.join(work, 'out.txt');
    const fd = openSync(file, 'w');
    const factory = vi.fn();
    const out = standardOutput(fd, factory);
    out.write('✔ first\n');
    out.write('x'.repeat(200_000));
    out.write('\nlast — ü\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(`✔ first\n${'x'.repeat(200_000)}\nlast — ü\n`);
    expect(factory).not.toHaveBeenCalled();
  });

  it('when a write would block (EAGAIN), the rest of it and every later write go through the stream, in order', () => {
    const file = path.join(work, 'eagain.txt');
    const fd = openSync(file, 'w');
    const through: string[] = [];
    const stream = { write: (b: Buffer | string) => (through.push(b.toString()), true), on: () => stream };
    const out = standardOutput(fd, () => stream as unknown as NodeJS.WriteStream);
    out.write('one\n');
    fsMock.failAfter = 3;
    out.write('two-three\n');
    fsMock.failAfter = -1;
    out.write('four\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo');
    expect(through).toEqual(['-three\n', 'four\n']);
  });

  it('/dev/null gets every write directly, and is no terminal: neither the stream nor node:tty is loaded', () => {
    const fd = openSync('/dev/null', 'w');
    const factory = vi.fn();
    const out = standardOutput(fd, factory);
    fsMock.calls = 0;
    out.write('hello\n');
    out.write('x'.repeat(100_000));
    expect(fsMock.calls).toBeGreaterThanOrEqual(2);
    expect(factory).not.toHaveBeenCalled();
    expect(isTerminal(fd)).toBe(false);
    closeSync(fd);
  });

  it('another character device (a terminal, /dev/zero) gets the process stream, created on first use, its properties passed through', () => {
    const fd = openSync('/dev/zero', 'w');
    expect(isTerminal(fd)).toBe(false);
    const stream = { isTTY: true, columns: 120, written: '' as string, write(s: string) { this.written += s; return true; }, on: () => stream };
    const factory = vi.fn(() => stream as unknown as NodeJS.WriteStream);
    const out = standardOutput(fd, factory) as unknown as typeof stream;
    out.write('');
    expect(factory).not.toHaveBeenCalled();
    expect(out.isTTY).toBe(true);
    expect(out.columns).toBe(120);
    out.write('hello');
    expect(stream.written).toBe('hello');
    expect(factory).toHaveBeenCalledTimes(1);
    closeSync(fd);
  });
});

describe.skipIf(skipWhenMissing(!existsSync('dist/cli/main.cjs')))('the built CLI on pipes and files', () => {
  const cli = path.resolve('bin/istio-ts.js');
  it('the same bytes to a pipe as to a file; a reader that stops early ends it quietly with 141, as istioctl (SIGPIPE)', () => {
    const args = [cli, 'manifest', 'generate', '--set', 'profile=demo'];
    const piped = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(piped.status).toBe(0);
    const file = path.join(work, 'manifest.yaml');
    const fd = openSync(file, 'w');
    const toFile = spawnSync(process.execPath, args, { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(toFile.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
    expect(piped.stdout.length).toBeGreaterThan(100_000);
    const head = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" ${args.map((a) => `'${a}'`).join(' ')} | head -c 100 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(head.stderr).toBe('status 141\n');
  });
});

describe.skipIf(skipWhenMissing(!existsSync('dist/cli/main.cjs')))('the built CLI writing to /dev/null and a socket', () => {
  // A preload reports, at exit, which of the costly stream modules the run loaded. stderr is the
  // 'pipe' of spawnSync, which libuv makes a Unix socket: written directly too.
  const preload = path.join(work, 'report-tty.cjs');
  const clean = path.join(work, 'clean.yaml');
  writeFileSync(clean, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-0\n  labels:\n    istio-injection: enabled\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: team-0\nspec:\n  egress:\n  - hosts: ["./*", "istio-system/*"]\n');
  writeFileSync(preload, `process.on('exit', () => { for (const m of ['tty', 'net']) if (process.moduleLoadList.includes('NativeModule ' + m)) process.stderr.write('LOADED ' + m + '\\n'); });\n`);
  const run = (device: string) => {
    const fd = openSync(device, 'w');
    try {
      return spawnSync(process.execPath, ['--require', preload, path.resolve('bin/istio-ts.js'), 'analyze', '-A', '--use-kube=false', clean], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/nonexistent' } });
    } finally {
      closeSync(fd);
    }
  };
  it('loads neither node:tty nor node:net: /dev/null is known not to be a terminal, and the socket gets the text', () => {
    const r = run('/dev/null');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`\u2714 No validation issues found when analyzing ${clean}.\n`);
  });
  it('another character device (/dev/zero) is asked with isatty, which loads node:tty (the check works)', () => {
    const r = run('/dev/zero');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('LOADED tty');
  });
});
