/**
 * The live collector against fakes: a KubeClient and Envoy admin APIs that serve a scenario
 * capture. What it collects must diagnose to the scenario's expected verdict, Secret data and
 * private keys must not reach the files, and a failing source must only cost a warning.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AdminError, type EnvoyAdmin } from '../../src/envoy/admin.js';
import { captureFromFiles, readCapture, readCaptureFiles } from '../../src/diagnose/capture.js';
import { writeCapture } from '../../src/commands/capture/action.js';
import { collect, redactConfigDump, scrub, TargetError } from '../../src/diagnose/collect.js';
import { resolvePath } from '../../src/diagnose/path.js';
import { diagnose } from '../../src/diagnose/run.js';
import { KubeError, type KubeClient, type KubeObject } from '../../src/kube/types.js';

const ROOT = path.resolve('fixtures/diagnose');

function matches(selector: string | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((kv) => {
    const [k, v] = kv.split('=');
    return labels?.[k!] === v;
  });
}

interface Fake {
  kube: KubeClient;
  admin: (pod: { name: string; namespace: string }, port: number) => EnvoyAdmin;
  calls: string[];
  closed: string[];
}

async function fakeCluster(scenario: string, opts: { failStats?: boolean; extra?: KubeObject[]; privateKey?: boolean; twoIstiods?: boolean; deadAdmin?: string; rbacAdmin?: string } = {}): Promise<Fake> {
  const files = await readCaptureFiles(path.join(ROOT, scenario, 'capture'));
  const objects: KubeObject[] = [...(opts.extra ?? [])];
  for (const [rel, text] of files) if (rel.startsWith('cluster/')) for (const d of parseAllDocuments(text)) objects.push(d.toJS() as KubeObject);
  objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-7f9b8c6d5-k2x4p', namespace: 'istio-system', labels: { app: 'istiod' } }, status: { phase: 'Running' } });
  if (opts.twoIstiods) objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-7f9b8c6d5-m8q1z', namespace: 'istio-system', labels: { app: 'istiod' } }, status: { phase: 'Running' } });
  const calls: string[] = [];
  const closed: string[] = [];
  const find = (kind: string, ns: string | undefined, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name && (ns === undefined || (o.metadata?.namespace ?? '') === ns));
  const kube: KubeClient = {
    defaultNamespace: 'default',
    async get(_v, kind, ns, name) {
      calls.push(`get ${kind} ${ns ?? ''}/${name}`);
      const o = find(kind, kind === 'Namespace' ? undefined : ns, name);
      if (!o) throw new KubeError(`${kind} ${name} not found`, 404);
      return o;
    },
    async list(apiVersion, kind, ns, o = {}) {
      calls.push(`list ${kind} ${ns ?? ''} ${o.labelSelector ?? ''}`);
      return objects.filter((x) => x.kind === kind && (!ns || x.metadata?.namespace === ns) && matches(o.labelSelector, x.metadata?.labels)).map(({ apiVersion: _a, kind: _k, ...rest }) => rest as KubeObject);
    },
    async portForward() {
      throw new Error('the collector must go through the admin factory');
    },
    async logs(ns, pod, container) {
      calls.push(`logs ${ns}/${pod} ${container ?? ''}`);
      const log = files.get(`proxies/${ns}/${pod}/istio-proxy.log`);
      if (log === undefined) throw new KubeError(`container ${container} not found`, 400);
      return log;
    },
  };
  const admin = (pod: { name: string; namespace: string }, port: number): EnvoyAdmin => ({
    target: `${pod.name}.${pod.namespace}`,
    async get(p: string) {
      calls.push(`admin ${pod.name}:${port} ${p}`);
      if (port === 15014 && p === 'debug/syncz') {
        // With two replicas, each knows only the proxies connected to it.
        const all = JSON.parse(files.get('istiod/syncz.json') ?? '[]') as unknown[];
        if (!opts.twoIstiods) return JSON.stringify(all);
        return JSON.stringify(pod.name.endsWith('k2x4p') ? all.slice(0, 1) : all.slice(1));
      }
      // A hung Envoy: the port-forward opens, nothing answers inside the pod.
      if (pod.name === opts.deadAdmin) throw new AdminError(`${pod.name}.${pod.namespace}: Envoy admin GET /${p} timed out after 30s`);
      // The API server refuses the port-forward: says nothing about the sidecar.
      if (pod.name === opts.rbacAdmin) throw new KubeError('pods "x" is forbidden: User "dev" cannot create resource "pods/portforward"', 403);
      if (p === 'ready') return 'LIVE\n';
      const base = `proxies/${pod.namespace}/${pod.name}`;
      if (p === 'config_dump?include_eds') {
        const dump = files.get(`${base}/config_dump.json`)!;
        return opts.privateKey ? dump.replace('"W3JlZGFjdGVkXQ=="', '"LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t"') : dump;
      }
      if (p === 'clusters?format=json') return files.get(`${base}/clusters.json`)!;
      if (p === 'stats') {
        if (opts.failStats) throw new AdminError(`${pod.name}: Envoy admin GET /stats timed out after 30s`);
        return files.get(`${base}/stats.txt`)!;
      }
      throw new AdminError(`unexpected path ${p}`);
    },
    async post() {
      throw new Error('no POST in a capture');
    },
    async close() {
      closed.push(`${pod.name}:${port}`);
    },
  });
  return { kube, admin, calls, closed };
}

const NOW = new Date('2026-11-21T13:00:00Z');

describe('collect', () => {
  it.each(['app-5xx', 'healthy', 'authz-deny', 'circuit-breaker'])('%s: the collected capture diagnoses like the fixture', async (scenario) => {
    const f = await fakeCluster(scenario);
    const meta = JSON.parse(readFileSync(path.join(ROOT, scenario, 'capture', 'capture.json'), 'utf8')) as { from: string; to: string };
    const { files, warnings } = await collect({ from: meta.from, to: meta.to }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 5000 });
    expect(warnings).toEqual([]);
    expect([...files.keys()].filter((k) => !k.startsWith('cluster/')).sort()).toEqual([
      'capture.json',
      'istiod/syncz.json',
      'proxies/shop/cart-v1-7d8f9c6b5-4hx2m/clusters.json',
      'proxies/shop/cart-v1-7d8f9c6b5-4hx2m/config_dump.json',
      'proxies/shop/cart-v1-7d8f9c6b5-4hx2m/istio-proxy.log',
      'proxies/shop/cart-v1-7d8f9c6b5-4hx2m/stats.txt',
      'proxies/shop/frontend-6c9f7b5d4-x2kqp/clusters.json',
      'proxies/shop/frontend-6c9f7b5d4-x2kqp/config_dump.json',
      'proxies/shop/frontend-6c9f7b5d4-x2kqp/istio-proxy.log',
      'proxies/shop/frontend-6c9f7b5d4-x2kqp/stats.txt',
    ]);
    const expected = JSON.parse(readFileSync(path.join(ROOT, scenario, 'expected.json'), 'utf8')) as { verdict: unknown; segments: Record<string, string> };
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect({ segment: diagnosis.verdict.segment, confidence: diagnosis.verdict.confidence }).toEqual(expected.verdict);
    expect(Object.fromEntries(diagnosis.segments.map((s) => [s.name, s.status]))).toEqual(expected.segments);
    // One port-forward per pod, each closed.
    expect(f.closed.sort()).toEqual(['cart-v1-7d8f9c6b5-4hx2m:15000', 'frontend-6c9f7b5d4-x2kqp:15000', 'istiod-7f9b8c6d5-k2x4p:15014']);
    expect(JSON.parse(files.get('capture.json')!)).toEqual({ from: meta.from, to: meta.to, time: '2026-11-21T13:00:00.000Z', istioTsVersion: '0.1.0' });
  });

  it('never writes Secret data or private keys', async () => {
    const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { 'tls.key': 'LS0tLS1CRUdJTi…' } });
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cart-tls', namespace: 'shop', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied } }, data: { 'tls.key': 'LS0tLS1CRUdJTi…' } };
    const f = await fakeCluster('healthy', { privateKey: true, extra: [secret] });
    const { files } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    const all = [...files.values()].join('\n');
    expect(all).not.toContain('LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t');
    // In Envoy's own shape: inline_bytes of base64 "[redacted]".
    expect(all).toMatch(/"private_key": \{\s*"inline_bytes": "W3JlZGFjdGVkXQ=="/);
    expect(scrub(secret).data).toEqual({ 'tls.key': '[redacted]' });
    expect(JSON.stringify(scrub(secret))).not.toContain('LS0tLS1CRUdJTi');
    // Literal env values of app containers (credentials), not of the sidecar (diagnose reads those).
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cart-0', namespace: 'shop' },
      spec: {
        containers: [
          { name: 'app', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'cart', key: 'token' } } }] },
          { name: 'istio-proxy', env: [{ name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' }] },
        ],
      },
    };
    const scrubbed = JSON.stringify(scrub(pod));
    expect(scrubbed).not.toContain('hunter2');
    expect(scrubbed).toContain('"secretKeyRef":{"name":"cart","key":"token"}');
    expect(scrubbed).toContain('"value":"Kubernetes"');
    expect(redactConfigDump(JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump', dynamic_active_secrets: [{ secret: { tls_certificate: { private_key: { inline_bytes: 'a2V5' } } } }] }] }))).not.toContain('a2V5');
    // Key material outside the secrets section: a cluster's inlined transport socket (EnvoyFilter),
    // an OAuth2 HMAC secret, session ticket keys, a generic secret. Certificates stay.
    const cluster = {
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      dynamic_active_clusters: [{ cluster: { name: 'outbound|443||legacy.example.com', transport_socket: { typed_config: { common_tls_context: { tls_certificates: [{ certificate_chain: { inline_string: 'CERT-CHAIN' }, private_key: { inline_string: 'KEY-1' }, password: { inline_string: 'PASS-2' } }] }, session_ticket_keys: { keys: [{ inline_bytes: 'VElDSy0z' }] } } } } }],
      listeners: [{ oauth2: { credentials: { hmac_secret: { generic_secret: { secret: { inline_string: 'HMAC-4' } } } } } }],
      secrets: [{ generic_secret: { secret: { inline_bytes: 'R0VOLTU=' } } }],
    };
    const redacted = redactConfigDump(JSON.stringify({ configs: [cluster] }));
    for (const v of ['KEY-1', 'PASS-2', 'VElDSy0z', 'HMAC-4', 'R0VOLTU=']) expect(redacted).not.toContain(v);
    expect(redacted).toContain('CERT-CHAIN');
  });

  it('records the pod a workload reference resolved to, so the capture diagnoses offline', async () => {
    const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'frontend', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'frontend' } } } };
    const f = await fakeCluster('app-5xx', { extra: [deploy] });
    const { files, warnings } = await collect({ from: 'deploy/frontend.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(warnings).toEqual([]);
    expect(JSON.parse(files.get('capture.json')!)).toMatchObject({ from: 'frontend-6c9f7b5d4-x2kqp.shop', fromRef: 'deploy/frontend.shop' });
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect(diagnosis.from).toBe('frontend-6c9f7b5d4-x2kqp.shop');
    expect(diagnosis.segments.find((s) => s.name === 'client-sidecar')?.status).toBe('ok');
    expect(diagnosis.verdict.segment).toBe('app');
  });

  it.each([
    ['nosuch.shop', 'cart.shop:8080', 'FROM: pod nosuch not found in namespace shop'],
    ['deploy/nosuch.shop', 'cart.shop:8080', 'FROM: Deployment nosuch not found in namespace shop'],
    ['frontend-6c9f7b5d4-x2kqp.shop', 'nosuch.shop:8080', 'TO: no Service nosuch and no pod nosuch in namespace shop'],
    ['frontend-6c9f7b5d4-x2kqp.shop', 'pod/nosuch.shop', 'TO: pod nosuch not found in namespace shop'],
  ])('FROM %s TO %s that does not exist stops the capture', async (from, to, message) => {
    const f = await fakeCluster('healthy');
    const run = collect({ from, to }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    await expect(run).rejects.toThrow(TargetError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toMatchObject({ notFound: true });
  });

  it('TO may be a ServiceEntry host: its workloadSelector picks the servers; a mesh-external one has none', async () => {
    const se = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name, namespace: 'shop' }, spec });
    const extra = [se('cart-internal', { hosts: ['cart.internal'], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }], workloadSelector: { labels: { app: 'cart' } } }), se('payments', { hosts: ['*.payments.example.com'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] })];
    const f = await fakeCluster('healthy', { extra });
    const internal = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.internal:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(internal.files.get('cluster/istio.yaml')).toContain('cart.internal');
    expect(internal.files.has('proxies/shop/cart-v1-7d8f9c6b5-4hx2m/config_dump.json')).toBe(true);
    const path1 = resolvePath(captureFromFiles(internal.files));
    expect(path1.service).toMatchObject({ kind: 'ServiceEntry', name: 'cart-internal', fqdn: 'cart.internal', port: 8080 });
    expect(path1.servers.map((p) => p.name)).toEqual(['cart-v1-7d8f9c6b5-4hx2m']);

    const external = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'api.payments.example.com:443' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(external.warnings.filter((w) => w.includes('Namespace payments'))).toEqual([]);
    const { diagnosis, evidence } = diagnose(captureFromFiles(external.files));
    expect(evidence.find((e) => e.id === 'pod.external-endpoints')?.summary).toBe('ServiceEntry shop/payments (MESH_EXTERNAL, resolution DNS) selects no pods: its endpoints are DNS lookups of api.payments.example.com');
    expect(evidence.map((e) => e.id)).not.toContain('pod.service-not-found');
    expect(diagnosis.segments.map((s) => s.name)).toContain('server-app');
  });

  it('an API server that cannot be reached stops at FROM, instead of a capture of warnings', async () => {
    const f = await fakeCluster('healthy');
    const down = new Error('request to https://127.0.0.1:6443/api/v1 failed, reason: connect ECONNREFUSED 127.0.0.1:6443');
    const kube: KubeClient = { ...f.kube, get: async () => Promise.reject(down), list: async () => Promise.reject(down) };
    const run = collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    await expect(run).rejects.toThrow(`FROM: cannot read pod frontend-6c9f7b5d4-x2kqp in namespace shop: ${down.message}`);
    await expect(run).rejects.toMatchObject({ notFound: false });
  });

  it('a TO Service that cannot be read (RBAC) stops the capture; a missing --via gateway too', async () => {
    const f = await fakeCluster('healthy');
    const forbidden = new KubeError('services "cart" is forbidden: User "dev" cannot get resource "services" in the namespace "shop"', 403);
    const kube: KubeClient = { ...f.kube, get: async (v, kind, ns, name) => (kind === 'Service' ? Promise.reject(forbidden) : f.kube.get(v, kind, ns, name)) };
    const deps = { kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 };
    await expect(collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, deps)).rejects.toThrow(`TO: cannot read Service cart in namespace shop: ${forbidden.message}`);
    await expect(collect({ from: 'ingress', to: 'cart.shop:8080', via: 'nosuch-gateway.istio-system' }, { ...deps, kube: f.kube })).rejects.toThrow('--via: no gateway pod or Service nosuch-gateway in namespace istio-system');
    // "ingress" without --via needs the default gateway (minimal profile installs none).
    await expect(collect({ from: 'ingress', to: 'cart.shop:8080' }, { ...deps, kube: f.kube })).rejects.toThrow('FROM: no ingress gateway pods (label istio=ingressgateway) in namespace istio-system; name the gateway with --via NAME.NAMESPACE');
  });

  it('a pod target: no Service lookup of "pod/…", the port its app declares, no Service walk', async () => {
    const f = await fakeCluster('healthy');
    const { files, warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'pod/cart-v1-7d8f9c6b5-4hx2m.shop' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(warnings).toEqual([]);
    expect(f.calls.filter((c) => c.startsWith('get Service'))).toEqual([]);
    const capture = captureFromFiles(files);
    const { diagnosis } = diagnose(capture);
    const p = resolvePath(capture);
    expect(p.servers.map((x) => x.name)).toEqual(['cart-v1-7d8f9c6b5-4hx2m']);
    expect(p.port).toBe(8080);
    const all = diagnosis.segments.flatMap((s) => s.evidence.map((e) => e.id));
    expect(all.filter((id) => id.startsWith('path.'))).toEqual([]);
    expect(diagnosis.segments.find((s) => s.name === 'server-app')?.status).toBe('ok');
  });

  it('an Istio older than 1.22 (no v1 APIs): its config is read as v1beta1 and still diagnoses', async () => {
    const f = await fakeCluster('subset-no-pods');
    const notServed = (v: string) => /^(networking|security)\.istio\.io\/v1$/.test(v);
    const kube: KubeClient = { ...f.kube, list: async (v, kind, ns, o) => (notServed(v) ? Promise.reject(new KubeError(`the server could not find the requested resource`, 404)) : f.kube.list(v, kind, ns, o)) };
    const { files, warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(warnings).toEqual([]);
    expect(files.get('cluster/istio.yaml')).toContain('apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule');
    expect(diagnose(captureFromFiles(files)).diagnosis.verdict.segment).toBe('client-sidecar');
  });

  it('without Istio CRDs: one warning per kind, not one per kind and namespace', async () => {
    const f = await fakeCluster('healthy');
    const kube: KubeClient = { ...f.kube, list: async (v, kind, ns, o) => (v.includes('istio.io') ? Promise.reject(new KubeError('404 page not found', 404)) : f.kube.list(v, kind, ns, o)) };
    const { warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(warnings).toHaveLength(9);
    expect(warnings[0]).toBe('VirtualService: the API server serves none of networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3 (Istio CRDs not installed?)');
  });

  it('a failing source costs a warning, not the capture', async () => {
    const f = await fakeCluster('app-5xx', { failStats: true });
    const { files, warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    // The client first: the collector walks the path in order.
    expect(warnings).toEqual([
      'frontend-6c9f7b5d4-x2kqp.shop /stats: frontend-6c9f7b5d4-x2kqp: Envoy admin GET /stats timed out after 30s',
      'cart-v1-7d8f9c6b5-4hx2m.shop /stats: cart-v1-7d8f9c6b5-4hx2m: Envoy admin GET /stats timed out after 30s',
    ]);
    expect([...files.keys()].some((k) => k.endsWith('stats.txt'))).toBe(false);
    expect(diagnose(captureFromFiles(files)).diagnosis.verdict.segment).toBe('app');
  });

  it('a sidecar whose admin API does not answer: one try, the sidecar is blamed, not istiod', async () => {
    const f = await fakeCluster('healthy', { deadAdmin: 'frontend-6c9f7b5d4-x2kqp' });
    const { files, warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    // Only /ready was tried: three more timeouts would only make the user wait.
    expect(f.calls.filter((c) => c.startsWith('admin frontend'))).toEqual(['admin frontend-6c9f7b5d4-x2kqp:15000 ready']);
    expect(warnings).toEqual(['frontend-6c9f7b5d4-x2kqp.shop Envoy admin: frontend-6c9f7b5d4-x2kqp.shop: Envoy admin GET /ready timed out after 30s']);
    const meta = JSON.parse(files.get('capture.json')!) as { notCollected: { file: string; reason: string }[] };
    expect(meta.notCollected.map((m) => [m.file, m.reason])).toEqual([
      ['proxies/shop/frontend-6c9f7b5d4-x2kqp/config_dump.json', 'unreachable'],
      ['proxies/shop/frontend-6c9f7b5d4-x2kqp/clusters.json', 'unreachable'],
      ['proxies/shop/frontend-6c9f7b5d4-x2kqp/stats.txt', 'unreachable'],
    ]);
    // The fixture's syncz still lists the proxy; drop it, as istiod does for a dead sidecar.
    const syncz = (JSON.parse(files.get('istiod/syncz.json')!) as { proxy: string }[]).filter((e) => !e.proxy.startsWith('frontend'));
    files.set('istiod/syncz.json', JSON.stringify(syncz));
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect(diagnosis.verdict.segment).toBe('client-sidecar');
    const ids = (name: string) => diagnosis.segments.find((s) => s.name === name)!.evidence.map((e) => e.id);
    expect(ids('client-sidecar')).toContain('proxy.admin-unreachable');
    expect(ids('control-plane')).toContain('sync.not-connected-proxy-down');
    expect(ids('control-plane')).not.toContain('sync.not-connected');
  });

  it('/ready has its own, shorter deadline: a sidecar that never answers costs readyTimeoutMs', async () => {
    const f = await fakeCluster('healthy');
    const admin = (pod: { name: string; namespace: string }, port: number): EnvoyAdmin => {
      const real = f.admin(pod, port);
      if (!pod.name.startsWith('cart')) return real;
      return { ...real, get: (p: string) => (p === 'ready' ? new Promise<string>(() => undefined) : real.get(p)) };
    };
    const started = Date.now();
    const { files, warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100, readyTimeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(warnings).toEqual(['cart-v1-7d8f9c6b5-4hx2m.shop Envoy admin: cart-v1-7d8f9c6b5-4hx2m.shop: Envoy admin GET /ready timed out after 0.05s']);
    expect(files.has('proxies/shop/frontend-6c9f7b5d4-x2kqp/config_dump.json')).toBe(true);
    expect(f.closed).toContain('cart-v1-7d8f9c6b5-4hx2m:15000');
    expect(diagnose(captureFromFiles(files)).diagnosis.segments.find((s) => s.name === 'server-sidecar')?.status).toBe('fault');
  });

  it('a port-forward the API server refuses is a gap in the capture, not a sidecar fault', async () => {
    const f = await fakeCluster('healthy', { rbacAdmin: 'cart-v1-7d8f9c6b5-4hx2m' });
    const { files } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    const { diagnosis } = diagnose(captureFromFiles(files));
    const server = diagnosis.segments.find((s) => s.name === 'server-sidecar')!;
    expect(server.evidence.filter((e) => e.status === 'fault')).toEqual([]);
    expect(server.evidence.filter((e) => e.id === 'proxy.not-collected').map((e) => e.source)).toEqual([
      'capture.json: notCollected proxies/shop/cart-v1-7d8f9c6b5-4hx2m/config_dump.json',
      'capture.json: notCollected proxies/shop/cart-v1-7d8f9c6b5-4hx2m/clusters.json',
      'capture.json: notCollected proxies/shop/cart-v1-7d8f9c6b5-4hx2m/stats.txt',
    ]);
    expect(diagnosis.verdict.segment).not.toBe('server-sidecar');
  });

  it('a Pending server pod is not port-forwarded to; the gap is noted, not blamed on its sidecar', async () => {
    const pending: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cart-v1-7d8f9c6b5-zz9pq', namespace: 'shop', labels: { app: 'cart', version: 'v1' } },
      spec: { containers: [{ name: 'cart', ports: [{ containerPort: 8080 }] }, { name: 'istio-proxy' }] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    };
    const f = await fakeCluster('healthy', { extra: [pending] });
    const { files, warnings } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(f.calls.filter((c) => c.includes('zz9pq'))).toEqual([]);
    expect(warnings).toEqual(['cart-v1-7d8f9c6b5-zz9pq.shop Envoy admin: not read, pod is Pending']);
    const meta = JSON.parse(files.get('capture.json')!) as { notCollected: { file: string; reason: string; error: string }[] };
    expect(meta.notCollected.map((m) => `${m.reason}: ${m.error}`)).toEqual(['failed: pod is Pending', 'failed: pod is Pending', 'failed: pod is Pending']);
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect(diagnosis.segments.flatMap((g) => g.evidence).filter((e) => e.id === 'proxy.admin-unreachable')).toEqual([]);
  });

  it('resolves "ingress" to the ingress gateway pods and --via to a gateway Service', async () => {
    const f = await fakeCluster('gateway-host-mismatch');
    const { files } = await collect({ from: 'ingress', to: 'cart.shop:8080', via: 'istio-ingressgateway.istio-system' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    expect(files.has('proxies/istio-system/istio-ingressgateway-5b7c8d9f6-q8wzr/config_dump.json')).toBe(true);
    expect(files.get('cluster/istio.yaml')).toContain('kind: VirtualService');
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect(diagnosis.verdict.segment).toBe('gateway');
  });

  it('merges /debug/syncz of every istiod replica', async () => {
    const f = await fakeCluster('healthy', { twoIstiods: true });
    const { files } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    const proxies = (JSON.parse(files.get('istiod/syncz.json')!) as { proxy: string }[]).map((e) => e.proxy).sort();
    expect(proxies).toEqual(['cart-v1-7d8f9c6b5-4hx2m.shop', 'frontend-6c9f7b5d4-x2kqp.shop']);
    expect(diagnose(captureFromFiles(files)).diagnosis.segments.find((s) => s.name === 'control-plane')?.status).toBe('ok');
  });

  it('what capture writes to disk reads back as the same capture', async () => {
    const f = await fakeCluster('keepalive-race');
    const { files } = await collect({ from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' }, { kube: f.kube, admin: f.admin, istioNamespace: 'istio-system', now: NOW, version: '0.1.0', tailLines: 100 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'istio-ts-capture-'));
    await writeCapture(dir, files);
    const fromDisk = diagnose(await readCapture(dir)).diagnosis;
    const inMemory = diagnose(captureFromFiles(files)).diagnosis;
    expect(fromDisk).toEqual(inMemory);
    expect(fromDisk.verdict.segment).toBe('app');
  });
});
