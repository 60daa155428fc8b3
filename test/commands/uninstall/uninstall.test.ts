import { describe, expect, it } from 'vitest';
import { install } from '../../../src/commands/install/action.js';
import { uninstall } from '../../../src/commands/uninstall/action.js';
import { MANAGED_BY_LABEL } from '../../../src/install/apply/ownership.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { FakeKube, instantControllers } from '../../install/fake-kube.js';
import { capture, deps } from '../install/helpers.js';

const installed = async (sets: string[] = [], revision?: string) => {
  const kube = new FakeKube({ onApply: instantControllers });
  // Something istio-ts did not install, in the same namespace: must survive every uninstall.
  kube.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'user-config', namespace: 'istio-system' } });
  await install(capture().ctx, { files: [], sets, ...(revision ? { revision } : {}), yes: true, dryRun: false, readinessTimeout: '60s' }, deps(kube));
  return kube;
};
const managed = (k: FakeKube) => [...k.store.values()].filter((o) => o.metadata?.labels?.[MANAGED_BY_LABEL] === 'istio-ts');

describe('istio-ts uninstall', () => {
  it('needs exactly one of -r and --purge (before connecting)', async () => {
    const kube = new FakeKube();
    const d = deps(kube);
    await expect(uninstall(capture().ctx, { purge: false, yes: true, dryRun: false }, d)).rejects.toMatchObject({ exitCode: 64 });
    await expect(uninstall(capture().ctx, { revision: 'x', purge: true, yes: true, dryRun: false }, d)).rejects.toMatchObject({ exitCode: 64 });
    expect(d.connects()).toBe(0);
  });

  it('-r default removes what install created except the CRDs, and nothing else', async () => {
    const kube = await installed();
    const before = managed(kube);
    const c = capture();
    expect(await uninstall(c.ctx, { revision: 'default', purge: false, yes: true, dryRun: false }, deps(kube))).toBe(0);
    const left = managed(kube);
    expect(left.every((o) => o.kind === 'CustomResourceDefinition')).toBe(true);
    expect(before.length - left.length).toBe(before.filter((o) => o.kind !== 'CustomResourceDefinition').length);
    expect(kube.store.has('/ConfigMap/istio-system/user-config')).toBe(true);
    expect(kube.store.has('/Namespace//istio-system')).toBe(true);
    expect(c.out()).toMatch(/✔ Uninstall complete: \d+ object\(s\) removed/);
    expect(c.err()).toMatch(/‼ Removing gateway Deployment\(s\) istio-system\/istio-ingressgateway: traffic through them stops/);
    expect(c.err()).toMatch(/Namespace\(s\) istio-system left in place/);
    // Webhooks are deleted before istiod so pod creation is never blocked by a dead webhook.
    const deletes = kube.log.filter((l) => l.startsWith('delete '));
    expect(deletes.findIndex((l) => l.includes('WebhookConfiguration'))).toBeLessThan(deletes.findIndex((l) => l.includes('Deployment/')));
  });

  it('--purge also removes the CRDs', async () => {
    const kube = await installed();
    expect(await uninstall(capture().ctx, { purge: true, yes: true, dryRun: false }, deps(kube))).toBe(0);
    expect(managed(kube)).toEqual([]);
  });

  it('--dry-run lists and deletes nothing', async () => {
    const kube = await installed();
    const n = managed(kube).length;
    const c = capture();
    expect(await uninstall(c.ctx, { revision: 'default', purge: false, yes: false, dryRun: true }, deps(kube))).toBe(0);
    expect(c.out()).toMatch(/^Uninstall revision default: \d+ object\(s\) to delete, \d+ kept/);
    expect(c.out()).toMatch(/- Deployment\/istio-system\/istiod/);
    expect(managed(kube)).toHaveLength(n);
  });

  it('warns with a count when proxies still point at the revision', async () => {
    const kube = await installed([], 'canary');
    const pod = (name: string, extra: Partial<NonNullable<KubeObject['metadata']>>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', ...extra } });
    kube.put(
      pod('cart-1', { labels: { 'istio.io/rev': 'canary' } }),
      pod('web-1', { annotations: { 'sidecar.istio.io/status': '{"revision":"canary"}' } }),
      pod('db-1', { annotations: { 'sidecar.istio.io/status': '{"revision":"default"}' } }),
    );
    const c = capture();
    await uninstall(c.ctx, { revision: 'canary', purge: false, yes: true, dryRun: false }, deps(kube));
    expect(c.err()).toMatch(/‼ There are still 2 proxies pointing to revision canary: shop\/cart-1, shop\/web-1/);
  });

  it('nothing installed: says so and exits 0', async () => {
    const c = capture();
    expect(await uninstall(c.ctx, { revision: 'nope', purge: false, yes: true, dryRun: false }, deps(new FakeKube()))).toBe(0);
    expect(c.err()).toMatch(/Nothing to remove/);
  });

  it('-o json reports what was deleted', async () => {
    const kube = await installed();
    const c = capture({ output: 'json' });
    await uninstall(c.ctx, { revision: 'default', purge: false, yes: true, dryRun: false }, deps(kube));
    const doc = JSON.parse(c.out());
    expect(doc.target).toBe('revision default');
    expect(doc.deleted).toBe(doc.delete.length);
    expect(doc.kept.every((k: { kind: string }) => k.kind === 'CustomResourceDefinition')).toBe(true);
  });
});
