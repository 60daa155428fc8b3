/**
 * The thin Kubernetes client against fake API servers on loopback: every fault has its own kind
 * and message (timed out, forbidden, unauthorized, refused), http:// servers work, an exec
 * credential plugin runs once per command, and no kubeconfig gets kubectl's message. Then the
 * same faults through whole commands (analyze, version, proxy-status).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/client.js';
import { KubeError } from '../../src/kube/types.js';
import { main } from '../../src/main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP API server on 127.0.0.1 that answers with `handler`; records Authorization headers. */
async function apiServer(handler: Handler): Promise<{ url: string; auth: string[]; paths: string[]; close: () => Promise<void> }> {
  const auth: string[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    auth.push(String(req.headers.authorization ?? ''));
    paths.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, auth, paths, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** A TCP server that accepts connections and never says a word (a hung API server). */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function kubeconfig(name: string, server: string, user: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${server}"}
users:
- name: u
  user:
${user}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`,
  );
  return file;
}

const status = (res: http.ServerResponse, code: number, message: string) => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }));
};
const json = (res: http.ServerResponse, body: unknown) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function run(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: { write: (s: string) => ((out += s), true) } as never,
    stderr: { write: (s: string) => ((err += s), true) } as never,
    readStdin: async () => '',
    env: { HOME: dir, NO_COLOR: '1', ...env },
    cwd: dir,
    isTTY: false,
    stdinIsTTY: false,
  });
  return { code, out, err };
}

describe('kube client faults', () => {
  it('talks to an http:// server (kubectl proxy) without insecure-skip-tls-verify', async () => {
    const api = await apiServer((req, res) => json(res, { kind: 'PodList', items: [{ metadata: { name: 'a', namespace: 'default' } }] }));
    try {
      const kube = await connect({ kubeconfig: kubeconfig('proxy', api.url, '    {}'), env: {} });
      expect((await kube.list('v1', 'Pod', 'default')).map((p) => p.metadata?.name)).toEqual(['a']);
      expect(api.paths).toEqual(['GET /api/v1/namespaces/default/pods']);
    } finally {
      await api.close();
    }
  });

  it('an API server that accepts and never answers: "timed out after N s", bounded', async () => {
    const silent = await silentServer();
    try {
      const kube = await connect({ kubeconfig: kubeconfig('silent', silent.url, '    token: t'), env: {}, requestTimeoutMs: 300 });
      const t0 = Date.now();
      const e = await kube.list('v1', 'Pod', undefined).catch((x: unknown) => x);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(e).toBeInstanceOf(KubeError);
      expect(e).toMatchObject({ kind: 'timeout' });
      expect((e as Error).message).toMatch(/^timed out after 0\.3 s: list Pod/);
    } finally {
      await silent.close();
    }
  });

  it('403, 401 and 404 are forbidden, unauthorized and not found, each with the call named', async () => {
    const api = await apiServer((req, res) => {
      if (req.url?.includes('/secrets')) return status(res, 403, 'secrets is forbidden: User "system:serviceaccount:ci:bot" cannot list resource "secrets" in API group "" at the cluster scope');
      if (req.url?.includes('/pods')) return status(res, 401, 'Unauthorized');
      return status(res, 404, 'configmaps "istio" not found');
    });
    try {
      const kube = await connect({ kubeconfig: kubeconfig('codes', api.url, '    token: t'), env: {} });
      const forbidden = await kube.list('v1', 'Secret', undefined).catch((x: unknown) => x);
      expect(forbidden).toMatchObject({ kind: 'forbidden', status: 403 });
      expect((forbidden as Error).message).toMatch(/^list Secret: secrets is forbidden/);
      expect((forbidden as KubeError).hint).toContain('kubectl auth can-i list secrets -A');
      const unauthorized = await kube.list('v1', 'Pod', 'default').catch((x: unknown) => x);
      expect(unauthorized).toMatchObject({ kind: 'unauthorized', status: 401 });
      expect((unauthorized as KubeError).hint).toMatch(/credentials/);
      await expect(kube.get('v1', 'ConfigMap', 'istio-system', 'istio')).rejects.toMatchObject({ kind: 'notfound', status: 404 });
    } finally {
      await api.close();
    }
  });

  it('a server that is not the API server (an HTML 404 page, a bare 404 under /api) is named as such, never "not found"', async () => {
    // A web server on the kubeconfig's address (kubectl's localhost:8080 default with something
    // else listening there, a wrong proxy path): its 404 is not "no such pod", nor "none exist".
    const web = await apiServer((req, res) => {
      if (req.url?.startsWith('/api/v1/namespaces/default/')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('404 page not found\n');
      }
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE HTML>\n<html><body><h1>Error response</h1><p>Error code: 404</p></body></html>\n');
    });
    try {
      const kube = await connect({ kubeconfig: kubeconfig('web', web.url, '    {}'), env: {} });
      for (const call of [() => kube.read('v1', 'Pod', 'istio-system', 'istiod-1'), () => kube.list('v1', 'Pod', 'istio-system'), () => kube.list('networking.istio.io/v1', 'VirtualService', undefined), () => kube.serverVersion()]) {
        const e = await call().catch((x: unknown) => x);
        expect(e).toMatchObject({ kind: 'failed', status: 404, name: 'NotKubernetesError' });
        expect((e as Error).message).toMatch(new RegExp(`: the server ${web.url} answered HTTP 404 with an HTML page, not as a Kubernetes API server$`));
        expect((e as KubeError).hint).toMatch(new RegExp(`^Is ${web.url} the Kubernetes API server\\? It comes from .*${path.join(dir, 'web.yaml')}`));
      }
      // The core group answers a missing object with a JSON Status; a bare 404 there is not it.
      const bare = await kube.get('v1', 'Pod', 'default', 'x').catch((x: unknown) => x);
      expect(bare).toMatchObject({ kind: 'failed', name: 'NotKubernetesError' });
      expect((bare as Error).message).toContain('answered HTTP 404 with "404 page not found", not as a Kubernetes API server');
    } finally {
      await web.close();
    }
  });

  it('JSON that is no list or no discovery answer (a proxy\'s "{}") is a data error, never "none exist" or "not served"', async () => {
    const proxy = await apiServer((req, res) => (req.url === '/api/v1/namespaces/default/pods?labelSelector=a%3Db' ? json(res, { kind: 'PodList', items: null }) : json(res, {})));
    try {
      const kube = await connect({ kubeconfig: kubeconfig('braces', proxy.url, '    token: t'), env: {} });
      const list = await kube.list('v1', 'Pod', 'istio-system').catch((x: unknown) => x);
      expect(list).toMatchObject({ kind: 'data' });
      expect((list as Error).message).toBe(`list Pod in istio-system: the server ${proxy.url} answered without a list of items; not a Kubernetes list`);
      const discovery = await kube.resource('networking.istio.io/v1', 'VirtualService').catch((x: unknown) => x);
      expect(discovery).toMatchObject({ kind: 'data' });
      expect((discovery as Error).message).toContain('answered without the resources it serves');
      // "items": null is how some servers write an empty list.
      expect(await kube.list('v1', 'Pod', 'default', { labelSelector: 'a=b' })).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a bare "404 page not found" under /apis is the API server\'s own answer for a group it does not serve', async () => {
    const api = await apiServer((req, res) => {
      if (req.url === '/apis/networking.istio.io/v1') {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('404 page not found\n');
      }
      status(res, 404, 'the server could not find the requested resource');
    });
    try {
      const kube = await connect({ kubeconfig: kubeconfig('unserved', api.url, '    token: t'), env: {} });
      expect(await kube.resource('networking.istio.io/v1', 'VirtualService')).toBeUndefined();
      await expect(kube.get('v1', 'ConfigMap', 'istio-system', 'istio')).rejects.toMatchObject({ kind: 'notfound', status: 404 });
    } finally {
      await api.close();
    }
  });

  it('a refused connection gets kubectl\'s wording', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const kube = await connect({ kubeconfig: kubeconfig('refused', `http://127.0.0.1:${port}`, '    {}'), env: {} });
    const e = await kube.serverVersion().catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'unreachable' });
    expect((e as Error).message).toBe(`get server version: The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?`);
  });

  it('runs an exec credential plugin once per client, however many calls run in parallel', async () => {
    const counter = path.join(dir, 'plugin-runs');
    writeFileSync(counter, '');
    const plugin = path.join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token: 'from-plugin-' + process.env.EXTRA } }));
`,
    );
    const api = await apiServer((req, res) => json(res, { items: [] }));
    try {
      const user = `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(plugin)}]
      env: [{name: EXTRA, value: "42"}]
      interactiveMode: Never`;
      const kube = await connect({ kubeconfig: kubeconfig('exec', api.url, user), env: { PATH: process.env.PATH } });
      await Promise.all(['Pod', 'Service', 'ConfigMap', 'Secret', 'Endpoints', 'Namespace'].map((k) => kube.list('v1', k, undefined)));
      await kube.list('v1', 'Pod', undefined);
      expect(readFileSync(counter, 'utf8')).toBe('x');
      expect(new Set(api.auth)).toEqual(new Set(['Bearer from-plugin-42']));
    } finally {
      await api.close();
    }
  });

  it('an exec credential that expired is fetched again', async () => {
    const counter = path.join(dir, 'plugin-runs-2');
    writeFileSync(counter, '');
    const plugin = path.join(dir, 'plugin2.mjs');
    writeFileSync(
      plugin,
      `import { appendFileSync, readFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
const n = readFileSync(${JSON.stringify(counter)}, 'utf8').length;
process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: 't' + n, expirationTimestamp: new Date(Date.now() + 1000).toISOString() } }));
`,
    );
    const api = await apiServer((req, res) => json(res, { items: [] }));
    try {
      const user = `    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(plugin)}]}`;
      const kube = await connect({ kubeconfig: kubeconfig('exec2', api.url, user), env: {} });
      await kube.list('v1', 'Pod', undefined);
      await kube.list('v1', 'Pod', undefined);
      // Within 10 s of expiry counts as expired (kubectl refreshes early too).
      expect(readFileSync(counter, 'utf8')).toBe('xx');
      expect(api.auth).toEqual(['Bearer t1', 'Bearer t2']);
    } finally {
      await api.close();
    }
  });

  it('a missing exec plugin is an unauthorized error naming it, with its install hint', async () => {
    const user = `    exec: {apiVersion: client.authentication.k8s.io/v1, command: istio-ts-no-such-plugin, installHint: "install it with: brew install thing"}`;
    const kube = await connect({ kubeconfig: kubeconfig('noplugin', 'http://127.0.0.1:1', user), env: { PATH: '/nonexistent' } });
    const e = await kube.serverVersion().catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'unauthorized', hint: 'install it with: brew install thing' });
    expect((e as Error).message).toMatch(/credential plugin "istio-ts-no-such-plugin": executable file not found/);
  });
});

describe('port-forward', () => {
  it('WebSocket first, SPDY when the upgrade is refused; a refusal of both is forbidden with the permission named', async () => {
    const api = await apiServer((req, res) => status(res, 403, `pods "cart" is forbidden: User "dev" cannot ${req.method === 'GET' ? 'get' : 'create'} resource "pods/portforward"`));
    try {
      const kube = await connect({ kubeconfig: kubeconfig('pf', api.url, '    token: t'), env: {} });
      const s = await kube.portForward('shop', 'cart', 15000);
      const local = net.connect(s.localPort, '127.0.0.1');
      local.on('error', () => undefined);
      await new Promise<void>((r) => local.on('close', () => r()));
      expect(api.paths).toEqual(['GET /api/v1/namespaces/shop/pods/cart/portforward?ports=15000', 'POST /api/v1/namespaces/shop/pods/cart/portforward?ports=15000']);
      const f = s.lastFailure?.();
      expect(f).toMatchObject({ kind: 'forbidden', status: 403 });
      expect(f?.message).toMatch(/cannot create resource "pods\/portforward"/);
      expect((f as KubeError).hint).toContain('kubectl auth can-i create pods --subresource=portforward -n shop');
      await s.close();
    } finally {
      await api.close();
    }
  });

  it('one session per pod port for the whole command', async () => {
    const api = await apiServer((req, res) => status(res, 403, 'forbidden'));
    try {
      const kube = await connect({ kubeconfig: kubeconfig('pf2', api.url, '    token: t'), env: {} });
      const a = await kube.portForward('istio-system', 'istiod-1', 15014);
      await a.close();
      const b = await kube.portForward('istio-system', 'istiod-1', 15014);
      const c = await kube.portForward('istio-system', 'istiod-1', 15010);
      expect(b.localPort).toBe(a.localPort);
      expect(c.localPort).not.toBe(a.localPort);
      await b.close();
      await c.close();
    } finally {
      await api.close();
    }
  });

  it('an upgrade the API server never answers times out with the call named', async () => {
    const silent = await silentServer();
    try {
      const kube = await connect({ kubeconfig: kubeconfig('pf3', silent.url, '    token: t'), env: {}, requestTimeoutMs: 300 });
      const s = await kube.portForward('shop', 'cart', 15000);
      const local = net.connect(s.localPort, '127.0.0.1');
      local.on('error', () => undefined);
      await new Promise<void>((r) => local.on('close', () => r()));
      expect(s.lastFailure?.()).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/^timed out after 0\.3 s: port-forward to shop\/cart:15000/) });
      await s.close();
    } finally {
      await silent.close();
    }
  });
});

describe('kubeconfig as kubectl reads it', () => {
  it('no kubeconfig at all: kubectl\'s localhost:8080 default, and its message when refused', async () => {
    // Only meaningful while nothing listens on 8080 here: check by taking the port first.
    const probe = net.createServer();
    const free = await new Promise<boolean>((r) => probe.once('error', () => r(false)).listen(8080, '127.0.0.1', () => probe.close(() => r(true))));
    if (!free) return;
    const home = mkdtempSync(path.join(dir, 'home-'));
    const kube = await connect({ env: { HOME: home } });
    const e = await kube.serverVersion().catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'unreachable' });
    expect((e as Error).message).toMatch(/The connection to the server localhost:8080 was refused - did you specify the right host or port\?/);
    expect((e as KubeError).hint).toMatch(/no kubeconfig/);
  });

  it('an empty kubeconfig file is an empty config, not a crash', async () => {
    const empty = path.join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    const kube = await connect({ env: { KUBECONFIG: empty, HOME: dir } });
    expect(kube.defaultNamespace).toBe('default');
  });
});

describe('commands on a faulty cluster', () => {
  let forbiddenApi: Awaited<ReturnType<typeof apiServer>>;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    // A ServiceAccount with no RBAC: every list and get is 403.
    forbiddenApi = await apiServer((req, res) => {
      if (req.url?.startsWith('/apis/') && req.url.split('/').length === 4) {
        // Discovery is allowed for everyone (system:discovery).
        const gv = req.url.slice('/apis/'.length);
        return json(res, { kind: 'APIResourceList', groupVersion: gv, resources: [] });
      }
      status(res, 403, `forbidden: User "system:serviceaccount:ci:bot" cannot ${req.method === 'GET' ? 'list' : 'do'} ${req.url}`);
    });
    silent = await silentServer();
  });
  afterAll(async () => {
    await forbiddenApi.close();
    await silent.close();
  });

  it('analyze that may read nothing exits non-zero, names what it could not read, never "No validation issues"', async () => {
    const r = await run(['analyze', '-A'], { KUBECONFIG: kubeconfig('sa-norbac', forbiddenApi.url, '    token: t') });
    expect(r.code).toBe(1);
    expect(r.err).not.toContain('No validation issues');
    expect(r.err).toMatch(/Error: could not read Pod: list Pod: forbidden/);
    expect(r.err).toMatch(/the cluster was only partly analyzed: could not read .*Pod/);
  });

  it('analyze -o json on the same cluster: [] on stdout is not a pass (exit 1, causes on stderr)', async () => {
    const r = await run(['analyze', '-A', '-o', 'json'], { KUBECONFIG: kubeconfig('sa-norbac-json', forbiddenApi.url, '    token: t') });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/could not read Pod/);
  });

  it('analyze -n reads that namespace (and the Istio root namespace), not the cluster', async () => {
    forbiddenApi.paths.length = 0;
    const r = await run(['analyze', '-n', 'shop'], { KUBECONFIG: kubeconfig('sa-ns', forbiddenApi.url, '    token: t') });
    const lists = forbiddenApi.paths.filter((p) => p.startsWith('GET /api/v1/') && p.includes('pods'));
    expect(lists).toEqual(expect.arrayContaining(['GET /api/v1/namespaces/shop/pods', 'GET /api/v1/namespaces/istio-system/pods']));
    expect(lists).not.toContain('GET /api/v1/pods');
    expect(r.code).toBe(1);
  });

  it('analyze -A against a web server that is not the API server: one cause, exit 1, never "No validation issues"', async () => {
    const web = await apiServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    try {
      const r = await run(['analyze', '-A'], { KUBECONFIG: kubeconfig('web-analyze', web.url, '    {}') });
      expect(r.code).toBe(1);
      expect(r.err).not.toContain('No validation issues');
      expect(r.err).toMatch(new RegExp(`^Error: [^\\n]+: the server ${web.url} answered HTTP 404 with an HTML page, not as a Kubernetes API server\\nIs ${web.url} the Kubernetes API server\\?`));
      expect(r.err.match(/answered HTTP 404/g)).toHaveLength(1);
    } finally {
      await web.close();
    }
  });

  for (const args of [['analyze', '-A'], ['version'], ['proxy-status']]) {
    it(`${args.join(' ')} against an API server that never answers: timed out, exit 1, no hang`, async () => {
      const t0 = Date.now();
      const r = await run([...args, '--request-timeout', '500ms'], { KUBECONFIG: kubeconfig(`silent-${args[0]}`, silent.url, '    token: t') });
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/timed out after 0\.5 s: /);
    });
  }

  it('--request-timeout takes durations and bare seconds; anything else is a usage error', async () => {
    const r = await run(['version', '--request-timeout', 'soon'], { KUBECONFIG: '/nonexistent' });
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/--request-timeout: "soon" is not a duration/);
  });
});
