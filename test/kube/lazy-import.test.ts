import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipWhenMissing } from '../helpers/requires.js';

/**
 * Offline commands must never load @kubernetes/client-node (slow to import, and it reads
 * kubeconfig state); the build bundles it into dist/cli/kube-client.js with the thin client.
 * A module hook in a child process makes any attempt to resolve either fail, so an
 * offline run that touched it would exit non-zero. Runs against the built CLI (dist/).
 */
const hooks = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier.includes('@kubernetes/client-node') || specifier.endsWith('/kube-client.js')) throw new Error('LOADED @kubernetes/client-node');
  return next(specifier, context);
}`)}`;
const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hooks)});`)}`;
const cli = path.resolve('bin/istio-ts.js');
const run = (args: string[]) => spawnSync(process.execPath, ['--import', register, cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });

describe.skipIf(skipWhenMissing(!existsSync('dist/cli/main.js')))('lazy Kubernetes client', () => {
  it.each([
    [['proxy-config', 'cluster', '-f', 'fixtures/envoy/sidecar/config_dump.json']],
    [['proxy-config', 'all', '-f', 'fixtures/envoy/sidecar/config_dump.json']],
    [['proxy-stats', '--summary', '-f', 'fixtures/envoy/sidecar/stats-default.txt']],
    [['analyze', '-A', '-R', '--failure-threshold', 'None', 'fixtures/analyze/shop']],
    [['kube-inject', '--offline', '-f', 'fixtures/inject/pod.yaml']],
    [['manifest', 'generate', '--set', 'profile=demo']],
    [['diagnose', '--capture', 'fixtures/diagnose/healthy/capture']],
    [['--version']],
  ])('%j does not load it', (args) => {
    const r = run(args);
    expect(r.stderr).not.toContain('LOADED');
    expect(r.status).toBe(0);
  });
  it('a pod reference does load it (the hook works)', () => {
    const r = run(['proxy-config', 'cluster', 'productpage-v1-6b7f6d5c8-x2x9q.bookinfo']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('LOADED @kubernetes/client-node');
  });
});
