import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL } from '../../src/install/apply/ownership.js';
import { checkExistingIstio, checkKubernetesVersion, checkPermissions, checkWebhooks, gatherPrecheck, installerOf, istiodVersion, writeTargets } from '../../src/install/precheck.js';
import type { RenderedObject } from '../../src/install/types.js';
import type { KubeObject } from '../../src/kube/types.js';
import { FakeKube } from './fake-kube.js';

describe('checkKubernetesVersion', () => {
  it.each([
    ['1', '33', 'v1.33.2', 'ok'],
    ['1', '30+', 'v1.30.4-eks-a737599', 'ok'],
    ['1', '29', 'v1.29.9', 'error'],
    ['1', '36', 'v1.36.3', 'warning'],
    ['', '', '', 'warning'],
  ] as const)('%s.%s (%s) → %s', (major, minor, gitVersion, status) => {
    expect(checkKubernetesVersion({ major, minor, gitVersion }).status).toBe(status);
  });
});

describe('checkPermissions', () => {
  it('lists each denial with namespace and reason', () => {
    const r = checkPermissions([
      { question: { verb: 'create', group: 'apps', resource: 'deployments', namespace: 'istio-system' }, kind: 'Deployment', answer: { allowed: true } },
      { question: { verb: 'create', group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' }, kind: 'MutatingWebhookConfiguration', answer: { allowed: false, reason: 'no RBAC policy matched' } },
      { question: { verb: 'create', group: 'autoscaling', resource: 'horizontalpodautoscaler' }, kind: 'HorizontalPodAutoscaler', answer: { notServed: true } },
    ]);
    expect(r.status).toBe('error');
    expect(r.details).toEqual([
      'cannot create mutatingwebhookconfigurations.admissionregistration.k8s.io (cluster-wide): no RBAC policy matched',
      'HorizontalPodAutoscaler (autoscaling) is not served by this cluster',
    ]);
  });
});

const istiodDep = (rev: string | undefined, image: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: rev ? `istiod-${rev}` : 'istiod', namespace: 'istio-system', labels: { app: 'istiod', ...(rev ? { 'istio.io/rev': rev } : {}), ...labels }, annotations },
  spec: { template: { spec: { containers: [{ name: 'discovery', image }] } } },
});

describe('checkExistingIstio', () => {
  it('no control plane is fine', () => expect(checkExistingIstio([], '').status).toBe('ok'));
  it('the same revision from Helm is a take-over warning', () => {
    const r = checkExistingIstio([istiodDep(undefined, 'docker.io/istio/pilot:1.27.1', { 'app.kubernetes.io/managed-by': 'Helm' }, { 'meta.helm.sh/release-name': 'istiod' })], '');
    expect(r.status).toBe('warning');
    expect(r.message).toMatch(/Helm release istiod/);
    expect(r.details).toEqual(['revision default: 1.27.1 in istio-system (Deployment istiod, installed by Helm release istiod)']);
  });
  it('our own older install of the same revision is an in-place upgrade warning', () => {
    const r = checkExistingIstio([istiodDep(undefined, 'docker.io/istio/pilot:1.27.1', { [MANAGED_BY_LABEL]: 'istio-ts' })], 'default');
    expect(r.status).toBe('warning');
    expect(r.message).toMatch(/runs 1\.27\.1; install changes it in place to/);
  });
  it('another revision is information only', () => {
    expect(checkExistingIstio([istiodDep('canary', 'docker.io/istio/pilot:1.27.1', { 'operator.istio.io/component': 'Pilot' })], '').status).toBe('info');
  });
  it('installerOf and istiodVersion', () => {
    expect(installerOf(istiodDep(undefined, 'x', { 'operator.istio.io/managed': 'Reconcile' }))).toBe('istioctl');
    // The istiod chart labels operator.istio.io/component even when Helm installs it (helm install istiod-1-20-2).
    expect(installerOf(istiodDep('1-20-2', 'x', { 'operator.istio.io/component': 'Pilot' }, { 'meta.helm.sh/release-name': 'istiod-1-20-2' }))).toBe('Helm release istiod-1-20-2');
    expect(istiodVersion(istiodDep(undefined, 'localhost:5000/istio/pilot:1.28.0-distroless', {}))).toBe('1.28.0-distroless');
    expect(istiodVersion(istiodDep(undefined, 'localhost:5000/istio/pilot', {}))).toBe('unknown');
  });
});

describe('checkWebhooks', () => {
  const mwc = (name: string, labels: Record<string, string>, hooks: string[]): KubeObject => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels },
    webhooks: hooks.map((h) => ({ name: h })),
  });
  it('flags a foreign injector for the same revision', () => {
    const r = checkWebhooks([mwc('istio-sidecar-injector-old', {}, ['object.sidecar-injector.istio.io'])], ['istio-sidecar-injector'], '');
    expect(r.status).toBe('error');
    expect(r.details[0]).toMatch(/istio-sidecar-injector-old/);
  });
  it('ignores the configuration install itself writes, other revisions, tags and non-Istio webhooks', () => {
    const r = checkWebhooks(
      [
        mwc('istio-sidecar-injector', {}, ['object.sidecar-injector.istio.io']),
        mwc('istio-sidecar-injector-canary', { 'istio.io/rev': 'canary' }, ['rev.object.sidecar-injector.istio.io']),
        mwc('istio-revision-tag-default', { 'istio.io/rev': 'default', 'istio.io/tag': 'default' }, ['rev.object.sidecar-injector.istio.io']),
        mwc('cert-manager-webhook', {}, ['webhook.cert-manager.io']),
      ],
      ['istio-sidecar-injector'],
      '',
    );
    expect(r.status).toBe('ok');
  });
});

describe('gatherPrecheck', () => {
  const desired: RenderedObject[] = [
    { component: 'Pilot', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system' } } },
    { component: 'Base', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'istio-reader' } } },
  ];
  it('asks create and patch per kind and namespace', async () => {
    const asked: string[] = [];
    const kube = new FakeKube({ canI: (q) => (asked.push(`${q.verb} ${q.resource} ${q.namespace ?? '-'}`), { allowed: q.resource !== 'clusterroles' }) });
    const r = await gatherPrecheck(kube, desired, '');
    expect(asked.sort()).toEqual(['create clusterroles -', 'create deployments istio-system', 'create namespaces -', 'patch clusterroles -', 'patch deployments istio-system', 'patch namespaces -']);
    expect(r.map((c) => [c.id, c.status])).toEqual([
      ['kubernetes-version', 'ok'],
      ['permissions', 'error'],
      ['existing-istio', 'ok'],
      ['webhooks', 'ok'],
    ]);
  });
  it('writeTargets dedupes and adds Namespace', () => {
    expect(writeTargets([...desired, ...desired])).toHaveLength(3);
  });
});
