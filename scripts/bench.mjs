#!/usr/bin/env node
// Runs the benchmarks in scripts/bench/ (one process each, so their memory does not mix) and
// prints their figures. `npm run bench` needs a build first (`npm install` or `npm run build`).
//   npm run bench                   the offline rows (istio-ts vs istioctl, parse limits)
//   npm run bench live              the live rows: brings up its own harness (minutes)
//   npm run bench offline analyze   one bench, with its arguments (row filter)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const [only, ...rest] = process.argv.slice(2);
// Live benches bring up a cluster: only when asked for by name.
const LIVE = new Set(['live.mjs']);
let failed = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).sort()) {
  if (only ? !f.includes(only) : LIVE.has(f)) continue;
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, [path.join(dir, f), ...rest], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
