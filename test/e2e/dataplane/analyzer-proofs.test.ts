// istio-ts's own analyzers are predictions; here two of them are tested as such on real Envoys
// (pilot-agent + upstream Envoy per pod, istiod's mTLS, see test/harness/dataplane.sh):
//   1. the bad configuration is applied and `istio-ts analyze` (live) reports the finding;
//   2. bounded traffic through the real client sidecar fails the way the finding's page says
//      (status and response flag in the real access log);
//   3. the fix is applied, `analyze` no longer reports it, and the same traffic succeeds.
//
// Run alone: npx vitest run --project e2e test/e2e/dataplane/analyzer-proofs.test.ts
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply, harnessEnv, waitFor } from '../harness.js';
import { Mesh, PORT, type DriveResult, type Workload } from './mesh.js';
import { findings, useDataplaneTelemetry } from './proofs.js';

/**
 * The client sidecar's access-log lines for reviews: the real Envoy's stdout, as dataplane.sh writes
 * it to the CRI log that `kubectl logs -c istio-proxy` serves.
 */
async function accessLog(m: Mesh, client: Workload): Promise<string[]> {
  const f = join(harnessEnv().HARNESS_DIR!, 'dataplane', `${m.ns}_${client.pod}`, 'istio-proxy.cri.log');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('"GET /reviews/'));
}

/** Resolves once nothing listens on 127.0.0.1:port any more (the stopped app released it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      done(false);
    });
    s.once('error', () => done(true));
  });
}

async function restartApp(m: Mesh, w: Workload, mode: 'ok' | '500'): Promise<void> {
  await m.appDown(w);
  await waitFor(`app port ${w.appPort} released`, () => portFree(w.appPort!), 15_000, 100);
  await m.appUp(w, mode);
}

const drive = (m: Mesh, client: Workload, count: number): Promise<DriveResult> =>
  m.drive(client, { host: `${m.host('reviews')}:${PORT}`, path: '/reviews/1', count });

/** productpage → reviews with real proxies, after `config` is applied; resolves once routes are ready. */
async function pair(m: Mesh, config: object[]): Promise<{ client: Workload; server: Workload }> {
  const client = await m.client('productpage');
  const server = await m.server('reviews');
  for (const c of config) await apply(c, m.ns);
  await m.appUp(server, 'ok');
  await m.proxyUp(server);
  await m.proxyUp(client);
  await m.synced([client, server]);
  await m.ready([client, server], [{ from: client, to: server }]);
  return { client, server };
}

const dr = (trafficPolicy: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews' }, spec: { host: 'reviews', trafficPolicy } });

describe('analyzer findings are predictions that hold on real Envoys', () => {
  useDataplaneTelemetry();

  it('ITS0005: DestinationRule tls DISABLE towards a STRICT workload gives 503 UC; ISTIO_MUTUAL gives 200', async () => {
    const m = await Mesh.create('its0005');
    try {
      const strict = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'reviews' }, spec: { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } } };
      const { client, server } = await pair(m, [strict, dr({ tls: { mode: 'DISABLE' } })]);
      // Both halves of the conflict on the Envoys before any request (CI once got 200s here: STRICT
      // had not reached the server yet).
      await m.strict(server);
      await m.cluster(client, 'reviews', 'tls DISABLE (no transport socket)', (c) => !c.transport_socket && !c.transport_socket_matches);
      expect(await findings(m.ns, 'destinationrule.TlsModeConflictAnalyzer')).toEqual([`ITS0005 DestinationRule ${m.ns}/reviews`]);

      const bad = await drive(m, client, 3);
      expect(bad.codes).toEqual({ 503: 3 });
      await waitFor('503 UC in the client access log', async () => (await accessLog(m, client)).filter((l) => /" 503 UC upstream_reset_before_response_started\{connection_termination\}/.test(l)).length >= 3, 30_000);

      await apply(dr({ tls: { mode: 'ISTIO_MUTUAL' } }), m.ns);
      expect(await findings(m.ns, 'destinationrule.TlsModeConflictAnalyzer')).toEqual([]);
      const good = await waitFor('200 after the fix', async () => {
        const t = await drive(m, client, 3);
        return t.codes[200] === 3 ? t : undefined;
      }, 60_000, 1000);
      expect(good.codes).toEqual({ 200: 3 });
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0009: ejecting after one 5xx with maxEjectionPercent 100 turns a 2-request blip into 503 UH after the app recovered; 5 errors in a row do not', async () => {
    const m = await Mesh.create('its0009');
    try {
      const eject = (consecutive5xxErrors: number) => dr({ outlierDetection: { consecutive5xxErrors, interval: '1s', baseEjectionTime: '5m', maxEjectionPercent: 100 } });
      const { client, server } = await pair(m, [eject(1)]);
      const ejectsAfter = (n: number) => (c: any) => c.outlier_detection?.consecutive_5xx === n && c.outlier_detection?.max_ejection_percent === 100;
      await m.cluster(client, 'reviews', 'outlier detection after 1 consecutive 5xx', ejectsAfter(1));
      expect(await findings(m.ns, 'destinationrule.OutlierDetectionAnalyzer')).toEqual([`ITS0009 DestinationRule ${m.ns}/reviews`]);

      // A blip: the app answers 500 twice, then is healthy again.
      const blip = async () => {
        await restartApp(m, server, '500');
        const errors = await drive(m, client, 2);
        await restartApp(m, server, 'ok');
        return errors;
      };
      expect((await blip()).codes[500] ?? 0).toBeGreaterThanOrEqual(1);
      // The only endpoint is ejected within the 1s interval; the recovered app gets no traffic.
      const after = await waitFor('503 UH once the endpoint is ejected', async () => {
        const t = await drive(m, client, 3);
        return t.codes[503] === 3 ? t : undefined;
      }, 30_000, 1000);
      expect(after.codes).toEqual({ 503: 3 });
      expect((await accessLog(m, client)).some((l) => /" 503 UH no_healthy_upstream /.test(l))).toBe(true);

      // The fix: five errors in a row before an ejection. A new cluster config starts clean.
      await apply(eject(5), m.ns);
      expect(await findings(m.ns, 'destinationrule.OutlierDetectionAnalyzer')).toEqual([]);
      await waitFor('200 with the new outlier settings', async () => {
        const t = await drive(m, client, 1);
        return t.codes[200] === 1 ? t : undefined;
      }, 60_000, 1000);
      await m.cluster(client, 'reviews', 'outlier detection after 5 consecutive 5xx', ejectsAfter(5));
      expect((await blip()).codes[500] ?? 0).toBeGreaterThanOrEqual(1);
      // Wait past the detection interval, then the recovered app answers.
      await new Promise((r) => setTimeout(r, 2500));
      expect((await drive(m, client, 3)).codes).toEqual({ 200: 3 });
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0012: connection limits on a subset no route names never apply (no 503 UO under overload); routing to the subset makes them apply', async () => {
    const m = await Mesh.create('its0012');
    try {
      const client = await m.client('productpage');
      const server = await m.server('reviews', { version: 'v2' });
      const limits = { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } } };
      await apply({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews' }, spec: { host: 'reviews', subsets: [{ name: 'v2', labels: { version: 'v2' }, trafficPolicy: limits }] } }, m.ns);
      await m.appUp(server, 'slow', 1500);
      await m.proxyUp(server);
      await m.proxyUp(client);
      await m.synced([client, server]);
      await m.ready([client, server], [{ from: client, to: server }]);
      // The limits are on the client, on the subset's cluster only: what "never apply" is about.
      await m.cluster(client, 'reviews', 'the subset\'s connection limits (max_connections 1)', (c) => c.circuit_breakers?.thresholds?.[0]?.max_connections === 1, 'v2');
      expect(await findings(m.ns, 'destinationrule.SubsetPolicyAnalyzer')).toEqual([`ITS0012 DestinationRule ${m.ns}/reviews`]);

      const overload = () => m.drive(client, { host: `${m.host('reviews')}:${PORT}`, path: '/reviews/1', count: 8, concurrency: 8, timeoutMs: 15_000 });
      // The limits would overflow 8 concurrent 1.5s requests; unrouted, they are not there at all.
      expect((await overload()).codes).toEqual({ 200: 8 });

      await apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] } }, m.ns);
      expect(await findings(m.ns, 'destinationrule.SubsetPolicyAnalyzer')).toEqual([]);
      const limited = await waitFor('503 UO once the route names the subset', async () => {
        const t = await overload();
        return (t.codes[503] ?? 0) >= 4 ? t : undefined;
      }, 60_000, 1000);
      expect(limited.codes[200] ?? 0).toBeGreaterThanOrEqual(1);
      expect((await accessLog(m, client)).some((l) => /" 503 UO upstream_reset_before_response_started\{overflow\}/.test(l))).toBe(true);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0006: STRICT next to a pod without sidecar: its plaintext requests are reset; PERMISSIVE answers them', async () => {
    const m = await Mesh.create('its0006');
    try {
      const server = await m.server('reviews');
      await apply({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } } }, m.ns);
      // The client that opted out of injection (a batch job, say). Its requests are sent from this
      // test process, which like it has no sidecar: plaintext to the server's pod IP on loopback.
      await apply(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'stock-sync' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'stock-sync' } },
            template: { metadata: { labels: { app: 'stock-sync', 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: 'sync', image: 'example.invalid/sync:1' }] } },
          },
        },
        m.ns,
      );
      await m.appUp(server, 'ok');
      await m.proxyUp(server);
      await m.synced([server]);
      await m.ready([server]);
      await m.strict(server);
      await waitFor('pod stock-sync listed', async () => (await findings(m.ns, 'authn.StrictMtlsClientsAnalyzer')).length > 0, 30_000, 1000);
      expect(await findings(m.ns, 'authn.StrictMtlsClientsAnalyzer')).toEqual([`ITS0006 PeerAuthentication ${m.ns}/default`]);

      const plaintext = async (): Promise<string> => {
        try {
          const r = await fetch(`http://${server.ip}:${PORT}/reviews/1`, { headers: { host: `${m.host('reviews')}:${PORT}` }, signal: AbortSignal.timeout(5000) });
          await r.text();
          return String(r.status);
        } catch (e) {
          return `error: ${String((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)}`;
        }
      };
      for (let i = 0; i < 3; i++) expect(await plaintext()).toMatch(/^error: /);

      await apply({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'PERMISSIVE' } } }, m.ns);
      expect(await findings(m.ns, 'authn.StrictMtlsClientsAnalyzer')).toEqual([]);
      await waitFor('200 for the plaintext client under PERMISSIVE', async () => (await plaintext()) === '200', 60_000, 1000);
    } finally {
      await m.cleanup();
    }
  });
});
