import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubeError, type KubeObject } from '../../../src/kube/types.js';
import { runCli } from '../../helpers/cli.js';
import { expectGolden } from '../../helpers/golden.js';

const dir = fileURLToPath(new URL('../../../fixtures/inject/check-inject/', import.meta.url));
const f = (name: string) => join(dir, name);
const loadAll = (name: string): KubeObject[] => parseAllDocuments(readFileSync(f(name), 'utf8')).map((d) => d.toJS() as KubeObject);

// The live cluster: the fixture webhooks and injector ConfigMaps, the shop namespaces, and one
// running pod of the checkout Deployment that was injected by the default revision.
const checkoutPod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'checkout-6f9c8d7b5-q2m4x',
    namespace: 'shop',
    labels: { app: 'checkout', version: 'v2', 'pod-template-hash': '6f9c8d7b5', 'security.istio.io/tlsMode': 'istio' },
    annotations: { 'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"default"}' },
  },
  spec: { containers: [{ name: 'checkout' }, { name: 'istio-proxy' }] },
};
const cluster = vi.hoisted(() => ({ objects: [] as KubeObject[], forbidConfigMaps: false }));
vi.mock('../../../src/kube/client.js', () => ({
  connect: async () => ({
    defaultNamespace: 'default',
    list: async (_v: string, kind: string) => cluster.objects.filter((o) => o.kind === kind),
    get: async (_v: string, kind: string, ns: string | undefined, name: string) => {
      if (kind === 'ConfigMap' && cluster.forbidConfigMaps) throw new KubeError(`configmaps "${name}" is forbidden`, 403);
      const hit = cluster.objects.find((o) => o.kind === kind && o.metadata?.name === name && (ns === undefined || o.metadata?.namespace === ns));
      if (!hit) throw new KubeError(`${kind.toLowerCase()}s "${name}" not found`, 404);
      return hit;
    },
  }),
}));
cluster.objects = [...loadAll('webhooks.yaml'), ...loadAll('injector-configmaps.yaml'), ...loadAll('shop.yaml'), checkoutPod];

const OFFLINE = ['-f', f('webhooks.yaml'), '-f', f('injector-configmaps.yaml'), '-f', f('shop.yaml')];

describe('istio-ts check-inject (offline, -f)', () => {
  const goldens: { name: string; args: string[]; golden: string; stderr?: RegExp }[] = [
    { name: 'every workload in the files, as tables', args: ['check-inject', ...OFFLINE], golden: 'shop.check-inject.txt' },
    { name: 'every workload in the files, as JSON', args: ['check-inject', ...OFFLINE, '-o', 'json'], golden: 'shop.check-inject.json' },
    { name: 'one workload named with -n', args: ['check-inject', ...OFFLINE, 'deployment/ledger', '-n', 'payments'], golden: 'ledger.check-inject.txt' },
    { name: 'a pod not created yet: namespace and -l labels', args: ['check-inject', ...OFFLINE, 'namespace/payments', '-l', 'app=fraud-scorer,app.kubernetes.io/part-of=payments'], golden: 'labels.check-inject.txt' },
    {
      name: 'two default webhooks inject: an error line names both',
      args: ['check-inject', '-f', f('webhooks.yaml'), '-f', f('webhooks-tag-default.yaml'), '-f', f('shop.yaml'), 'deploy/checkout.shop'],
      golden: 'multiple.check-inject.txt',
      stderr: /^Note: no ConfigMap istio-sidecar-injector in the files; assuming policy: enabled and no never\/alwaysInjectSelector for revision default\nNote: no ConfigMap istio-sidecar-injector-1-27 in the files; assuming .* revision 1-27\n$/,
    },
  ];
  for (const g of goldens) {
    it(g.name, async () => {
      const r = await runCli(g.args);
      expect(r.code).toBe(0);
      if (g.stderr) expect(r.stderr).toMatch(g.stderr);
      else expect(r.stderr).toBe('');
      expectGolden(f(g.golden), r.stdout);
    });
  }

  it('JSON names the rule that decided each verdict', async () => {
    const r = await runCli(['check-inject', ...OFFLINE, 'cronjob/nightly-report.shop', '-o', 'json']);
    const [report] = JSON.parse(r.stdout) as { webhooks: { webhook: string; injected: boolean; rule: string; hook?: string }[]; injectedBy: string[] }[];
    expect(report!.injectedBy).toEqual([]);
    expect(report!.webhooks.find((w) => w.webhook === 'istio-sidecar-injector')).toEqual({
      webhook: 'istio-sidecar-injector',
      revision: 'default',
      injected: false,
      rule: 'inject-annotation',
      reason: 'Pod annotation sidecar.istio.io/inject=false: istiod skips injection',
      hook: 'namespace.sidecar-injector.istio.io',
    });
  });

  it('no Istio webhooks in the files', async () => {
    const r = await runCli(['check-inject', '-f', f('shop.yaml'), 'deployment/checkout.shop']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ERROR: no Istio injection hooks present.\n');
  });

  it('a namespace missing from the files is assumed unlabeled, with a note', async () => {
    const r = await runCli(['check-inject', '-f', f('webhooks.yaml'), '-f', f('injector-configmaps.yaml'), 'namespace/staging', '-l', 'sidecar.istio.io/inject=true']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Note: Namespace staging is not in the files; assuming it has no labels\n');
    expect(r.stdout).toMatch(/^istio-sidecar-injector +default +✔ +Pod label sidecar\.istio\.io\/inject=true matches$/m);
  });

  const errors: { name: string; args: string[]; code: number; stderr: RegExp }[] = [
    { name: 'no target, no -l, no -f', args: ['check-inject'], code: 64, stderr: /check-inject requires \[<type>\/\]<name>\[\.<namespace>\], or the -l flag/ },
    { name: 'an unsupported type', args: ['check-inject', 'service/reviews'], code: 64, stderr: /unsupported resource type "service"/ },
    { name: '-l with a workload', args: ['check-inject', 'deployment/x', '-l', 'a=b'], code: 64, stderr: /cannot be combined with a pod or workload/ },
    { name: 'bad -l pairs', args: ['check-inject', '-l', 'app'], code: 64, stderr: /expected key=value pairs/ },
    { name: 'bad -o', args: ['check-inject', '-l', 'a=b', '-o', 'yaml'], code: 64, stderr: /invalid output format "yaml"; one of: table, json/ },
    { name: 'a target not in the files', args: ['check-inject', ...OFFLINE, 'deployment/cart.shop'], code: 1, stderr: /Deployment shop\/cart not found in the files/ },
    { name: 'a missing file', args: ['check-inject', '-f', f('nope.yaml'), '-l', 'a=b'], code: 66, stderr: /nope\.yaml/ },
  ];
  for (const e of errors) {
    it(`error: ${e.name}`, async () => {
      const r = await runCli(e.args);
      expect(r.code).toBe(e.code);
      expect(r.stderr).toMatch(e.stderr);
      expect(r.stdout).toBe('');
    });
  }
});

describe('istio-ts check-inject (live, fake cluster)', () => {
  it('a running pod: verdicts, and whether it has a sidecar now', async () => {
    cluster.forbidConfigMaps = false;
    const r = await runCli(['check-inject', 'checkout-6f9c8d7b5-q2m4x.shop']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expectGolden(f('live-pod.check-inject.txt'), r.stdout);
  });
  it('a Deployment (its pod template) in the -n namespace', async () => {
    const r = await runCli(['check-inject', 'deployment/ledger', '-n', 'payments', '-o', 'json']);
    expect(r.code).toBe(0);
    const [report] = JSON.parse(r.stdout) as { injectedBy: string[]; webhooks: { webhook: string; tag?: string; rule: string }[] }[];
    expect(report!.injectedBy).toEqual(['istio-revision-tag-prod']);
    expect(report!.webhooks.find((w) => w.webhook === 'istio-revision-tag-prod')).toMatchObject({ tag: 'prod', rule: 'always-inject-selector' });
  });
  it('unreadable injector ConfigMaps: chart defaults, with a note for the revisions that matter', async () => {
    cluster.forbidConfigMaps = true;
    const r = await runCli(['check-inject', 'sts/ledger-db', '-n', 'payments']);
    cluster.forbidConfigMaps = false;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Note: cannot read ConfigMap istio-system/istio-sidecar-injector-1-27 (configmaps "istio-sidecar-injector-1-27" is forbidden); assuming policy: enabled and no never/alwaysInjectSelector for revision 1-27\n');
    expect(r.stdout).toMatch(/^istio-revision-tag-prod +1-27 \(tag prod\) +✔ +Namespace label istio\.io\/rev=prod matches$/m);
  });
  it('a pod that does not exist', async () => {
    const r = await runCli(['check-inject', 'ghost.shop']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pods "ghost" not found/);
    expect(r.stderr).toMatch(/check the name and the namespace \(-n shop\)/);
  });
});
