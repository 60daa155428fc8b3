// The write half of the live kube client against a local plain-HTTP stand-in for the API server
// (client-node accepts http:// only with insecure-skip-tls-verify, hence that flag here):
// the requests install relies on (server-side apply, dry run, delete, discovery, access review).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/client.js';
import type { KubeWriteClient } from '../../src/kube/types.js';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}

let server: Server;
let kube: KubeWriteClient;
const seen: Seen[] = [];

const discovery: Record<string, unknown> = {
  '/api/v1': { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }, { name: 'pods/log', kind: 'Pod', namespaced: true }, { name: 'pods', kind: 'Pod', namespaced: true }] },
  '/apis/apps/v1': { resources: [{ name: 'deployments', kind: 'Deployment', namespaced: true }, { name: 'deployments/scale', kind: 'Scale', namespaced: true }] },
  '/apis/rbac.authorization.k8s.io/v1': { resources: [{ name: 'clusterroles', kind: 'ClusterRole', namespaced: false }] },
};

function body(req: IncomingMessage): Promise<string> {
  return new Promise((r) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => r(b));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const b = await body(req);
    seen.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), body: b });
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, o: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (discovery[url.pathname]) return json(200, discovery[url.pathname]);
    // A group/version the server does not serve: kube-apiserver's bare 404.
    if (/^\/apis\/[^/]+\/[^/]+$/.test(url.pathname)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('404 page not found\n');
    }
    if (url.pathname === '/version') return json(200, { major: '1', minor: '31', gitVersion: 'v1.31.4' });
    if (url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const review = JSON.parse(b) as { spec: { resourceAttributes: { resource: string } } };
      return json(201, { ...review, status: { allowed: review.spec.resourceAttributes.resource !== 'clusterroles', reason: 'RBAC: nope' } });
    }
    if (url.pathname === '/api/v1/namespaces/istio-system/configmaps/missing') return json(404, { kind: 'Status', message: 'configmaps "missing" not found', code: 404 });
    if (url.pathname === '/apis/apps/v1/namespaces/istio-system/deployments/istiod' && req.method === 'PATCH') {
      return json(422, { kind: 'Status', message: 'Deployment.apps "istiod" is invalid: spec.selector: Invalid value: field is immutable', code: 422 });
    }
    if (req.method === 'PATCH') return json(200, { ...JSON.parse(b), metadata: { ...JSON.parse(b).metadata, resourceVersion: '5' } });
    if (req.method === 'DELETE') return url.pathname.endsWith('/gone') ? json(404, { kind: 'Status', message: 'not found', code: 404 }) : json(200, { kind: 'Status', status: 'Success' });
    if (req.method === 'GET') return json(200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: path.basename(url.pathname), namespace: 'istio-system' }, data: { a: '1' } });
    json(500, { message: 'unexpected' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-write-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t0ken}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: istio-system}}]
current-context: x
`,
  );
  kube = await connect({ kubeconfig, env: {} });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('live KubeWriteClient', () => {
  it('server-side apply: PATCH with the apply content type, field manager, force and dryRun=All', async () => {
    seen.length = 0;
    const out = await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'x' } }, { fieldManager: 'istio-ts', force: true, dryRun: true });
    expect(out.metadata).toMatchObject({ name: 'istio', resourceVersion: '5' });
    const patch = seen.find((s) => s.method === 'PATCH')!;
    expect(patch.url).toBe('/api/v1/namespaces/istio-system/configmaps/istio?fieldManager=istio-ts&force=true&dryRun=All');
    expect(patch.contentType).toBe('application/apply-patch+yaml');
    expect(JSON.parse(patch.body)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'x' } });
  });

  it('cluster-scoped paths and an API error message carried with its status', async () => {
    await kube.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'istio-reader' } }, { fieldManager: 'istio-ts' });
    expect(seen.at(-1)!.url).toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles/istio-reader?fieldManager=istio-ts');
    await expect(kube.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system' } }, { fieldManager: 'istio-ts' })).rejects.toMatchObject({
      status: 422,
      message: 'apply Deployment istio-system/istiod: Deployment.apps "istiod" is invalid: spec.selector: Invalid value: field is immutable',
    });
  });

  it('read: raw JSON, undefined on 404 and for kinds the server does not serve', async () => {
    expect(await kube.read('v1', 'ConfigMap', 'istio-system', 'istio')).toMatchObject({ data: { a: '1' } });
    expect(await kube.read('v1', 'ConfigMap', 'istio-system', 'missing')).toBeUndefined();
    expect(await kube.read('networking.istio.io/v1', 'VirtualService', 'default', 'x')).toBeUndefined();
  });

  it('discovery skips subresources', async () => {
    expect(await kube.resource('v1', 'Pod')).toEqual({ plural: 'pods', namespaced: true });
    expect(await kube.resource('apps/v1', 'Scale')).toBeUndefined();
  });

  it('remove: background propagation by default; false when already gone', async () => {
    expect(await kube.remove('apps/v1', 'Deployment', 'istio-system', 'istio-egressgateway')).toBe(true);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' });
    expect(await kube.remove('apps/v1', 'Deployment', 'istio-system', 'gone')).toBe(false);
  });

  it('serverVersion and canI', async () => {
    expect(await kube.serverVersion()).toEqual({ major: '1', minor: '31', gitVersion: 'v1.31.4' });
    expect(await kube.canI({ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'istio-system' })).toEqual({ allowed: true, reason: 'RBAC: nope' });
    expect(await kube.canI({ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' })).toEqual({ allowed: false, reason: 'RBAC: nope' });
  });

  it('sends the kubeconfig credentials', () => {
    expect(seen.length).toBeGreaterThan(0);
  });
});
