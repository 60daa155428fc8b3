// The Kubernetes/istiod half of `health` on istiod /debug/syncz answers from fixtures/envoy/syncz
// (syncz-1.24.json and the flat-shape syncz-1.16.json, which is hand-written: no published 1.16
// answer was found; recorded old-release answers are in test/health/recorded.test.ts) and
// hand-written Kubernetes objects.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/health/catalog.js';
import type { ClusterSnapshot, Read } from '../../src/health/collect.js';
import { errorEvidence, workloadCertExpiry, workloadOf } from '../../src/health/collect.js';
import { KubeError } from '../../src/kube/types.js';
import { judgeControlPlane, judgeSidecars } from '../../src/health/judge-cluster.js';
import { mergeSyncz, parseSyncz } from '../../src/envoy/syncz.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { Check } from '../../src/health/model.js';

const ROOT = readFileSync('fixtures/health/root-cert.pem', 'utf8');
const NOW = new Date('2026-12-10T12:00:00Z');
const ok = <T>(read: string, value: T): Read<T> => ({ ok: true, read, value });
const pod = (name: string, ns: string, o: { ready?: boolean; injected?: boolean; phase?: string } = {}): KubeObject => ({
  metadata: { name, namespace: ns, annotations: o.injected === false ? {} : { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' } },
  status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const webhook = (caBundle: string | undefined): KubeObject => ({ kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector', labels: { app: 'sidecar-injector' } }, webhooks: [{ name: 'namespace.sidecar-injector.istio.io', clientConfig: caBundle === undefined ? {} : { caBundle } }] });
const syncz = (file: string, istiod = 'istiod-a') => {
  const r = parseSyncz(readFileSync(`fixtures/envoy/syncz/${file}`, 'utf8'), istiod);
  return ok('GET /debug/syncz from every istiod in istio-system', { answers: [{ istiod, ok: true }], proxies: mergeSyncz([r]) });
};

function snapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    istioNamespace: 'istio-system',
    namespace: null,
    istiodPods: ok('pods -l app=istiod -n istio-system', [pod('istiod-1', 'istio-system', { injected: false }), pod('istiod-2', 'istio-system', { injected: false })]),
    istiodDeployments: ok('deployments -l app=istiod -n istio-system', [{ metadata: { name: 'istiod' }, spec: { replicas: 2 } }]),
    pdbs: ok('poddisruptionbudgets -n istio-system', [{ metadata: { name: 'istiod' }, spec: { minAvailable: 1 }, status: { disruptionsAllowed: 1, expectedPods: 2, currentHealthy: 2 } }]),
    hpas: ok('horizontalpodautoscalers -n istio-system', [{ metadata: { name: 'istiod' }, spec: { maxReplicas: 5 }, status: { currentReplicas: 2 } }]),
    webhooks: ok('mutating/validatingwebhookconfigurations', [webhook(Buffer.from(ROOT).toString('base64'))]),
    rootCert: ok('configmap istio-ca-root-cert -n istio-system', ROOT),
    meshPods: ok('pods -A (running, injected or gateway)', [pod('productpage-v1-564d4686f-6vd4b', 'bookinfo'), pod('reviews-v2-7b5d8c6f4-xk2lp', 'bookinfo')]),
    syncz: syncz('syncz-1.24.json'),
    istiodVersions: ok('GET /version from every istiod in istio-system', [{ istiod: 'istiod-a', version: '1.28.1' }]),
    certs: [{ proxy: 'productpage-v1-564d4686f-6vd4b.bookinfo', notAfter: '2026-12-11T00:00:00Z' }],
    ...over,
  };
}
const ctx = { rules: CATALOG, now: NOW, istioNamespace: 'istio-system', namespace: null };
const byId = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c])) as unknown as Record<string, { verdict: string; message: string; next?: string; evidence: { value: string; threshold: string; read: string }[] }>;

describe('control plane from Kubernetes and istiod', () => {
  it('a healthy control plane: every check OK, each with its evidence', () => {
    const checks = judgeControlPlane(snapshot(), ctx);
    expect(checks.map((c) => [c.id, c.verdict])).toEqual([
      ['cp.istiod-ready', 'OK'],
      ['cp.istiod-replicas', 'OK'],
      ['cp.pdb-disruptions', 'OK'],
      ['cp.hpa-headroom', 'OK'],
      ['cp.webhooks', 'OK'],
      ['cp.root-cert-expiry', 'OK'],
      ['cp.version-eol', 'OK'],
      ['cp.data-plane-skew', 'DEGRADED'], // the 1.24 fixture's proxies run 1.24 against a 1.28 istiod
    ]);
    for (const c of checks) expect(c.evidence[0]!.read).not.toBe('');
    expect(byId(checks)['cp.root-cert-expiry']!.evidence[0]!.value).toMatch(/^\d+ days$/);
  });

  it.each([
    ['single istiod replica', { istiodDeployments: ok('deployments', [{ metadata: { name: 'istiod' }, spec: { replicas: 1 } }]) }, 'cp.istiod-replicas', 'DEGRADED', /single replica/],
    ['PDB allowing 0 disruptions (1 replica, minAvailable: 1)', { pdbs: ok('pdbs', [{ metadata: { name: 'istiod' }, spec: { minAvailable: 1 }, status: { disruptionsAllowed: 0, expectedPods: 1, currentHealthy: 1 } }]) }, 'cp.pdb-disruptions', 'DEGRADED', /allows 0 disruptions \(minAvailable: 1, 1 healthy of 1\): it blocks every node drain/],
    ['HPA pinned at its maximum', { hpas: ok('hpas', [{ metadata: { name: 'istiod' }, spec: { maxReplicas: 3 }, status: { currentReplicas: 3 } }]) }, 'cp.hpa-headroom', 'DEGRADED', /pinned at its maximum \(3 of 3/],
    ['injector webhook without caBundle', { webhooks: ok('webhooks', [webhook('')]) }, 'cp.webhooks', 'FAIL', /without a usable caBundle: mutating\/istio-sidecar-injector namespace.sidecar-injector.istio.io \(empty\)/],
    ['no injector webhook at all', { webhooks: ok('webhooks', []) }, 'cp.webhooks', 'FAIL', /no Istio sidecar-injector/],
    ['control plane past end of life', { istiodVersions: ok('version', [{ istiod: 'istiod-a', version: '1.16.7' }]) }, 'cp.version-eol', 'DEGRADED', /1\.16\.7 is past end of life/],
    ['no istiod ready', { istiodPods: ok('pods', [pod('istiod-1', 'istio-system', { ready: false, injected: false })]) }, 'cp.istiod-ready', 'FAIL', /no istiod pod is ready \(istiod-1\)/],
    ['one of two istiod not ready', { istiodPods: ok('pods', [pod('istiod-1', 'istio-system', { injected: false }), pod('istiod-2', 'istio-system', { ready: false, injected: false })]) }, 'cp.istiod-ready', 'DEGRADED', /1 of 2 istiod pods not ready: istiod-2/],
    ['root certificate expired', {}, 'cp.root-cert-expiry', 'FAIL', /expired on 2036-/, new Date('2037-01-01T00:00:00Z')],
    ['root certificate within 30 days', {}, 'cp.root-cert-expiry', 'DEGRADED', /valid until 2036-.* \(\d+ days\)/, new Date('2036-11-20T00:00:00Z')],
  ] as const)('%s', (_name, over, id, verdict, message, now?: Date) => {
    const c = byId(judgeControlPlane(snapshot(over as Partial<ClusterSnapshot>), { ...ctx, now: now ?? NOW }))[id]!;
    expect(c.verdict).toBe(verdict);
    expect(c.message).toMatch(message);
    expect(c.next).toBeTruthy();
  });

  it('a failed read is UNKNOWN naming what and why, never OK', () => {
    const c = byId(judgeControlPlane(snapshot({ pdbs: { ok: false, read: 'poddisruptionbudgets -n istio-system', error: 'forbidden: poddisruptionbudgets is forbidden' } }), ctx))['cp.pdb-disruptions']!;
    expect(c).toMatchObject({ verdict: 'UNKNOWN', message: 'could not read poddisruptionbudgets -n istio-system: forbidden: poddisruptionbudgets is forbidden' });
  });

  it('1.16-style syncz (flat fields, hand-written): data plane skew counts 1.15 proxies as within one minor of a 1.16 istiod', () => {
    const c = byId(judgeControlPlane(snapshot({ syncz: syncz('syncz-1.16.json'), istiodVersions: ok('version', [{ istiod: 'istiod-a', version: '1.16.7' }]) }), ctx))['cp.data-plane-skew']!;
    expect(c.verdict).toBe('OK');
    expect(c.message).toBe('4 proxies within one minor of istiod');
  });

  it('current syncz: proxies two minors behind are DEGRADED, named with their version', () => {
    const c = byId(judgeControlPlane(snapshot(), ctx))['cp.data-plane-skew']!;
    expect(c.message).toMatch(/^\d+ of \d+ proxies run more than one minor away from istiod: .*\(1\.24\.\d\)/);
  });
});

describe('sidecars from every istiod\'s syncz', () => {
  it('injected pods with no connected proxy: FAIL "N of M", naming them, next proxy-status', () => {
    const snap = snapshot({ syncz: syncz('syncz-1.16.json'), meshPods: ok('pods', [pod('productpage-v1-564d4686f-6vd4b', 'bookinfo'), pod('ratings-v1-abc', 'bookinfo'), pod('reviews-v2-7b5d8c6f4-xk2lp', 'bookinfo')]) });
    const c = byId(judgeSidecars(snap, ctx))['sidecars.connected']!;
    expect(c.verdict).toBe('FAIL');
    expect(c.message).toBe('2 of 3 injected pods have a proxy connected to istiod; not connected: ratings-v1-abc.bookinfo');
    expect(c.next).toBe('istio-ts proxy-status');
    expect(c.evidence[0]!.value).toBe('2 of 3');
  });

  it('a missing proxy while one istiod did not answer is UNKNOWN (its proxies may be the missing ones)', () => {
    const s = syncz('syncz-1.16.json');
    const snap = snapshot({ syncz: s.ok ? ok(s.read, { ...s.value, answers: [...s.value.answers, { istiod: 'istiod-b', ok: false, error: 'timed out after 30s' }] }) : s, meshPods: ok('pods', [pod('ratings-v1-abc', 'bookinfo')]) });
    const c = byId(judgeSidecars(snap, ctx))['sidecars.connected']!;
    expect(c.verdict).toBe('UNKNOWN');
    expect(c.message).toMatch(/istiod-b \(timed out after 30s\) did not answer/);
  });

  it('current syncz: a NACK is FAIL with the rejected type and Envoy\'s message', () => {
    const c = byId(judgeSidecars(snapshot(), ctx))['sidecars.rejected']!;
    expect(c.verdict).toBe('FAIL');
    expect(c.message).toMatch(/proxies rejected config \(NACK\): reviews-v3-84779c7bbc-4q5vn\.bookinfo LDS: .*unable to create Wasm HTTP filter/);
  });

  it('Istio 1.16 syncz: no NACK field in that shape, STALE proxies are DEGRADED', () => {
    const checks = byId(judgeSidecars(snapshot({ syncz: syncz('syncz-1.16.json') }), ctx));
    expect(checks['sidecars.rejected']!.verdict).toBe('OK');
    expect(checks['sidecars.stale']!).toMatchObject({ verdict: 'DEGRADED' });
    expect(checks['sidecars.stale']!.message).toMatch(/^2 of 4 proxies have not acknowledged the last push \(STALE\): .*details-v1-5f4d584748-9zt7w\.bookinfo LDS/);
  });

  it('workload certificates: the earliest expiry is the evidence; expired is FAIL', () => {
    const okc = byId(judgeSidecars(snapshot(), ctx))['sidecars.cert-expiry']!;
    expect(okc.verdict).toBe('OK');
    expect(okc.evidence[0]!.value).toBe('43200s (productpage-v1-564d4686f-6vd4b.bookinfo)');
    const bad = byId(judgeSidecars(snapshot({ certs: [{ proxy: 'a.ns', notAfter: '2026-12-10T11:00:00Z' }, { proxy: 'b.ns', notAfter: '2026-12-11T11:00:00Z' }] }), ctx))['sidecars.cert-expiry']!;
    expect(bad.verdict).toBe('FAIL');
    expect(bad.message).toBe('1 workload certificate(s) expired or about to: a.ns (expired)');
    const partial = byId(judgeSidecars(snapshot({ certs: [{ proxy: 'a.ns', notAfter: '2026-12-11T11:00:00Z' }, { proxy: 'b.ns', error: 'unreachable: connect ECONNREFUSED' }] }), ctx))['sidecars.cert-expiry']!;
    expect(partial.verdict).toBe('UNKNOWN');
  });

  it('not-ready injected pods are DEGRADED', () => {
    const c = byId(judgeSidecars(snapshot({ meshPods: ok('pods', [pod('a', 'x'), pod('b', 'x', { ready: false })]) }), ctx))['sidecars.pods-ready']!;
    expect(c).toMatchObject({ verdict: 'DEGRADED', message: '1 of 2 injected pods not ready: b.x' });
  });
});

describe('helpers', () => {
  it.each([
    [new KubeError('list pods: pods is forbidden: User "dev" cannot list resource "pods"', 403), 'list pods: pods is forbidden: User "dev" cannot list resource "pods"'], // already names it
    [new KubeError('list pods: Unauthorized', 401), 'list pods: Unauthorized'],
    [new KubeError('list pods: the server has asked for the client to provide credentials', 401), 'unauthorized: list pods: the server has asked for the client to provide credentials'],
    [new KubeError('get configmap istio-ca-root-cert', 404), 'not found: get configmap istio-ca-root-cert'],
    [new KubeError('list pods: connect ECONNREFUSED 127.0.0.1:6443'), 'unreachable: list pods: connect ECONNREFUSED 127.0.0.1:6443'],
    [new Error('istiod-1.istio-system: istiod GET /debug/syncz timed out after 30s'), 'istiod-1.istio-system: istiod GET /debug/syncz timed out after 30s'],
  ])('errorEvidence names the cause first: %s', (e, expected) => {
    expect(errorEvidence(e)).toBe(expected);
  });

  it('workloadCertExpiry reads the earliest cert_chain expiration of Envoy /certs', () => {
    const certs = JSON.stringify({ certificates: [{ ca_cert: [{ expiration_time: '2030-01-01T00:00:00Z' }], cert_chain: [{ expiration_time: '2026-12-05T10:00:00Z' }] }, { cert_chain: [{ expiration_time: '2026-12-06T10:00:00Z' }] }] });
    expect(workloadCertExpiry(certs)).toBe('2026-12-05T10:00:00Z');
    expect(workloadCertExpiry('{"certificates":[]}')).toBeUndefined();
    expect(workloadCertExpiry('not json')).toBeUndefined();
  });

  it('workloadOf: the Deployment behind a ReplicaSet, as source_workload names it', () => {
    expect(workloadOf({ metadata: { name: 'web-5d8f-abcde', labels: { 'pod-template-hash': '5d8f' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f' }] } as KubeObject['metadata'] })).toBe('web');
    expect(workloadOf({ metadata: { name: 'db-0', ownerReferences: [{ kind: 'StatefulSet', name: 'db' }] } as KubeObject['metadata'] })).toBe('db');
    expect(workloadOf({ metadata: { name: 'lonely' } })).toBe('lonely');
  });
});
