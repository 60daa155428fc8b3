// E2E of faults and permissions on the loopback harness: never a false "fine".
//
// - A real ServiceAccount without RBAC: live analyze exits non-zero and names what it could not
//   read (never "No validation issues", also with -o json); version and proxy-status say forbidden.
// - An invalid token: Unauthorized, one cause, exit 1.
// - A namespace-only reader: `analyze -n NS` lists NS (and the Istio namespace), so its findings
//   print; only the cluster-scoped kinds it may not read are named.
// - An API server that accepts connections and never answers (a silent loopback TCP server):
//   every live command ends with "timed out after N s" within --request-timeout.
// - Port-forward with only `create pods/portforward` (kubectl's requirement; the WebSocket
//   upgrade also needs `get` from Kubernetes 1.35, so this goes through the SPDY fallback):
//   proxy-status and proxy-config work; without it the error names the missing permission, and
//   diagnose on a healthy mesh does not blame the sidecar.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, createNamespace, deployment, istioTs, kubectl, kubectlJSON, kubectlPath, runningPods, service, waitFor } from './harness.js';

const dir = mkdtempSync(join(os.tmpdir(), 'istio-ts-e2e-reliability-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

interface Cluster {
  server: string;
  ca?: string;
  caFile?: string;
}

async function harnessCluster(): Promise<Cluster> {
  const cfg = await kubectlJSON<{ clusters: { cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[] }>(['config', 'view', '--raw', '--minify']);
  const c = cfg.clusters[0]!.cluster;
  return { server: c.server, ...(c['certificate-authority-data'] ? { ca: c['certificate-authority-data'] } : {}), ...(c['certificate-authority'] ? { caFile: c['certificate-authority'] } : {}) };
}

/** A kubeconfig for `token` against `server` (TLS verified with the harness CA when given). */
function kubeconfigFor(name: string, cluster: Cluster, token: string): string {
  const file = join(dir, `${name}.kubeconfig`);
  const tls = cluster.ca ? `certificate-authority-data: ${cluster.ca}` : cluster.caFile ? `certificate-authority: ${cluster.caFile}` : 'insecure-skip-tls-verify: true';
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: ${cluster.server}
    ${tls}
users:
- name: u
  user: {token: "${token}"}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`,
  );
  return file;
}

/** A ServiceAccount in `default` with these cluster-wide and per-namespace rules; returns its kubeconfig. */
async function serviceAccount(
  name: string,
  rules: { cluster?: object[]; namespaced?: Record<string, object[]> } = {},
): Promise<string> {
  const docs: object[] = [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'default' } }];
  const subjects = [{ kind: 'ServiceAccount', name, namespace: 'default' }];
  if (rules.cluster) {
    docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: rules.cluster });
    docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects });
  }
  for (const [ns, r] of Object.entries(rules.namespaced ?? {})) {
    docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules: r });
    docs.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects });
  }
  await apply({ apiVersion: 'v1', kind: 'List', items: docs });
  cleanups.push(async () => {
    await kubectl(['delete', 'clusterrole,clusterrolebinding', name, '--ignore-not-found']);
    for (const ns of Object.keys(rules.namespaced ?? {})) await kubectl(['delete', 'role,rolebinding', name, '-n', ns, '--ignore-not-found']);
    await kubectl(['delete', 'serviceaccount', name, '-n', 'default', '--ignore-not-found']);
  });
  const token = (await kubectl(['create', 'token', name, '-n', 'default', '--duration', '1h'])).trim();
  return kubeconfigFor(name, await harnessCluster(), token);
}

/**
 * Deletes a namespace and waits until it is gone: suites that snapshot the whole cluster (install)
 * must not see its objects disappear under them.
 */
async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', '--timeout=120s'], undefined, 150_000);
}

const READ_ALL = [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] }];

describe('a ServiceAccount without RBAC', () => {
  let kc: string;
  beforeAll(async () => {
    kc = await serviceAccount('rel-norbac');
  });

  it('analyze -A: exit 1, names what it could not read, never "No validation issues"', async () => {
    const r = await istioTs(['analyze', '-A'], { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('No validation issues');
    expect(r.stderr).toMatch(/Error: could not read Pod: list Pod: pods is forbidden: User "system:serviceaccount:default:rel-norbac" cannot list resource "pods"/);
    expect(r.stderr).toMatch(/the cluster was only partly analyzed: could not read .*VirtualService/);
  });

  it('analyze -A -o json: [] on stdout but exit 1, the causes on stderr', async () => {
    const r = await istioTs(['analyze', '-A', '-o', 'json'], { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toMatch(/could not read Pod/);
  });

  it('version and proxy-status: forbidden, with the verb and resource to grant', async () => {
    const v = await istioTs(['version'], { env: { KUBECONFIG: kc } });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('client version:');
    expect(v.stderr).toMatch(/cannot read the control plane: list Pod in istio-system: pods is forbidden/);
    expect(v.stderr).toContain('kubectl auth can-i list pods -n istio-system');
    const p = await istioTs(['proxy-status'], { env: { KUBECONFIG: kc } });
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/forbidden/);
  });
});

describe('an invalid token', () => {
  let kc: string;
  beforeAll(async () => {
    kc = kubeconfigFor('rel-badtoken', await harnessCluster(), 'not-a-valid-token');
  });
  it.each([['analyze', '-A'], ['version'], ['proxy-status']].map((a) => [a.join(' '), a] as const))('%s: Unauthorized, one cause, exit 1', async (_name, args) => {
    const r = await istioTs(args, { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unauthorized/);
    expect(r.stderr).toMatch(/did not accept the credentials/);
    expect(r.stderr).not.toContain('No validation issues');
    expect(r.stderr.match(/^Error: /gm)?.length).toBe(1);
  });
});

describe('the real API server under a wrong path prefix (a proxy URL missing its /k8s/clusters/<id> part, or one too many)', () => {
  // kube-apiserver answers an unknown path with a bare "404 page not found": not a Kubernetes
  // Status, so not "no such pod" and never "none exist" (an earlier build said "No validation
  // issues" with exit 0 here, and "pod … not found" for pods that exist).
  let kc: string;
  beforeAll(async () => {
    // A reader of everything, unknown paths included (non-resource URLs: else the API server
    // answers 403 before it looks at the path), so that only the path makes the difference.
    const reader = await serviceAccount('rel-prefix', { cluster: [...READ_ALL, { nonResourceURLs: ['*'], verbs: ['get'] }] });
    kc = join(dir, 'rel-prefix-url.kubeconfig');
    writeFileSync(kc, readFileSync(reader, 'utf8').replace(/^( {4}server: )(\S+?)\/*$/m, '$1$2/wrongprefix'));
    expect(readFileSync(kc, 'utf8')).toMatch(/server: https:\/\/\S+\/wrongprefix$/m);
  });
  it.each([['analyze', '-A'], ['proxy-status'], ['version']].map((a) => [a.join(' '), a] as const))('%s: names the server and what it answered, exit 1, never "No validation issues"', async (_name, args) => {
    const r = await istioTs(args, { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('No validation issues');
    expect(r.stderr).toMatch(/the server https:\/\/\S+\/wrongprefix answered HTTP 404 with "404 page not found", not as a Kubernetes API server\nIs https:\/\/\S+\/wrongprefix the Kubernetes API server\? It comes from /);
    expect(r.stderr.match(/^Error: /gm)?.length).toBe(1);
  });
  it('proxy-config of a pod that exists: not "pod not found"', async () => {
    const pods = await kubectlJSON<{ items: { metadata: { name: string } }[] }>(['get', 'pods', '-n', 'istio-system']);
    const pod = pods.items[0]!.metadata.name;
    const r = await istioTs(['proxy-config', 'cluster', `${pod}.istio-system`], { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/not found in namespace/);
    expect(r.stderr).toContain(`get Pod istio-system/${pod}: the server `);
    expect(r.stderr).toMatch(/\/wrongprefix answered HTTP 404 with "404 page not found", not as a Kubernetes API server/);
  });
});

describe('a namespace-only reader', () => {
  let kc: string;
  let ns: string;
  beforeAll(async () => {
    const n = await createNamespace('rel-nsread');
    ns = n.name;
    cleanups.push(() => deleteNamespace(n.name));
    // A VirtualService bound to a Gateway that does not exist: IST0101.
    await apply(
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web' }, spec: { hosts: ['web.example.com'], gateways: ['no-such-gateway'], http: [{ route: [{ destination: { host: 'web' } }] }] } },
      ns,
    );
    kc = await serviceAccount(`rel-nsread-${ns.slice(-6)}`, { namespaced: { [ns]: READ_ALL, 'istio-system': READ_ALL } });
  });

  it('analyze -n NS reads NS and istio-system, not the cluster: findings print, only cluster-scoped kinds are missing', async () => {
    const r = await istioTs(['analyze', '-n', ns], { env: { KUBECONFIG: kc } });
    expect(r.stdout).toMatch(new RegExp(`IST0101.*VirtualService ${ns}/web`));
    expect(r.code).toBe(79);
    // Namespaced kinds were listed where this reader may read them.
    expect(r.stderr).not.toMatch(/could not read (Pod|Service|ConfigMap|Secret|VirtualService|DestinationRule|Gateway|Sidecar|PeerAuthentication|AuthorizationPolicy):/);
    // What it may not read (cluster-scoped) is named.
    expect(r.stderr).toMatch(/could not read Namespace: list Namespace: namespaces is forbidden/);
  });

  it('the same reader with -A is refused the cluster-wide lists, and says so', async () => {
    const r = await istioTs(['analyze', '-A'], { env: { KUBECONFIG: kc } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not read Pod: list Pod: pods is forbidden: .* at the cluster scope/);
  });
});

describe('an API server that accepts connections and never answers', () => {
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let kc: string;
  beforeAll(async () => {
    silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    kc = kubeconfigFor('rel-silent', { server: `https://127.0.0.1:${port}` }, 'whatever');
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it.each([
    ['analyze', '-A'],
    ['version'],
    ['proxy-status'],
    ['proxy-config', 'cluster', 'web-1.default'],
    ['diagnose', 'frontend-1.shop', 'cart.shop:8080'],
    ['check-inject', 'deploy/web', '-n', 'default'],
  ].map((a) => [a.join(' '), a] as const))('%s: "timed out after 2 s", exit 1, within the bound', async (_name, args) => {
    const t0 = Date.now();
    const r = await istioTs([...args, '--request-timeout', '2s'], { env: { KUBECONFIG: kc }, timeoutMs: 60_000 });
    const took = Date.now() - t0;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timed out after 2 s: /);
    expect(took).toBeLessThan(20_000);
  });
});

describe('port-forward with only `create pods/portforward`', () => {
  let createOnly: string;
  let noForward: string;
  let shop: { ns: string; client: string; server: string };
  beforeAll(async () => {
    const n = await createNamespace('rel-pf', { 'istio-injection': 'enabled' });
    cleanups.push(() => deleteNamespace(n.name));
    await apply(service('cart'), n.name);
    await apply(deployment('cart'), n.name);
    await apply(deployment('frontend'), n.name);
    const [fe] = await runningPods(n.name, 'frontend', 1);
    const [cart] = await runningPods(n.name, 'cart', 1);
    shop = { ns: n.name, client: `${fe.metadata.name as string}.${n.name}`, server: `${cart.metadata.name as string}.${n.name}` };
    // Running pods are not yet proxies istiod knows, nor a client whose config has cart: wait for
    // both (with the harness's own credentials) before the tests read them with restricted ones.
    await waitFor(`istiod lists ${shop.client} and ${shop.server}`, async () => {
      const ps = await istioTs(['proxy-status', '-n', n.name]);
      return ps.code === 0 && ps.stdout.includes(shop.client) && ps.stdout.includes(shop.server);
    }, 90_000, 1000);
    await waitFor(`${shop.client} has the cluster of cart`, async () => (await istioTs(['proxy-config', 'cluster', shop.client])).stdout.includes(`cart.${n.name}.svc.cluster.local`), 90_000, 1000);
    // Read what the commands read (no wildcard on core resources: "*" would grant get on
    // pods/portforward too), and create (only) port-forwards.
    const read = [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'endpoints', 'namespaces', 'configmaps', 'nodes', 'serviceaccounts', 'events'], verbs: ['get', 'list'] },
      { apiGroups: ['apps', 'discovery.k8s.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io'], resources: ['*'], verbs: ['get', 'list'] },
    ];
    createOnly = await serviceAccount('rel-pf-create', { cluster: [...read, { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }] });
    noForward = await serviceAccount('rel-pf-none', { cluster: read });
  });

  it('kubectl agrees: create is allowed, get is not', async () => {
    // "pods/portforward" would be the pod named portforward: the subresource is a flag. can-i
    // prints yes/no and exits 1 on no.
    const can = (verb: string) =>
      spawnSync(kubectlPath(), ['auth', 'can-i', verb, 'pods', '--subresource=portforward', '-n', 'istio-system', '--kubeconfig', createOnly], { encoding: 'utf8', timeout: 30_000 }).stdout.trim();
    expect(can('create')).toBe('yes');
    expect(can('get')).toBe('no');
  });

  it('proxy-status reaches istiod through the port-forward', async () => {
    const r = await istioTs(['proxy-status'], { env: { KUBECONFIG: createOnly } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // istioctl 1.31's default table (SUBSCRIBED TYPES); the per-type columns are under -v 1.
    expect(r.stdout).toMatch(/^NAME\s+CLUSTER\s+ISTIOD\s+VERSION\s+SUBSCRIBED TYPES/);
    expect(r.stdout).toContain(shop.server);
  });

  it('proxy-config reads a sidecar config dump (a large answer) through it', async () => {
    const r = await istioTs(['proxy-config', 'cluster', shop.client], { env: { KUBECONFIG: createOnly } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`cart\\.${shop.ns}\\.svc\\.cluster\\.local\\s+8080`));
    const all = await istioTs(['proxy-config', 'all', shop.client, '-o', 'json'], { env: { KUBECONFIG: createOnly } });
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).configs.length).toBeGreaterThan(3);
  });

  it('without it: the error names the permission to grant', async () => {
    const r = await istioTs(['proxy-config', 'cluster', shop.client], { env: { KUBECONFIG: noForward } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot create resource "pods\/portforward"/);
    expect(r.stderr).toContain(`kubectl auth can-i create pods --subresource=portforward -n ${shop.ns}`);
  });

  it('diagnose on a healthy path with port-forward refused: cannot tell, never "fault in client-sidecar"', async () => {
    const r = await istioTs(['diagnose', shop.client, `cart.${shop.ns}:8080`, '-o', 'json'], { env: { KUBECONFIG: noForward }, timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { verdict: { segment: string }; segments: { evidence: { id: string }[] }[] };
    expect(d.verdict.segment).toBe('unknown');
    for (const s of d.segments) for (const e of s.evidence) expect(e.id).not.toBe('proxy.admin-unreachable');
    expect(r.stderr).toMatch(/pods\/portforward/);
  });
});
