// Vitest globalSetup for the e2e project: brings the loopback harness up once per run
// (scripts/harness.sh up) and tears it down afterwards.
//
// HARNESS_DIR: the harness state dir (default: a fresh .harness/e2e-<pid> per run).
// HARNESS_EXTERNAL=1: use an already running harness (`eval "$(scripts/harness.sh env)"`)
// and leave it running. HARNESS_KEEP=1: do not tear down (for debugging).
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = resolve(repo, 'scripts/harness.sh');

function parseExports(out: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^export ([A-Z_]+)=(?:'(.*)'|(.*))$/.exec(line.trim());
    if (m) env[m[1]] = m[2] ?? m[3] ?? '';
  }
  return env;
}

export default function setup(project: TestProject): () => void {
  const external = process.env.HARNESS_EXTERNAL === '1';
  const started = Date.now();
  // A harness of this run's own unless HARNESS_DIR names one: several runs can share a working
  // tree (istiod's host ports are picked free by `up`), and `down` stops only this run's processes.
  const ownDir = !external && !process.env.HARNESS_DIR ? resolve(repo, '.harness', `e2e-${process.pid}`) : undefined;
  if (ownDir) process.env.HARNESS_DIR = ownDir;
  const out = execFileSync('bash', [script, external ? 'env' : 'up'], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 25 * 60_000,
  });
  const env = parseExports(out);
  if (!env.KUBECONFIG) throw new Error(`harness printed no KUBECONFIG:\n${out}`);
  Object.assign(process.env, env);
  project.provide('harnessEnv', env);
  process.stderr.write(`[e2e] harness ${external ? 'attached' : 'up'} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return () => {
    if (external || process.env.HARNESS_KEEP === '1') return;
    spawnSync('bash', [script, 'down'], { cwd: repo, stdio: 'inherit', timeout: 120_000 });
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    harnessEnv: Record<string, string>;
  }
}
