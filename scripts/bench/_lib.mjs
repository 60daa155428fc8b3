// Helpers shared by the benchmarks: timing child processes with their peak RSS, side-by-side
// comparison in alternating order, finding the harness's istioctl, and the table printer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(root, 'bin/istio-ts.js');
export const node = process.execPath;
const hasTime = existsSync('/usr/bin/time');
const rssFile = path.join(tmpdir(), `istio-ts-bench-rss-${process.pid}`);
// istio-ts keeps V8 code caches in $XDG_CACHE_HOME/istio-ts. The runs get a directory of their own,
// filled by the warm-up run: another istio-ts on the machine (a second checkout, a global install)
// neither shares nor clears it while the bench runs.
const codeCacheHome = mkdtempSync(path.join(tmpdir(), 'istio-ts-bench-cache-'));
process.on('exit', () => rmSync(codeCacheHome, { recursive: true, force: true }));

/**
 * One run of a command: wall time (ms) and peak RSS (MB, from GNU time's %M, the same for Go and
 * Node). stdout is discarded unless `keepStdout`.
 */
export function runOnce(cmd, args, { env = {}, cwd = root, keepStdout = false, input } = {}) {
  const t0 = process.hrtime.bigint();
  const opts = { cwd, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: codeCacheHome, ...env }, maxBuffer: 1 << 30, ...(input !== undefined ? { input } : { stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] }) };
  const r = hasTime ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], opts) : spawnSync(cmd, args, opts);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssMB = NaN;
  if (hasTime && existsSync(rssFile)) {
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop();
    rssMB = Number(last) / 1024;
    rmSync(rssFile, { force: true });
  }
  return { ms, rssMB, status: r.status ?? -1, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '' };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs the sides (each `{ name, cmd, args, env?, okStatus? }`) `runs` times, alternating which goes
 * first (A B, B A, A B, …) so that drift in machine load hits both alike. Returns per side the
 * median, min and max wall time and the max peak RSS. A run whose exit status is not accepted
 * fails the bench: a fast error is not a result.
 */
export function compare(sides, { runs = 5, warmup = 1 } = {}) {
  const res = sides.map(() => ({ ms: [], rss: [] }));
  for (let i = -warmup; i < runs; i++) {
    const order = i % 2 === 0 ? sides.map((_, k) => k) : sides.map((_, k) => sides.length - 1 - k);
    for (const k of order) {
      const s = sides[k];
      const r = runOnce(s.cmd, s.args, s);
      const ok = s.okStatus ?? [0];
      if (!ok.includes(r.status)) {
        throw new Error(`${s.name}: \`${[s.cmd, ...s.args].join(' ')}\` exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      }
      if (i < 0) continue;
      res[k].ms.push(r.ms);
      res[k].rss.push(r.rssMB);
    }
  }
  return res.map((r) => ({ median: median(r.ms), min: Math.min(...r.ms), max: Math.max(...r.ms), rssMB: Math.max(...r.rss), runs: r.ms.length }));
}

/**
 * The harness's istioctl: $ISTIOCTL, else $HARNESS_BIN/istioctl, else the newest built one in the
 * harness cache (what `bash test/harness/build.sh | tail -1` prints). Never starts a build: a cold
 * one takes half an hour.
 */
export function findIstioctl() {
  const cands = [];
  if (process.env.ISTIOCTL) cands.push(process.env.ISTIOCTL);
  if (process.env.HARNESS_BIN) cands.push(path.join(process.env.HARNESS_BIN, 'istioctl'));
  const cache = process.env.HARNESS_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'istio-ts-harness');
  if (existsSync(cache)) {
    const built = readdirSync(cache)
      .filter((d) => /^(bin|istio)-[0-9a-f]+$/.test(d) && existsSync(path.join(cache, d, '.complete')) && existsSync(path.join(cache, d, 'istioctl')))
      .map((d) => path.join(cache, d, 'istioctl'))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    cands.push(...built);
  }
  return cands.find((c) => existsSync(c));
}

export function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtSide(s) {
  return `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
}

/** Prints rows as a Markdown table (what goes into an issue note). */
export function printTable(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
