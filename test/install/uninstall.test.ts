import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, REVISION_LABEL } from '../../src/install/apply/ownership.js';
import { planUninstall, proxyRevision } from '../../src/install/uninstall.js';
import type { KubeObject } from '../../src/kube/types.js';

const owned = (kind: string, name: string, rev: string, component: string, apiVersion = 'v1', namespace: string | undefined = 'istio-system', extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), labels: { [MANAGED_BY_LABEL]: 'istio-ts', [REVISION_LABEL]: rev, 'operator.istio.io/component': component } },
  ...extra,
});
const istiod = (rev: string): KubeObject => ({
  ...owned('Deployment', rev === 'default' ? 'istiod' : `istiod-${rev}`, rev, 'Pilot', 'apps/v1', 'istio-system', { spec: { selector: { matchLabels: { app: 'istiod', 'istio.io/rev': rev } } } }),
});
istiod('default').metadata!.labels!['istio.io/rev'] = 'default';
const pod = (ns: string, name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, annotations } });

const world = (): KubeObject[] => [
  owned('CustomResourceDefinition', 'virtualservices.networking.istio.io', 'default', 'Base', 'apiextensions.k8s.io/v1', undefined),
  owned('ServiceAccount', 'istio-reader-service-account', 'default', 'Base'),
  { ...istiod('default'), metadata: { ...istiod('default').metadata, labels: { ...istiod('default').metadata!.labels, 'istio.io/rev': 'default', app: 'istiod' } } },
  owned('Service', 'istiod', 'default', 'Pilot'),
  { ...istiod('canary'), metadata: { ...istiod('canary').metadata, labels: { ...istiod('canary').metadata!.labels, 'istio.io/rev': 'canary', app: 'istiod' } } },
  owned('Service', 'istiod-canary', 'canary', 'Pilot'),
];

describe('planUninstall', () => {
  const pods = [
    pod('istio-system', 'istiod-canary-1', { app: 'istiod', 'istio.io/rev': 'canary' }),
    pod('shop', 'cart-1', { app: 'cart', 'istio.io/rev': 'canary' }),
    pod('shop', 'web-1', { app: 'web' }, { 'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"canary"}' }),
    pod('shop', 'old-1', { app: 'old' }, { 'sidecar.istio.io/status': '{"containers":["istio-proxy"],"revision":"default"}' }),
    pod('shop', 'plain-1', { app: 'plain' }),
  ];
  const istiods = world().filter((o) => o.kind === 'Deployment');

  it('-r canary: deletes only canary objects, counts its proxies (not the istiod pods being deleted)', () => {
    const p = planUninstall({ owned: world(), revision: 'canary', purge: false, istiods, pods });
    expect(p.delete.map((t) => `${t.kind}/${t.name}`).sort()).toEqual(['Deployment/istiod-canary', 'Service/istiod-canary']);
    expect(p.remainingRevisions).toEqual(['default']);
    expect(p.proxies).toEqual(['shop/cart-1', 'shop/web-1']);
  });

  it('-r default while canary remains keeps Base and CRDs', () => {
    const p = planUninstall({ owned: world(), revision: 'default', purge: false, istiods, pods });
    expect(p.delete.map((t) => `${t.kind}/${t.name}`).sort()).toEqual(['Deployment/istiod', 'Service/istiod']);
    expect(p.kept.map((k) => k.target.kind).sort()).toEqual(['CustomResourceDefinition', 'ServiceAccount']);
    expect(p.kept.find((k) => k.target.kind === 'ServiceAccount')!.reason).toMatch(/canary/);
    expect(p.proxies).toEqual(['shop/old-1']);
  });

  it('the last revision takes Base with it, but not the CRDs', () => {
    const onlyDefault = world().filter((o) => o.metadata?.labels?.[REVISION_LABEL] === 'default');
    const p = planUninstall({ owned: onlyDefault, revision: '', purge: false, istiods: onlyDefault.filter((o) => o.kind === 'Deployment'), pods: [] });
    expect(p.delete.map((t) => t.kind).sort()).toEqual(['Deployment', 'Service', 'ServiceAccount']);
    expect(p.kept.map((k) => k.target.kind)).toEqual(['CustomResourceDefinition']);
  });

  it('--purge deletes everything including CRDs and counts every proxy', () => {
    const p = planUninstall({ owned: world(), purge: true, istiods, pods });
    expect(p.delete).toHaveLength(world().length);
    expect(p.kept).toEqual([]);
    expect(p.proxies).toEqual(['shop/cart-1', 'shop/old-1', 'shop/web-1']);
  });
});

describe('proxyRevision', () => {
  it.each([
    [{ 'istio.io/rev': 'r1' }, {}, 'r1'],
    [{}, { 'sidecar.istio.io/status': '{"revision":"r2"}' }, 'r2'],
    [{}, { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' }, 'default'],
    [{}, { 'sidecar.istio.io/status': 'not json' }, 'default'],
    [{}, {}, undefined],
  ] as const)('%o %o → %s', (labels, annotations, want) => {
    expect(proxyRevision(pod('n', 'p', { ...labels }, { ...annotations }))).toBe(want);
  });
});
