// The routing analyzers' findings (ITS0013–ITS0016) tested as predictions on real Envoys
// (pilot-agent + upstream Envoy per pod, istiod's mTLS, see test/harness/dataplane.sh), like
// analyzer-proofs.test.ts:
//   1. the bad configuration is applied and `istio-ts analyze -n NS` (live) reports the finding;
//   2. bounded traffic through the real client sidecar or ingress gateway fails the way the
//      finding's page says (status and response flag in the real access log; the apps' request
//      counts where the claim is about retries or which backend answers);
//   3. the fix is applied, `analyze` no longer reports it, and the same traffic succeeds.
// No proxy may NACK a push from istiod in any of them.
//
// Run alone: npx vitest run --project e2e test/e2e/dataplane/analyzer-proofs-routing.test.ts
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply, harnessEnv, kubectl, waitFor } from '../harness.js';
import { freePort, Mesh, PORT, syncz, type DriveResult, type Workload } from './mesh.js';
import { expectNoNacks, findings, useDataplaneTelemetry } from './proofs.js';

/** Access-log lines of a workload's Envoy for requests to `path…`, once `count` of them are written. */
async function logged(m: Mesh, w: Workload, path: string, count: number): Promise<string[]> {
  const lines = () => m.accessLogLines(w).filter((l) => l.includes(`"GET ${path}`));
  await waitFor(`${w.ref}: ${count} access-log lines for ${path}`, async () => lines().length >= count, 15_000, 250);
  return lines();
}

/** Exactly `n` of the access-log lines pass `test` (the lines are the message when not). */
function expectLines(lines: string[], test: (l: string) => boolean, n: number): void {
  expect(lines.filter(test).length, `access log:\n${lines.join('\n')}`).toBe(n);
}

/** Requests the workload's loopback app has served (app.mjs logs one line per request). */
function appRequests(m: Mesh, w: Workload): number {
  const f = join(harnessEnv().HARNESS_DIR!, 'dataplane', 'apps', `${m.ns}_${w.name}.log`);
  if (!existsSync(f)) return 0;
  return readFileSync(f, 'utf8').split('\n').filter((l) => / (GET|POST) \//.test(l)).length;
}

/** Resolves true when nothing accepts connections on ip:port. */
function refused(ip: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect({ host: ip, port, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      done(false);
    });
    s.once('timeout', () => {
      s.destroy();
      done(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

/**
 * A Service and the ServiceEntry that gives istiod its endpoints in the harness (standing in for the
 * EndpointSlice, as in mesh.ts), both with this targetPort. The port is named `http-web`, not like
 * the container port (`http`): istiod maps a ServiceEntry port to the pod's container port of the
 * same name, where an EndpointSlice carries the Service's targetPort as it is.
 */
const serviceWithTargetPort = (m: Mesh, name: string, targetPort: number) => [
  { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ name: 'http-web', port: PORT, targetPort }] } },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name },
    spec: { hosts: [m.host(name)], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: PORT, name: 'http-web', protocol: 'HTTP', targetPort }], workloadSelector: { labels: { app: name } } },
  },
];

const vs = (name: string, spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name }, spec });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('routing analyzer findings are predictions that hold on real Envoys', () => {
  useDataplaneTelemetry();

  it('ITS0013: an aborted request is never retried (503 FI at the client, the app never called); the failure from the app instead is retried away', async () => {
    const m = await Mesh.create('its0013');
    try {
      const client = await m.client('productpage');
      const server = await m.server('reviews');
      const host = m.host('reviews');
      const retries = { attempts: 3, retryOn: '5xx' };
      // The chaos experiment: abort every request with 503 and expect the retries to mask it.
      await apply(vs('reviews', { hosts: ['reviews'], http: [{ name: 'chaos', fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }, retries, route: [{ destination: { host: 'reviews' } }] }] }), m.ns);
      // The app fails every other request: what a retry does mask.
      await m.appUp(server, 'flaky');
      await m.proxyUp(server);
      await m.proxyUp(client);
      await m.synced([client, server]);
      await m.ready([client, server], [{ from: client, to: server }]);
      await m.routes(client, 'reviews', 'route chaos with its abort fault', (rs) => rs.some((r) => r.name === 'chaos' && JSON.stringify(r).includes('"abort"')));
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([`ITS0013 VirtualService ${m.ns}/reviews`]);

      const drive = (path: string): Promise<DriveResult> => m.drive(client, { host: `${host}:${PORT}`, path, count: 4 });
      const bad = await drive('/chaos/1');
      expect(bad.codes).toEqual({ 503: 4 });
      const badLines = await logged(m, client, '/chaos/', 4);
      expectLines(badLines, (l) => /" 503 FI fault_filter_abort /.test(l), 4);
      // The router (where retries happen) never ran: the app saw none of the requests. (Istio's
      // stats inclusion list leaves out outbound clusters' upstream_rq_retry, so the app counts.)
      expect(appRequests(m, server)).toBe(0);
      await expectNoNacks([client, server]);

      // The fix (the page's): the failure comes from the application, one hop past the caller's
      // router, and the route keeps only the retries.
      await apply(vs('reviews', { hosts: ['reviews'], http: [{ name: 'resilient', retries, route: [{ destination: { host: 'reviews' } }] }] }), m.ns);
      expect(await findings(m.ns, 'virtualservice.RetryPolicyAnalyzer')).toEqual([]);
      await waitFor('the fault filter gone from the client route', async () => !(await m.admin(client, 'config_dump?resource=dynamic_route_configs')).includes('"abort"'), 60_000, 500);
      const good = await drive('/resilient/1');
      expect(good.codes).toEqual({ 200: 4 });
      const goodLines = await logged(m, client, '/resilient/', 4);
      expectLines(goodLines, (l) => /" 200 - via_upstream /.test(l), 4);
      // Each request failed once at the app (503) and was retried once: 8 served for 4 sent.
      expect(appRequests(m, server)).toBe(8);
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0014: the older VirtualService on the gateway takes the newer one\'s path (its backend answers); one VirtualService with the specific route first sends it to its own backend', async () => {
    const m = await Mesh.create('its0014');
    try {
      const gw = await m.gateway();
      const storefront = await m.server('storefront');
      const payments = await m.server('payments');
      await apply({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public' }, spec: { selector: { istio: 'ingressgateway', scenario: m.ns }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, bind: gw.ip, hosts: ['shop.example.com'] }] } }, m.ns);
      const to = (w: Workload) => [{ destination: { host: m.host(w.name), port: { number: PORT } } }];
      const apiRoute = { name: 'api', match: [{ uri: { prefix: '/api' } }], route: to(storefront) };
      const paymentsRoute = { name: 'payments', match: [{ uri: { prefix: '/api/payments' } }], route: to(payments) };
      await apply(vs('storefront', { hosts: ['shop.example.com'], gateways: ['public'], http: [apiRoute] }), m.ns);
      // creationTimestamp has one-second resolution: the payments team's VirtualService is newer.
      await sleep(1100);
      await apply(vs('payments', { hosts: ['shop.example.com'], gateways: ['public'], http: [paymentsRoute] }), m.ns);
      await m.appUp(storefront, 'ok');
      await m.appUp(payments, 'ok');
      await m.proxyUp(storefront);
      await m.proxyUp(payments);
      await m.proxyUp(gw);
      await m.synced([gw, storefront, payments]);
      await m.ready([gw, storefront, payments], [{ from: gw, to: storefront }, { from: gw, to: payments }]);
      // Both VirtualServices merged into the gateway's routes (route configuration http.<port>.<bind>) before the first request.
      await m.configured(gw, 'routes api and payments for shop.example.com', 'routes', `http.8080.${gw.ip}`, (rc) => {
        const names = (rc.virtual_hosts ?? []).filter((v: any) => (v.domains ?? []).some((d: string) => d.startsWith('shop.example.com'))).flatMap((v: any) => (v.routes ?? []).map((r: any) => r.name));
        return names.includes('api') && names.includes('payments');
      });
      expect(await findings(m.ns, 'virtualservice.GatewayRouteOverlapAnalyzer')).toEqual([`ITS0014 VirtualService ${m.ns}/payments`]);

      const drive = (path: string): Promise<DriveResult> => m.drive(gw, { host: 'shop.example.com', port: 8080, path, count: 3 });
      const bad = await drive('/api/payments/1');
      expect(bad.codes).toEqual({ 200: 3 });
      // The gateway's access log: no response flag, via_upstream, the storefront cluster and route.
      const badLines = await logged(m, gw, '/api/payments/1', 3);
      expectLines(badLines, (l) => l.includes(`" 200 - via_upstream `) && l.includes(` outbound|${PORT}||${m.host('storefront')} `), 3);
      expect(appRequests(m, storefront)).toBe(3);
      expect(appRequests(m, payments)).toBe(0);
      await expectNoNacks([gw, storefront, payments]);

      // The fix: one VirtualService owns the host and the order, the specific route first.
      await kubectl(['delete', 'virtualservice', 'payments', '-n', m.ns, '--wait']);
      await apply(vs('storefront', { hosts: ['shop.example.com'], gateways: ['public'], http: [paymentsRoute, apiRoute] }), m.ns);
      expect(await findings(m.ns, 'virtualservice.GatewayRouteOverlapAnalyzer')).toEqual([]);
      await waitFor('payments answers /api/payments', async () => {
        const t = await drive('/api/payments/warm');
        return t.codes[200] === 3 && appRequests(m, payments) >= 3 ? t : undefined;
      }, 60_000, 1000);
      const good = await drive('/api/payments/2');
      expect(good.codes).toEqual({ 200: 3 });
      const goodLines = await logged(m, gw, '/api/payments/2', 3);
      expectLines(goodLines, (l) => l.includes(`" 200 - via_upstream `) && l.includes(` outbound|${PORT}||${m.host('payments')} `), 3);
      await expectNoNacks([gw, storefront, payments]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0015: a Service targetPort nothing listens on gives 503 UF (connection refused) at the client sidecar; the container port gives 200', async () => {
    const m = await Mesh.create('its0015');
    try {
      const client = await m.client('productpage');
      const server = await m.server('reviews');
      // The Service sends to a port the app does not listen on (the container port is 9080). A port
      // free right now, so that nothing answers on the pod IP there.
      const wrong = await waitFor('a port refused on the pod IP', async () => {
        const p = await freePort();
        return p !== PORT && (await refused(server.ip, p)) ? p : undefined;
      }, 10_000, 100);
      for (const o of serviceWithTargetPort(m, 'reviews', wrong)) await apply(o, m.ns);
      await m.appUp(server, 'ok');
      await m.proxyUp(server);
      await m.proxyUp(client);
      await m.synced([client, server]);
      await m.ready([client, server]);
      const cluster = `outbound|${PORT}||${m.host('reviews')}`;
      const endpointIs = (port: number) => waitFor(`${client.ref}: ${cluster} has ${server.ip}:${port}`, async () => (await m.admin(client, 'clusters')).includes(`${cluster}::${server.ip}:${port}::`), 60_000, 300);
      await endpointIs(wrong);
      expect(await findings(m.ns, 'service.ContainerPortAnalyzer')).toEqual([`ITS0015 Service ${m.ns}/reviews`]);

      const drive = (path: string): Promise<DriveResult> => m.drive(client, { host: `${m.host('reviews')}:${PORT}`, path, count: 3 });
      const bad = await drive('/refused/1');
      expect(bad.codes).toEqual({ 503: 3 });
      // Istio's default retry policy retries connect failures: URX,UF after the attempts.
      const badLines = await logged(m, client, '/refused/', 3);
      expectLines(badLines, (l) => /" 503 (URX,)?UF upstream_reset_before_response_started\{remote_connection_failure\|delayed_connect_error:_(111|Connection_refused)\} /.test(l) && l.includes(` ${cluster} `), 3);
      expect(appRequests(m, server)).toBe(0);
      await expectNoNacks([client, server]);

      for (const o of serviceWithTargetPort(m, 'reviews', PORT)) await apply(o, m.ns);
      expect(await findings(m.ns, 'service.ContainerPortAnalyzer')).toEqual([]);
      await endpointIs(PORT);
      const good = await drive('/fixed/1');
      expect(good.codes).toEqual({ 200: 3 });
      expectLines((await logged(m, client, '/fixed/', 3)), (l) => /" 200 - via_upstream /.test(l), 3);
      expect(appRequests(m, server)).toBe(3);
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });

  it('ITS0016: under STRICT mTLS a call to a headless Service pod IP is refused (503 UC; the server finds no filter chain); by its DNS name it works; PERMISSIVE answers the pod IP', async () => {
    const m = await Mesh.create('its0016');
    try {
      const client = await m.client('productpage');
      const server = await m.server('search');
      // A plain Kubernetes headless Service: no harness ServiceEntry, so istiod treats it as it
      // would in a cluster (ORIGINAL_DST cluster, `*.search.<ns>.svc.cluster.local` domains).
      await kubectl(['delete', 'serviceentry/search', 'service/search', '-n', m.ns, '--wait']);
      await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'search' }, spec: { clusterIP: 'None', selector: { app: 'search' }, ports: [{ name: 'http', port: PORT, targetPort: PORT }] } }, m.ns);
      await apply({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICT' } } }, m.ns);
      // In a cluster istiod sees the headless Service's endpoints (sidecar-injected pods) and gives
      // its ORIGINAL_DST cluster mTLS; the harness has no EndpointSlice for loopback pod IPs, so a
      // DestinationRule says ISTIO_MUTUAL for it. (PassthroughCluster, which pod-IP calls take, is
      // plaintext either way.)
      await apply({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'search' }, spec: { host: 'search', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } }, m.ns);
      // In a cluster, iptables hands the client sidecar the address the app connected to (the pod
      // IP) and its ORIGINAL_DST clusters (PassthroughCluster, the headless Service's) connect
      // there. With interception NONE there is no such address, so the client's ORIGINAL_DST
      // clusters read it from x-envoy-original-dst-host, which the driver sets to the pod IP.
      const originalDst = (name: string) => ({ applyTo: 'CLUSTER', match: { context: 'SIDECAR_OUTBOUND', cluster: { name } }, patch: { operation: 'MERGE', value: { original_dst_lb_config: { use_http_header: true } } } });
      await apply(
        {
          apiVersion: 'networking.istio.io/v1alpha3',
          kind: 'EnvoyFilter',
          metadata: { name: 'harness-original-dst' },
          spec: { workloadSelector: { labels: { app: 'productpage' } }, configPatches: [originalDst('PassthroughCluster'), originalDst(`outbound|${PORT}||${m.host('search')}`)] },
        },
        m.ns,
      );
      await m.appUp(server, 'ok');
      await m.proxyUp(server);
      await m.proxyUp(client);
      // ORIGINAL_DST clusters need no EDS: wait for CDS, LDS and RDS only.
      await waitFor('istiod: both proxies synced', async () => {
        const entries = await syncz();
        return [client, server].every((w) => {
          const e = entries.find((x) => x.proxy === w.ref);
          return e && ['CDS', 'LDS', 'RDS'].every((k) => e.types[k] && e.types[k]!.sent !== '' && e.types[k]!.sent === e.types[k]!.acked);
        });
      }, 60_000, 500);
      await m.ready([client, server]);
      await m.strict(server);
      await m.cluster(client, 'search', 'tls ISTIO_MUTUAL (a transport socket)', (c) => c.transport_socket !== undefined);
      await waitFor(`${client.ref}: the headless cluster reads the original destination header`, async () => (await m.admin(client, 'config_dump?resource=dynamic_active_clusters')).includes('"use_http_header": true'), 60_000, 300);
      expect(await findings(m.ns, 'service.HeadlessPortAnalyzer')).toEqual([`ITS0016 Service ${m.ns}/search`]);

      const call = (host: string, path: string): Promise<DriveResult> => m.drive(client, { host, path, count: 3, headers: { 'x-envoy-original-dst-host': `${server.ip}:${PORT}` } });
      const byIp = await call(`${server.ip}:${PORT}`, '/by-ip/1');
      expect(byIp.codes).toEqual({ 503: 3 });
      // Plaintext through PassthroughCluster; the server's STRICT listener has no plaintext chain.
      expectLines((await logged(m, client, '/by-ip/', 3)), (l) => /" 503 UC upstream_reset_before_response_started\{connection_termination\} /.test(l) && / PassthroughCluster .* allow_any$/.test(l), 3);
      await waitFor(`${server.ref}: filter_chain_not_found logged`, async () => m.accessLogLines(server).filter((l) => /" 0 NR filter_chain_not_found /.test(l)).length >= 3, 15_000, 250);
      expect(appRequests(m, server)).toBe(0);

      // The page's fix: call the pod by its DNS name; it matches the Service's virtual host and
      // goes out over mTLS through the Service's own cluster.
      const byName = await call(`${server.pod}.search.${m.ns}.svc.cluster.local:${PORT}`, '/by-name/1');
      expect(byName.codes).toEqual({ 200: 3 });
      expectLines((await logged(m, client, '/by-name/', 3)), (l) => /" 200 - via_upstream /.test(l) && l.includes(` outbound|${PORT}||${m.host('search')} `), 3);
      expect(appRequests(m, server)).toBe(3);
      await expectNoNacks([client, server]);

      // Under PERMISSIVE the same pod-IP call is answered (in plaintext), and analyze says nothing.
      await apply({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'PERMISSIVE' } } }, m.ns);
      expect(await findings(m.ns, 'service.HeadlessPortAnalyzer')).toEqual([]);
      await waitFor('200 for the pod IP under PERMISSIVE', async () => {
        const t = await call(`${server.ip}:${PORT}`, '/permissive/warm');
        return t.codes[200] === 3 ? t : undefined;
      }, 60_000, 1000);
      const permissive = await call(`${server.ip}:${PORT}`, '/permissive/1');
      expect(permissive.codes).toEqual({ 200: 3 });
      expectLines((await logged(m, client, '/permissive/1', 3)), (l) => /" 200 - via_upstream /.test(l) && / PassthroughCluster .* allow_any$/.test(l), 3);
      await expectNoNacks([client, server]);
    } finally {
      await m.cleanup();
    }
  });
});
