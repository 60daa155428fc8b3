// istio-ts's own analyzers are predictions; here the authorization and retry ones are tested as
// such on real Envoys (pilot-agent + upstream Envoy per pod, istiod's mTLS, see
// test/harness/dataplane.sh), in the pattern of analyzer-proofs.test.ts:
//   1. the bad configuration is applied and `istio-ts analyze` (live) reports exactly the finding;
//   2. bounded traffic through the real client sidecar fails the way the finding's page says
//      (status and response flag from the real access log; the app's own request log where the
//      page's claim is about retries);
//   3. the fix is applied, `analyze` no longer reports it, and the same traffic succeeds.
// Every request goes to a 127.0.0.0/8 address, a handful per step, each bounded in time.
//
// Run alone: npx vitest run --project e2e test/e2e/dataplane/analyzer-proofs-auth-retry.test.ts
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { apply, waitFor } from '../harness.js';
import { freePort, Mesh, PORT, type DriveResult, type Workload } from './mesh.js';
import { expectNoNacks, findings, useDataplaneTelemetry } from './proofs.js';

/** A workload's access-log lines for one request line (`"<METHOD> <path> `), once Envoy flushed them. */
function logFor(m: Mesh, w: Workload, request: string): string[] {
  return m.accessLogLines(w).filter((l) => l.includes(`"${request} `));
}

async function waitLog(m: Mesh, w: Workload, request: string, re: RegExp, count = 1): Promise<string[]> {
  return waitFor(`${count} × ${re} for "${request}" in ${w.ref}'s access log`, async () => {
    const lines = logFor(m, w, request);
    return lines.filter((l) => re.test(l)).length >= count ? lines : undefined;
  }, 30_000, 250);
}

/** productpage → reviews with real proxies (HTTP on 9080), after `config` is applied; resolves once routes are ready. */
async function pair(m: Mesh, config: object[], app: { mode: 'ok' | '500' | 'slow'; delayMs?: number; first?: number } = { mode: 'ok' }): Promise<{ client: Workload; server: Workload }> {
  const client = await m.client('productpage');
  const server = await m.server('reviews');
  for (const c of config) await apply(c, m.ns);
  await m.appUp(server, app.mode, app.delayMs ?? 0, app.first ?? 0);
  await m.proxyUp(server);
  await m.proxyUp(client);
  await m.synced([client, server]);
  await m.ready([client, server], [{ from: client, to: server }]);
  return { client, server };
}

const reviews = (m: Mesh) => `${m.host('reviews')}:${PORT}`;

// ---- JWTs signed by a key that lives only in this process (never printed) ----------------------

const ISSUER = 'https://issuer.proofs.istio-ts.test';

class Signer {
  private readonly key: KeyObject;
  readonly kid: string;
  constructor(kid: string) {
    this.kid = kid;
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
  /** The public half as the inline JWKS a RequestAuthentication's `jwks` field takes. */
  jwks(): string {
    const jwk = createPublicKey(this.key).export({ format: 'jwk' });
    return JSON.stringify({ keys: [{ ...jwk, kid: this.kid, alg: 'RS256', use: 'sig' }] });
  }
  token(sub: string): string {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${b64({ iss: ISSUER, sub, iat: now, exp: now + 900 })}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.key).toString('base64url')}`;
  }
}

// ---- a plain TCP exchange through the client sidecar's TCP listener -------------------------------

type TcpOutcome = 'echo' | 'closed' | 'timeout' | `error: ${string}`;

/** Connects to <via pod IP>:port, sends a line and waits (≤ 5 s) for its echo or the end of the connection. */
function tcpExchange(via: Workload, port = PORT): Promise<TcpOutcome> {
  return new Promise((done) => {
    const s = connect({ host: via.ip, port });
    let got = '';
    let settled = false;
    const finish = (o: TcpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      done(o);
    };
    const timer = setTimeout(() => finish('timeout'), 5000);
    s.setEncoding('utf8');
    s.on('connect', () => s.write('ping istio-ts\n'));
    s.on('data', (d: string) => {
      got += d;
      if (got.includes('ping istio-ts\n')) finish('echo');
    });
    s.on('end', () => finish('closed'));
    s.on('close', () => finish('closed'));
    s.on('error', (e: NodeJS.ErrnoException) => finish(`error: ${e.code ?? e.message}`));
  });
}

/** productpage → stock over a TCP port (Service port `tcp`, 9080) with real proxies and an echo app. */
async function tcpPair(m: Mesh, config: object[]): Promise<{ client: Workload; server: Workload }> {
  const tcpPort = { number: PORT, protocol: 'TCP', name: 'tcp' };
  const client = await m.deploy('productpage');
  await apply({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'productpage' }, spec: { workloadSelector: { labels: { app: 'productpage' } }, egress: [{ port: tcpPort, bind: client.ip, hosts: ['./*'] }] } }, m.ns);
  const server = await m.deploy('stock');
  server.appPort = await freePort();
  await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'stock' }, spec: { selector: { app: 'stock' }, ports: [{ name: 'tcp', port: PORT, targetPort: PORT }] } }, m.ns);
  await apply(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'stock' },
      spec: { hosts: [m.host('stock')], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ ...tcpPort, targetPort: PORT }], workloadSelector: { labels: { app: 'stock' } } },
    },
    m.ns,
  );
  // As in Mesh.server: the server's own egress binds 127.<n>.1.x, its ingress its pod IP.
  await apply(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'stock' },
      spec: {
        workloadSelector: { labels: { app: 'stock' } },
        ingress: [{ port: tcpPort, bind: server.ip, defaultEndpoint: `127.0.0.1:${server.appPort}` }],
        egress: [{ port: tcpPort, bind: server.ip.replace(/^(127\.\d+)\.0\./, '$1.1.'), hosts: ['./*'] }],
      },
    },
    m.ns,
  );
  for (const c of config) await apply(c, m.ns);
  await m.appUp(server, 'echo');
  await m.proxyUp(server);
  await m.proxyUp(client);
  // TCP listeners only: no routes (RDS) to wait for.
  await m.synced([client, server], 60_000, ['CDS', 'LDS', 'EDS']);
  await m.ready([client, server], [{ from: client, to: server }]);
  return { client, server };
}

const authz = (name: string, app: string, rules: object[]) => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name },
  spec: { selector: { matchLabels: { app } }, action: 'ALLOW', rules },
});

const vs = (http: object[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' }, spec: { hosts: ['reviews'], http } });

describe('authorization and retry findings are predictions that hold on real Envoys', () => {
  useDataplaneTelemetry();

  it('ITS0007: requestPrincipals without a RequestAuthentication gives 403 (RBAC) even with a valid token; with one, the token gets 200', async () => {
    const m = await Mesh.create('its0007');
    try {
      const signer = new Signer('proofs-1');
      const policy = authz('reviews-require-jwt', 'reviews', [{ from: [{ source: { requestPrincipals: [`${ISSUER}/shopper`] } }] }]);
      const { client, server } = await pair(m, [policy]);
      await m.authorization(server, 'reviews-require-jwt');
      expect(await findings(m.ns, 'auth.RequestPrincipalsAnalyzer')).toEqual([`ITS0007 AuthorizationPolicy ${m.ns}/reviews-require-jwt`]);

      const withToken = (path: string, token: string, count = 3): Promise<DriveResult> =>
        m.drive(client, { host: reviews(m), path, count, headers: { authorization: `Bearer ${token}` } });
      expect((await withToken('/reviews/token', signer.token('shopper'))).codes).toEqual({ 403: 3 });
      // The server sidecar's RBAC filter denies it: no policy matched, the flag is "-".
      await waitLog(m, server, 'GET /reviews/token', /" 403 - rbac_access_denied_matched_policy\[none\] /, 3);
      await waitLog(m, client, 'GET /reviews/token', /" 403 - via_upstream /, 3);

      // The fix: a RequestAuthentication for the same workload, with the issuer's keys inline.
      await apply(
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'RequestAuthentication',
          metadata: { name: 'reviews-jwt' },
          spec: { selector: { matchLabels: { app: 'reviews' } }, jwtRules: [{ issuer: ISSUER, jwks: signer.jwks() }] },
        },
        m.ns,
      );
      expect(await findings(m.ns, 'auth.RequestPrincipalsAnalyzer')).toEqual([]);
      await waitFor('200 for a valid token once the RequestAuthentication is pushed', async () => (await withToken('/reviews/ready', signer.token('shopper'), 1)).codes[200] === 1, 60_000, 1000);
      expect((await withToken('/reviews/token', signer.token('shopper'))).codes).toEqual({ 200: 3 });
      await waitLog(m, server, 'GET /reviews/token', /" 200 - via_upstream /, 3);
      // What the page says of the fixed policy: no token is 403 from the ALLOW rule, a token the
      // issuer's keys do not verify is 401 from the JWT filter.
      expect((await m.drive(client, { host: reviews(m), path: '/reviews/none', count: 2 })).codes).toEqual({ 403: 2 });
      expect((await withToken('/reviews/forged', new Signer('proofs-1').token('shopper'), 2)).codes).toEqual({ 401: 2 });
      await waitLog(m, server, 'GET /reviews/forged', /" 401 - jwt_authn_access_denied\{Jwt_verification_fails\} /, 2);
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0008: an ALLOW rule with only HTTP fields on a TCP port never matches: every connection is closed by RBAC; an L4 rule lets it through', async () => {
    const m = await Mesh.create('its0008');
    try {
      const { client, server } = await tcpPair(m, [authz('stock-allow-get', 'stock', [{ to: [{ operation: { methods: ['GET'], paths: ['/stock/*'] } }] }])]);
      await m.authorization(server, 'stock-allow-get', 'tcp');
      expect(await findings(m.ns, 'auth.TcpPortHttpRulesAnalyzer')).toEqual([`ITS0008 AuthorizationPolicy ${m.ns}/stock-allow-get`]);

      for (let i = 0; i < 3; i++) expect(await tcpExchange(client)).toMatch(/^(closed|error: ECONNRESET)$/);
      const denied = await waitFor('3 connections denied by the server sidecar', async () => {
        const l = m.accessLogLines(server).filter((x) => x.includes('"- - -" 0 ') && x.includes('rbac_access_denied_matched_policy[none]'));
        return l.length >= 3 ? l : undefined;
      }, 30_000, 250);
      expect(denied[0]).toMatch(/"- - -" 0 - - rbac_access_denied_matched_policy\[none\] /);
      // The client sidecar took the client's 14 bytes and sent nothing back.
      await waitFor('3 empty TCP exchanges in the client sidecar log', async () => m.accessLogLines(client).filter((l) => l.includes('"- - -" 0 - - - "-" 14 0 ')).length >= 3, 30_000, 250);
      expect(Number(/^tcp\.rbac\.denied: (\d+)$/m.exec(await m.admin(server, 'stats?filter=rbac'))?.[1])).toBeGreaterThanOrEqual(3);
      // The server sidecar's TCP proxy may open the app connection before RBAC sees the first
      // bytes; nothing reaches the app.
      await waitFor('the app connections the denied ones opened have ended', async () => m.appRequests(server).length >= 3, 15_000, 250).catch(() => undefined);
      expect(m.appRequests(server).filter((r) => r !== 'echo TCP bytes=0')).toEqual([]);

      // The fix: L4 fields only (the client's mTLS identity).
      await apply(authz('stock-allow-get', 'stock', [{ from: [{ source: { principals: [`cluster.local/ns/${m.ns}/sa/productpage`] } }] }]), m.ns);
      expect(await findings(m.ns, 'auth.TcpPortHttpRulesAnalyzer')).toEqual([]);
      await waitFor('the echo answers once the L4 rule is pushed', async () => (await tcpExchange(client)) === 'echo', 60_000, 1000);
      for (let i = 0; i < 3; i++) expect(await tcpExchange(client)).toBe('echo');
      await waitFor('the app saw the echoed bytes', async () => m.appRequests(server).filter((r) => r === 'echo TCP bytes=14').length >= 3, 15_000, 250);
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0010: 4 tries of 1s under a 1.5s route timeout give 504 UT before the try that would succeed; a 5s timeout lets it answer', async () => {
    const m = await Mesh.create('its0010');
    try {
      // Each path is slow (3 s) for its first two requests, then answers at once: the third try succeeds.
      const route = (timeout: string) => vs([{ name: 'reviews-read', route: [{ destination: { host: 'reviews' } }], timeout, retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' } }]);
      const { client, server } = await pair(m, [route('1500ms')], { mode: 'slow', delayMs: 3000, first: 2 });
      await m.routes(client, 'reviews', 'route reviews-read (timeout 1.5s, 1s per try)', (rs) => rs.some((r) => r.name === 'reviews-read' && r.route?.timeout === '1.500s' && r.route?.retry_policy?.per_try_timeout === '1s'));
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([`ITS0010 VirtualService ${m.ns}/reviews`]);

      const once = (path: string) => m.drive(client, { host: reviews(m), path, count: 1, timeoutMs: 10_000 });
      for (const path of ['/reviews/bad-1', '/reviews/bad-2']) {
        expect((await once(path)).codes).toEqual({ 504: 1 });
        await waitLog(m, client, `GET ${path}`, /" 504 UT response_timeout /);
        // The route timeout ended the request during the second try: the third never ran.
        const got = m.appRequests(server).filter((r) => r.endsWith(` ${path}`));
        expect(got.length).toBeGreaterThanOrEqual(1);
        expect(got.length).toBeLessThanOrEqual(2);
        expect(got.every((r) => r.startsWith('slow '))).toBe(true);
      }

      await apply(route('5s'), m.ns);
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([]);
      let n = 0;
      const fixed = await waitFor('200 once the 5s timeout is pushed', async () => {
        const path = `/reviews/fix-${++n}`;
        return (await once(path)).codes[200] === 1 ? path : undefined;
      }, 60_000, 500);
      await waitLog(m, client, `GET ${fixed}`, /" 200 - via_upstream /);
      expect(m.appRequests(server).filter((r) => r.endsWith(` ${fixed}`))).toEqual([`slow GET ${fixed}`, `slow GET ${fixed}`, `ok GET ${fixed}`]);
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0011: POST retried on 5xx reaches the app twice while the client saw one request; retrying only before the upstream sees it, once', async () => {
    const m = await Mesh.create('its0011');
    try {
      // The app fails the first request of each path with 500 (after acting on it, as a payment
      // service whose reply timed out would), and answers 200 when the same request comes again.
      const route = (retryOn: string) =>
        vs([
          { name: 'place-order', match: [{ method: { exact: 'POST' } }], route: [{ destination: { host: 'reviews' } }], retries: { attempts: 2, retryOn } },
          { name: 'read', route: [{ destination: { host: 'reviews' } }] },
        ]);
      const { client, server } = await pair(m, [route('5xx')], { mode: '500', first: 1 });
      await m.routes(client, 'reviews', 'route place-order retrying on 5xx', (rs) => rs.some((r) => r.name === 'place-order' && String(r.route?.retry_policy?.retry_on ?? '').split(',').includes('5xx')));
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([`ITS0011 VirtualService ${m.ns}/reviews`]);

      const post = (path: string) => m.drive(client, { host: reviews(m), path, count: 1, method: 'POST' });
      const arrivals = (path: string) => m.appRequests(server).filter((r) => r.endsWith(` POST ${path}`));
      for (const path of ['/orders/bad-1', '/orders/bad-2']) {
        expect((await post(path)).codes).toEqual({ 200: 1 });
        // One request in the client sidecar's log, two at the server sidecar with the same
        // x-request-id, and the app acted twice.
        const clientLines = await waitLog(m, client, `POST ${path}`, /" 200 - via_upstream /);
        expect(clientLines).toHaveLength(1);
        const serverLines = await waitLog(m, server, `POST ${path}`, /" (500|200) - via_upstream /, 2);
        expect(serverLines).toHaveLength(2);
        const ids = serverLines.map((l) => /"([0-9a-f-]{36})"/.exec(l)?.[1]);
        expect(ids[0]).toBeDefined();
        expect(ids[1]).toBe(ids[0]);
        expect(arrivals(path)).toEqual([`500 POST ${path}`, `ok POST ${path}`]);
      }

      await apply(route('connect-failure,refused-stream,unavailable'), m.ns);
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([]);
      let n = 0;
      await waitFor('the 500 reaches the client once the new retryOn is pushed', async () => (await post(`/orders/wait-${++n}`)).codes[500] === 1, 60_000, 500);
      for (const path of ['/orders/fix-1', '/orders/fix-2']) {
        expect((await post(path)).codes).toEqual({ 500: 1 });
        await waitLog(m, server, `POST ${path}`, /" 500 - via_upstream /);
        expect(arrivals(path)).toEqual([`500 POST ${path}`]);
      }
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0022: perTryTimeout with the default retryOn ends a slow try with 504 UT upstream_per_try_timeout, never retried; retryOn gateway-error retries it and the client gets 200', async () => {
    const m = await Mesh.create('its0022');
    try {
      // Each path is slow (3 s) for its first request, then answers at once: one retry would succeed.
      // No route timeout, so only perTryTimeout ends a try.
      const route = (retryOn?: string) => vs([{ name: 'reviews-read', route: [{ destination: { host: 'reviews' } }], retries: { attempts: 2, perTryTimeout: '1s', ...(retryOn ? { retryOn } : {}) } }]);
      const { client, server } = await pair(m, [route()], { mode: 'slow', delayMs: 3000, first: 1 });
      await m.routes(client, 'reviews', 'route reviews-read (1s per try, no route timeout)', (rs) => rs.some((r) => r.name === 'reviews-read' && r.route?.retry_policy?.per_try_timeout === '1s'));
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([`ITS0022 VirtualService ${m.ns}/reviews`]);

      const once = (path: string) => m.drive(client, { host: reviews(m), path, count: 1, timeoutMs: 10_000 });
      const arrivals = (path: string) => m.appRequests(server).filter((r) => r.endsWith(` GET ${path}`));
      for (const path of ['/reviews/slow-1', '/reviews/slow-2', '/reviews/slow-3']) {
        expect((await once(path)).codes).toEqual({ 504: 1 });
        // Ended by the first try's per-try timeout (1 s), not by the app's 3 s answer.
        await waitLog(m, client, `GET ${path}`, /" 504 UT upstream_per_try_timeout /);
        // The server sidecar saw the client sidecar give up on the one try.
        await waitLog(m, server, `GET ${path}`, /" 0 DC downstream_remote_disconnect /);
        expect(arrivals(path)).toEqual([`slow GET ${path}`]);
      }

      // The fix: gateway-error retries a try that timed out (GET is idempotent: ITS0011 stays quiet).
      await apply(route('gateway-error,connect-failure,refused-stream'), m.ns);
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([]);
      let n = 0;
      await waitFor('200 once retryOn gateway-error is pushed', async () => (await once(`/reviews/wait-${++n}`)).codes[200] === 1, 60_000, 500);
      for (const path of ['/reviews/fix-1', '/reviews/fix-2', '/reviews/fix-3']) {
        expect((await once(path)).codes).toEqual({ 200: 1 });
        await waitLog(m, client, `GET ${path}`, /" 200 - via_upstream /);
        // The slow try was cut off and retried: the app saw both.
        await waitLog(m, server, `GET ${path}`, /" 0 DC downstream_remote_disconnect /);
        expect(arrivals(path)).toEqual([`slow GET ${path}`, `ok GET ${path}`]);
      }
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });
});
