import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipWhenMissing } from '../helpers/requires.js';

/**
 * Offline commands must never load the Kubernetes client (@kubernetes/client-node's KubeConfig
 * and src/kube/client.ts: slow to evaluate, and it reads kubeconfig state). The build bundles it
 * into each dist/cli bundle as a lazily initialised part (scripts/build.mjs fails the build when it
 * is not), evaluated when a command first connects. src/kube/client.ts imports node:https at its
 * top, and nothing an offline command runs does: a preload in a child process reports whether
 * node:https was loaded when the process exits, so an offline run that initialised the client
 * would say so. Runs against the built CLI (dist/).
 */
const work = mkdtempSync(path.join(tmpdir(), 'istio-ts-lazy-kube-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const preload = path.join(work, 'report-https.cjs');
writeFileSync(preload, `process.on('exit', () => { if (process.moduleLoadList.includes('NativeModule https')) process.stderr.write('LOADED the Kubernetes client (node:https)\\n'); });\n`);
const cli = path.resolve('bin/istio-ts.js');
const run = (args: string[]) => spawnSync(process.execPath, ['--require', preload, cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', KUBECONFIG: '/nonexistent' } });

describe.skipIf(skipWhenMissing(!existsSync('dist/cli/main.cjs')))('lazy Kubernetes client', () => {
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
    expect(r.stderr).toContain('LOADED the Kubernetes client');
  });
});
