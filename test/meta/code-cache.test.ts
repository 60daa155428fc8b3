import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWhenMissing } from '../helpers/requires.js';

/**
 * dist/cli/loader.cjs compiles the CLI bundle with V8's code cache (scripts/bundle-loader.cjs). The
 * cache may only ever make a run faster: a missing, stale, corrupt or unwritable cache gives the
 * same output and exit code as no cache at all.
 */
const cli = path.resolve('bin/istio-ts.js');
const work = mkdtempSync(path.join(tmpdir(), 'istio-ts-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const args = ['analyze', '--use-kube=false', '-A', '-R', '-o', 'json', '--failure-threshold', 'None', 'fixtures/analyze/shop'];
const run = (env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const cacheFiles = (home: string) => {
  const dir = path.join(home, 'istio-ts', `v8-${process.version}`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('main-')).map((f) => path.join(dir, f)) : [];
};

describe.skipIf(skipWhenMissing(!existsSync('dist/cli/main.cjs')))('bundle code cache', () => {
  const reference = run({ ISTIO_TS_NO_CODE_CACHE: '1' });

  it('the reference run works without a cache', () => {
    expect(reference.stderr).toBe('');
    expect(JSON.parse(reference.stdout)).toBeInstanceOf(Array);
  });

  it('writes one cache per command after the first run and gives the same result with it', () => {
    const home = path.join(work, 'fresh');
    expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
    const files = cacheFiles(home);
    expect(files.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^main-[0-9a-f]{16}-analyze\.v8$/)]);
    expect(statSync(files[0]!).mode & 0o077).toBe(0);
    const written = statSync(files[0]!).mtimeMs;
    expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
    expect(statSync(files[0]!).mtimeMs).toBe(written); // accepted, not rewritten
  });

  it('a corrupt or truncated cache is rejected by V8 and rewritten; the run is unaffected', () => {
    const home = path.join(work, 'corrupt');
    run({ XDG_CACHE_HOME: home });
    const [file] = cacheFiles(home);
    const good = readFileSync(file!);
    for (const bad of [Buffer.from('not a code cache'), good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
      writeFileSync(file!, bad);
      expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
      expect(readFileSync(file!).length).toBeGreaterThan(bad.length);
    }
  });

  it('drops the caches of other builds not written for a week when it writes its own; keeps recent ones (another install may use them)', () => {
    const home = path.join(work, 'stale');
    const dir = path.join(home, 'istio-ts', `v8-${process.version}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = path.join(dir, 'main-0000000000000000-analyze.v8');
    const recent = path.join(dir, 'main-1111111111111111-analyze.v8');
    writeFileSync(old, 'old');
    writeFileSync(recent, 'recent');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(old, eightDaysAgo, eightDaysAgo);
    expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
    const names = cacheFiles(home).map((f) => path.basename(f));
    expect(names).toHaveLength(2);
    expect(names).toContain('main-1111111111111111-analyze.v8');
    expect(names.find((n) => n !== 'main-1111111111111111-analyze.v8')).toMatch(/^main-[0-9a-f]{16}-analyze\.v8$/);
    expect(names).not.toContain('main-0000000000000000-analyze.v8');
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable cache directory means no cache, not an error', () => {
    const home = path.join(work, 'readonly');
    mkdirSync(home, { mode: 0o500 });
    expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
    chmodSync(home, 0o700);
  });

  it('a cache location that is a file means no cache, not an error', () => {
    const home = path.join(work, 'a-file');
    writeFileSync(home, '');
    expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
  });

  it('a directory others can write to is not used', () => {
    const home = path.join(work, 'shared');
    const dir = path.join(home, 'istio-ts', `v8-${process.version}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    expect(run({ XDG_CACHE_HOME: home })).toEqual(reference);
    expect(cacheFiles(home)).toEqual([]);
  });
});
