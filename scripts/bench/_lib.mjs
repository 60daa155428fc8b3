// Helpers shared by the benchmarks: timing of child processes with peak RSS via /usr/bin/time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.join(root, 'bin/istio-ts.js');

/** Runs a command `runs` times; returns the median wall time (ms) and the max peak RSS (MB). */
export function measure(cmd, args, { runs = 3, env = {} } = {}) {
  const times = [];
  let rss = 0;
  let status = 0;
  const useTime = existsSync('/usr/bin/time');
  const rssFile = path.join(tmpdir(), `istio-ts-bench-rss-${process.pid}`);
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = useTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 1 << 30 })
      : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    status = r.status ?? -1;
    if (useTime) {
      rss = Math.max(rss, Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024);
      rmSync(rssFile, { force: true });
    }
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], rssMB: useTime ? rss : NaN, status };
}

export function fmt(n, unit) {
  return `${n.toFixed(n < 10 ? 2 : 0)} ${unit}`;
}
