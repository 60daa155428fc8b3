import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, NOT_PRUNED_LABEL, REVISION_LABEL, revisionSelector, stampOwnership } from '../../src/install/apply/ownership.js';
import { pruneOrder } from '../../src/install/apply/run.js';
import { diffPaths, objectKey, planHasChanges, planInstall, reconcileWithLive, type Observation } from '../../src/install/plan.js';
import type { RenderedObject } from '../../src/install/types.js';
import type { KubeObject } from '../../src/kube/types.js';

const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'istio-system', labels },
  data,
});
const rendered = (o: KubeObject): RenderedObject => ({ component: 'Pilot', object: o as RenderedObject['object'] });
const live = (o: KubeObject, rv: string): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: rv, managedFields: [{ manager: 'istio-ts' }] } as KubeObject['metadata'] });

describe('planInstall', () => {
  const desired = cm('istio', { mesh: 'a: 1' });
  const table: [string, Observation, string, string[]][] = [
    ['absent → create', {}, 'create', []],
    ['dry run equals live (managedFields/resourceVersion differ) → unchanged', { live: live(desired, '7'), dryRun: live(desired, '8') }, 'unchanged', []],
    ['dry run differs → update with the path', { live: live(cm('istio', { mesh: 'a: 0' }), '7'), dryRun: live(desired, '7') }, 'update', ['data.mesh']],
    ['live but no dry run → update, not compared', { live: desired }, 'update', ['(not compared)']],
  ];
  it.each(table)('%s', (_n, obs, action, changes) => {
    const p = planInstall({ desired: [rendered(desired)], observed: new Map([[objectKey(desired), obs]]), owned: [], missingNamespaces: [] });
    expect(p.objects.map((o) => [o.action, o.changes])).toEqual([[action, changes]]);
  });

  it('carries dry-run refusals as errors', () => {
    const p = planInstall({ desired: [rendered(desired)], observed: new Map([[objectKey(desired), { error: 'denied by policy' }]]), owned: [], missingNamespaces: [] });
    expect(p.objects[0]!.error).toBe('denied by policy');
    expect(planHasChanges(p)).toBe(true);
  });

  it('prunes owned objects no longer desired, but never CRDs, opted-out or terminating objects', () => {
    const owned: KubeObject[] = [
      cm('istio', {}),
      cm('leftover', {}),
      cm('keep-me', {}, { [NOT_PRUNED_LABEL]: 'true' }),
      { ...cm('going', {}), metadata: { name: 'going', namespace: 'istio-system', deletionTimestamp: '2026-01-01T00:00:00Z' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gone.istio.io' } },
    ];
    const p = planInstall({ desired: [rendered(desired)], observed: new Map(), owned, missingNamespaces: ['istio-system'] });
    expect(p.prune.map((t) => t.name)).toEqual(['leftover']);
    expect(p.createNamespaces).toEqual(['istio-system']);
  });

  it('an HPA is the same object in autoscaling/v1 and v2', () => {
    expect(objectKey({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x', namespace: 'n' } })).toBe(
      objectKey({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x', namespace: 'n' } }),
    );
  });
});

describe('reconcileWithLive', () => {
  const vwc = (policy: string) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'istio-validator-istio-system' }, webhooks: [{ name: 'rev.validation.istio.io', failurePolicy: policy }] });
  it('keeps the Fail istiod set once its webhook serves', () => {
    expect((reconcileWithLive(vwc('Ignore') as never, vwc('Fail')).webhooks as { failurePolicy: string }[])[0]!.failurePolicy).toBe('Fail');
  });
  it('leaves the chart value on first install and on other kinds', () => {
    expect(reconcileWithLive(vwc('Ignore') as never, undefined)).toEqual(vwc('Ignore'));
    const other = cm('x', {});
    expect(reconcileWithLive(other as never, other)).toBe(other);
  });
});

describe('diffPaths', () => {
  it('names nested and list paths, and list length changes', () => {
    expect(diffPaths({ a: { b: [1, { c: 2 }] }, d: [1] }, { a: { b: [1, { c: 3 }] }, d: [1, 2] })).toEqual(['a.b[1].c', 'd (1 → 2 items)']);
  });
  it('treats Date and string timestamps alike', () => {
    expect(diffPaths({ t: new Date('2026-01-01T00:00:00Z') }, { t: '2026-01-01T00:00:00Z' })).toEqual([]);
  });
});

describe('ownership labels', () => {
  it('stamps every object without mutating the input', () => {
    const input = [rendered(cm('istio', {}))];
    const out = stampOwnership(input, 'canary');
    expect(out[0]!.object.metadata.labels).toMatchObject({ [MANAGED_BY_LABEL]: 'istio-ts', [REVISION_LABEL]: 'canary', 'operator.istio.io/component': 'Pilot' });
    expect(input[0]!.object.metadata.labels).toEqual({});
    expect(revisionSelector('')).toBe(`${MANAGED_BY_LABEL}=istio-ts,${REVISION_LABEL}=default`);
  });
});

describe('pruneOrder', () => {
  it('webhooks first, workloads before their Services and RBAC, CRDs last', () => {
    const t = (kind: string, name: string) => ({ kind, key: `${kind}/${name}`, name });
    expect(pruneOrder([t('CustomResourceDefinition', 'a'), t('ClusterRole', 'b'), t('Service', 'c'), t('Deployment', 'd'), t('MutatingWebhookConfiguration', 'e')]).map((x) => x.kind)).toEqual([
      'MutatingWebhookConfiguration',
      'Deployment',
      'Service',
      'ClusterRole',
      'CustomResourceDefinition',
    ]);
  });
});
