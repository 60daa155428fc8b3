import { describe, expect, it } from 'vitest';
import { install } from '../../../src/commands/install/action.js';
import { main } from '../../../src/main.js';
import { MANAGED_BY_LABEL } from '../../../src/install/apply/ownership.js';
import { FakeKube, instantControllers } from '../../install/fake-kube.js';
import { capture, deps } from './helpers.js';

const base = { files: [], sets: [] as string[], yes: true, dryRun: false, readinessTimeout: '300s' };

describe('istio-ts install', () => {
  it('installs with -y, prints the plan to stderr and the result to stdout', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const c = capture();
    expect(await install(c.ctx, base, deps(kube))).toBe(0);
    expect(c.err()).toMatch(/^Plan: Istio [\d.]+, profile "default", revision default: \d+ to create, 0 to update, 0 unchanged, 0 to prune/m);
    expect(c.err()).toMatch(/✔ Istio core installed/);
    expect(c.err()).toMatch(/✔ Istiod installed/);
    expect(c.err()).toMatch(/✔ Ingress gateways installed/);
    expect(c.out()).toMatch(/^✔ Installation complete/);
  });

  it('a second run says there is nothing to change and does not ask', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    await install(capture().ctx, base, deps(kube));
    const c = capture();
    expect(await install(c.ctx, { ...base, yes: false }, deps(kube))).toBe(0);
    expect(c.err()).toMatch(/✔ No changes: all \d+ objects are up to date/);
    expect(c.err()).toMatch(/Istiod installed \(unchanged\)/);
  });

  it('--dry-run writes nothing and prints the plan on stdout', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const c = capture();
    expect(await install(c.ctx, { ...base, yes: false, dryRun: true, sets: ['profile=demo'] }, deps(kube))).toBe(0);
    expect(c.out()).toMatch(/^Dry run: Istio [\d.]+, profile "demo"/);
    expect(c.out()).toMatch(/\+ Namespace\/istio-system/);
    expect(c.out()).toMatch(/\+ Deployment\/istio-system\/istio-egressgateway/);
    expect(kube.store.size).toBe(0);
    expect(kube.log.some((l) => l.startsWith('apply '))).toBe(false);
  });

  it('-o json --dry-run is a stable machine-readable plan', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const c = capture({ output: 'json' });
    await install(c.ctx, { ...base, dryRun: true }, deps(kube));
    const doc = JSON.parse(c.out());
    expect(doc).toMatchObject({ profile: 'default', revision: 'default', dryRun: true, changes: true });
    expect(doc.plan.createNamespaces).toEqual(['istio-system']);
    expect(doc.plan.objects.find((o: { kind: string; name: string }) => o.kind === 'Deployment' && o.name === 'istiod')).toMatchObject({ component: 'Pilot', action: 'create' });
  });

  it('without a terminal and without -y it refuses (usage) after showing the plan, changing nothing', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const c = capture();
    await expect(install(c.ctx, { ...base, yes: false }, deps(kube))).rejects.toMatchObject({ exitCode: 64, hint: expect.stringMatching(/-y/) });
    expect(kube.log.some((l) => l.startsWith('apply '))).toBe(false);
  });

  it('on a terminal it asks; "n" cancels with exit 1', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const asked: string[] = [];
    const c = capture({ stdinIsTTY: true, prompt: async (q) => (asked.push(q), 'n') });
    expect(await install(c.ctx, { ...base, yes: false }, deps(kube))).toBe(1);
    expect(asked[0]).toMatch(/This will install the Istio [\d.]+ profile "default" into the cluster. Proceed\? \(y\/N\)/);
    expect(c.err()).toMatch(/Cancelled\./);
    expect(kube.store.size).toBe(0);
  });

  it('a server-side dry-run refusal stops before anything is applied', async () => {
    const kube = new FakeKube({ onApply: instantControllers, refuse: { 'rbac.authorization.k8s.io/ClusterRole//istio-reader-clusterrole-istio-system': 'forbidden: user cannot create clusterroles' } });
    const c = capture();
    await expect(install(c.ctx, base, deps(kube))).rejects.toMatchObject({ message: expect.stringMatching(/refused 1 object\(s\)/) });
    expect(c.err()).toMatch(/✘ ClusterRole\/istio-reader-clusterrole-istio-system: .*forbidden/);
    expect(kube.log.some((l) => l.startsWith('apply '))).toBe(false);
  });

  it('a readiness timeout exits 1 and names the blocker', async () => {
    const kube = new FakeKube({
      onApply: (o) => {
        if (o.kind === 'Deployment' && o.metadata?.name === 'istio-ingressgateway') o.status = { observedGeneration: 0, replicas: 0 };
        else instantControllers(o);
      },
    });
    const c = capture();
    expect(await install(c.ctx, { ...base, readinessTimeout: '10s' }, deps(kube))).toBe(1);
    expect(c.err()).toMatch(/✘ Ingress gateways not ready after 10s\n {4}Deployment\/istio-system\/istio-ingressgateway: 0\/1 replicas updated/);
    expect(c.out()).toMatch(/✘ Installation incomplete: Ingress gateways/);
    expect([...kube.store.values()].filter((o) => o.metadata?.labels?.[MANAGED_BY_LABEL]).length).toBeGreaterThan(0);
  });
});

describe('istio-ts install flag validation (no cluster reached)', () => {
  const run = async (args: string[]) => {
    let err = '';
    const code = await main(args, { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, readStdin: async () => '', env: { KUBECONFIG: '/nonexistent/kubeconfig' }, cwd: process.cwd(), isTTY: false, stdinIsTTY: false });
    return { code, err };
  };
  it.each([
    [['install', '--readiness-timeout', '5m0'], /--readiness-timeout: "5m0" is not a duration/],
    [['install', '--readiness-timeout', '0.5'], /at least 1s/],
    [['install', '--readiness-timeout', '100ms'], /at least 1s/],
    [['install', '--set', 'novalue'], /novalue/],
    [['install', '-o', 'yaml'], /invalid output format "yaml"/],
  ])('%j → 64', async (args, msg) => {
    const r = await run(args);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(msg);
  });
  // One duration rule for every flag (kubectl's): bare seconds are a duration, as for --timeout.
  it('--readiness-timeout 300 is 300 seconds: validation passes and the missing kubeconfig is the error', async () => {
    const r = await run(['install', '--readiness-timeout', '300', '-y', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(r.code).toBe(66);
    expect(r.err).not.toMatch(/readiness-timeout/);
    expect(r.err).toMatch(/kubeconfig/i);
  });
});
