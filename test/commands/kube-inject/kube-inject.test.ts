import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { commands } from '../../../src/commands/index.js';
import { describeError } from '../../../src/cli/errors.js';
import { expectGolden } from '../../helpers/golden.js';
import { injectorConfigMapData } from '../../../src/inject/configmap.js';
import { KubeError, type KubeObject } from '../../../src/kube/types.js';

// The "cluster": istio-system ConfigMaps of an install pinned to another hub/tag and trust domain.
const clusterConfigMaps: KubeObject[] = [
  { kind: 'ConfigMap', metadata: { namespace: 'istio-system', name: 'istio-sidecar-injector' }, data: injectorConfigMapData({ global: { hub: 'registry.example.com/istio', tag: '1.27.3' } }) },
  { kind: 'ConfigMap', metadata: { namespace: 'istio-system', name: 'istio' }, data: { mesh: 'trustDomain: example.org\n' } },
];
const connected = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/kube/client.js', () => ({
  connect: async () => {
    connected.count++;
    return {
      defaultNamespace: 'default',
      list: async (_v: string, kind: string) => (kind === 'Node' ? [{ kind: 'Node', metadata: { name: 'n1' }, status: { nodeInfo: { kubeletVersion: 'v1.34.0' } } }] : []),
      get: async (_v: string, kind: string, ns: string, name: string) => {
        const hit = clusterConfigMaps.find((o) => o.kind === kind && o.metadata?.namespace === ns && o.metadata?.name === name);
        if (!hit) throw new KubeError(`${kind} ${ns}/${name} not found`, 404);
        return hit;
      },
    };
  },
}));

const fixtures = fileURLToPath(new URL('../../../fixtures/inject/', import.meta.url));

async function run(args: string[], stdin = '', env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => stdin,
    env,
    cwd: fixtures,
    isTTY: false,
    stdinIsTTY: false,
  };
  const { program, exitCode } = buildProgram(io, commands);
  let code: number;
  try {
    await program.parseAsync(['node', 'istio-ts', ...args]);
    code = exitCode();
  } catch (e) {
    // The one error map, as main.ts applies it.
    const d = describeError(e);
    err += d.message;
    code = d.exitCode;
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
    const r = await run(['kube-inject', '-f', 'annotations-skip.yaml', '--offline']);
    expect(r.code).toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(3);
    expect(r.out).toBe(readFileSync(join(fixtures, 'annotations-skip.yaml.injected'), 'utf8'));
  });
  it('without a kubeconfig: built-in settings, a note on stderr, the kube client never loaded', async () => {
    const before = connected.count;
    const r = await run(['kube-inject', '-f', 'pod.yaml']);
    expect(r.code).toBe(0);
    expect(r.err).toBe("using built-in injection settings (Istio 1.28.0); no kubeconfig found. Pass --injectConfigFile/--valuesFile, or a kubeconfig to use the cluster's (--offline silences this)\n");
    expect(r.out).toBe(readFileSync(join(fixtures, 'pod.yaml.injected'), 'utf8'));
    expect(connected.count).toBe(before);
  });
  it('with a kubeconfig: the cluster ConfigMaps decide the image and the trust domain', async () => {
    const before = connected.count;
    const r = await run(['kube-inject', '-f', 'pod.yaml'], '', { KUBECONFIG: join(fixtures, 'pod.yaml') /* any existing file */ });
    expect(r.code).toBe(0);
    expect(connected.count).toBe(before + 1);
    expect(r.err).toBe('using injection settings from ConfigMap istio-system/istio-sidecar-injector and ConfigMap istio-system/istio\n');
    expect(r.out).toContain('image: registry.example.com/istio/proxyv2:1.27.3');
    expect(r.out).not.toContain('docker.io/istio/proxyv2');
    expect(r.out).toMatch(/- name: TRUST_DOMAIN\n\s+value: example\.org\n/);
  });
  it('--offline skips the cluster even with a kubeconfig', async () => {
    const before = connected.count;
    const r = await run(['kube-inject', '-f', 'pod.yaml', '--offline'], '', { KUBECONFIG: join(fixtures, 'pod.yaml') });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(connected.count).toBe(before);
    expect(r.out).toBe(readFileSync(join(fixtures, 'pod.yaml.injected'), 'utf8'));
  });
  it('a revision the cluster does not have fails with a hint', async () => {
    const r = await run(['kube-inject', '-f', 'pod.yaml', '-r', 'canary'], '', { KUBECONFIG: join(fixtures, 'pod.yaml') });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ConfigMap istio-system\/istio-sidecar-injector-canary not found in the cluster \(is revision "canary" installed\?\)/);
    expect(r.out).toBe('');
  });
  it('--operatorFileName: hub, tag, revision, values and meshConfig of an IstioOperator (no native sidecar: istioctl offline)', async () => {
    const r = await run(['kube-inject', '-f', 'pod.yaml', '--operatorFileName', 'settings/operator.yaml']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expectGolden(join(fixtures, 'pod.yaml.operator.injected'), r.out);
  });
  it('--injectConfigFile may be the sidecar template itself (istioctl accepts both forms)', async () => {
    const r = await run(['kube-inject', '-f', 'pod.yaml', '--injectConfigFile', 'settings/bare-template.yaml', '--set', 'values.global.proxy.logLevel=debug']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/image: registry\.example\.com\/mirror\/istio\/proxyv2:1\.28\.0\n/);
    expect(r.out).toContain('- --proxyLogLevel=debug');
    expect(r.out).not.toContain('istio-init');
  });
  it('.ProxyInitImage follows values.global.proxy_init.image (upstream templates use it for istio-init)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-ts-kube-inject-'));
    const tpl = join(dir, 'init.tmpl');
    (await import('node:fs')).writeFileSync(tpl, 'spec:\n  initContainers:\n  - name: istio-init\n    image: "{{ .ProxyInitImage }}"\n');
    const plain = await run(['kube-inject', '-f', 'pod.yaml', '--injectConfigFile', tpl]);
    expect(plain.out).toContain('image: docker.io/istio/proxyv2:1.28.0');
    const custom = await run(['kube-inject', '-f', 'pod.yaml', '--injectConfigFile', tpl, '--set', 'values.global.proxy_init.image=proxy-init', '--set', 'values.global.hub=registry.example.com/istio']);
    expect(custom.out).toContain('image: registry.example.com/istio/proxy-init:1.28.0');
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
