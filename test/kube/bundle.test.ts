/**
 * The built Kubernetes client (in dist/cli/main.cjs, through its loader), whose rarely used parts of
 * @kubernetes/client-node load on first use (scripts/build-kube.mjs): the azure, gcp and oidc auth
 * providers when first applied, the HTTP and SOCKS proxy agents on first construction. Each still
 * works end to end against loopback servers: the token reaches the API server, the request goes
 * through the proxy. Runs against dist/ (npm run build).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { connect as Connect } from '../../src/kube/client.js';
import { skipWhenMissing } from '../helpers/requires.js';

const bundle = path.resolve('dist/cli/loader.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-kube-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let connect: typeof Connect;
let api: http.Server;
let apiUrl = '';
const seen: { auth: string; url: string }[] = [];

beforeAll(async () => {
  if (!existsSync(bundle)) return;
  // No code cache written to the user's cache directory by a test.
  const noCache = process.env.ISTIO_TS_NO_CODE_CACHE;
  process.env.ISTIO_TS_NO_CODE_CACHE = '1';
  try {
    const loader = (await import(pathToFileURL(bundle).href)) as { bundle: (argv: string[]) => { kubeConnect: typeof Connect } };
    connect = loader.bundle([]).kubeConnect;
  } finally {
    if (noCache === undefined) delete process.env.ISTIO_TS_NO_CODE_CACHE;
    else process.env.ISTIO_TS_NO_CODE_CACHE = noCache;
  }
  api = http.createServer((req, res) => {
    seen.push({ auth: String(req.headers.authorization ?? ''), url: String(req.url) });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ major: '1', minor: '36', gitVersion: 'v1.36.3' }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (api ? (api.closeAllConnections(), api.close(() => r())) : r())));

function kubeconfig(name: string, user: string, extraCluster = ''): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${apiUrl}"${extraCluster}}
users:
- name: u
  user: ${user}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`,
  );
  return file;
}

/** An unsigned JWT with an expiry an hour ahead: what the oidc provider reads without refreshing. */
function idToken(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ sub: 'me', exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
}

const future = new Date(Date.now() + 3_600_000).toISOString();
const oidcToken = idToken();

describe.skipIf(skipWhenMissing(!existsSync(bundle)))('the bundled client: lazily loaded auth providers and proxy agents', () => {
  it.each([
    ['token', '{token: plain-token}', 'Bearer plain-token'],
    ['gcp', `{auth-provider: {name: gcp, config: {access-token: gcp-token, expiry: "${future}"}}}`, 'Bearer gcp-token'],
    ['azure', `{auth-provider: {name: azure, config: {access-token: azure-token, expires-on: "${Math.floor(Date.now() / 1000) + 3600}"}}}`, 'Bearer azure-token'],
    ['oidc', `{auth-provider: {name: oidc, config: {client-id: c, id-token: "${oidcToken}"}}}`, `Bearer ${oidcToken}`],
  ])('%s credentials reach the API server', async (name, user, header) => {
    const kube = await connect({ kubeconfig: kubeconfig(name, user), env: {} });
    const before = seen.length;
    expect((await kube.serverVersion()).gitVersion).toBe('v1.36.3');
    expect(seen.slice(before).map((s) => s.auth)).toEqual([header]);
  });

  it('proxy-url http://: the request goes through the HTTP proxy', async () => {
    const proxied: string[] = [];
    const tunnels = new Set<net.Socket>();
    // hpagent tunnels through the proxy with CONNECT, for http:// servers too.
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
      proxied.push(`${req.method} ${req.url}`);
      const [host, port] = String(req.url).split(':');
      const up = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(up).pipe(client);
      });
      tunnels.add(up).add(client);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const port = (proxy.address() as net.AddressInfo).port;
      const kube = await connect({ kubeconfig: kubeconfig('http-proxy', '{token: t}', `, proxy-url: "http://127.0.0.1:${port}"`), env: {} });
      expect((await kube.serverVersion()).gitVersion).toBe('v1.36.3');
      expect(proxied).toEqual([`CONNECT ${new URL(apiUrl).host}`]);
    } finally {
      for (const t of tunnels) t.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('proxy-url socks5://: the request goes through the SOCKS proxy', async () => {
    const targets: string[] = [];
    const sockets = new Set<net.Socket>();
    // SOCKS5, no authentication, CONNECT to an IPv4 address or a domain name (RFC 1928).
    const socks = net.createServer((c) => {
      sockets.add(c);
      c.once('data', (greeting) => {
        if (greeting[0] !== 5) return c.destroy();
        c.write(Buffer.from([5, 0]));
        c.once('data', (req) => {
          let host: string;
          let at: number;
          if (req[3] === 1) {
            host = [...req.subarray(4, 8)].join('.');
            at = 8;
          } else if (req[3] === 3) {
            host = req.subarray(5, 5 + req[4]!).toString();
            at = 5 + req[4]!;
          } else return c.destroy();
          const port = req.readUInt16BE(at);
          targets.push(`${host}:${port}`);
          const up = net.connect(port, host === 'localhost' ? '127.0.0.1' : host, () => {
            c.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
            c.pipe(up).pipe(c);
          });
          sockets.add(up);
          up.on('error', () => c.destroy());
        });
      });
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => socks.listen(0, '127.0.0.1', r));
    try {
      const port = (socks.address() as net.AddressInfo).port;
      const kube = await connect({ kubeconfig: kubeconfig('socks', '{token: t}', `, proxy-url: "socks5://127.0.0.1:${port}"`), env: {} });
      expect((await kube.serverVersion()).gitVersion).toBe('v1.36.3');
      expect(targets).toEqual([new URL(apiUrl).host]);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => socks.close(() => r()));
    }
  });
});
