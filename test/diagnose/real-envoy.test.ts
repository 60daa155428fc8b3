/**
 * The real failures of ../shared/reference/real-envoy.md ("Real failures produced through two real
 * Envoys"), one row each, on captures shaped like real Envoy 1.40 output (real-shapes.ts): the
 * verdict names the segment the fault is in, and the evidence and next steps say why. Before the
 * fixes these rows gave: healthy → client-sidecar (a false "no listener for port 9080" on the
 * `<pod IP>_9080` listener), app reset / slow app / server Envoy down → client-sidecar, and an old
 * update_rejected counter → control-plane.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureFromFiles } from '../../src/diagnose/capture.js';
import type { Diagnosis, Evidence } from '../../src/diagnose/model.js';
import { usesWorkloadCert } from '../../src/diagnose/probes/certs.js';
import { diagnose } from '../../src/diagnose/run.js';
import { renderDiagnoseTable } from '../../src/output/diagnose.js';
import { painter } from '../../src/output/paint.js';
import { expectGolden } from '../helpers/golden.js';
import { CLIENT, HOST, hostStatus, NS, OUT, SERVER, captureFiles, type Scenario } from './real-shapes.js';

const GOLDEN_DIR = path.resolve('test/diagnose/real-shapes');
const REFUSED = 'upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}';
const REFUSED_REASON = 'delayed_connect_error:_Connection_refused';
const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

const run = (s: Scenario, options: { httpPath?: string } = {}) => diagnose(captureFromFiles(captureFiles(s)), options);
const all = (d: Diagnosis): (Evidence & { shown: string })[] => d.segments.flatMap((s) => s.evidence.map((e) => ({ ...e, shown: s.name })));
const ids = (d: Diagnosis, status: Evidence['status']) => all(d).filter((e) => e.status === status).map((e) => `${e.segment} ${e.id}`);

interface Row {
  name: string;
  /** The golden's file name (test/diagnose/real-shapes/<golden>.golden.txt). */
  golden: string;
  scenario: Scenario;
  options?: { httpPath?: string };
  verdict: string;
  confidence: string;
  /** Evidence ids (segment id) that must decide or back the verdict. */
  faults: string[];
  /** Words the verdict summary must contain, and must not. */
  says?: RegExp;
  never?: RegExp;
}

const rows: Row[] = [
  {
    name: 'none: 200 on both sidecars',
    golden: 'healthy',
    scenario: { requests: times(5, { code: 200, server: { code: 200 } }) },
    verdict: 'none',
    confidence: 'high',
    faults: [],
  },
  {
    name: 'VirtualService timeout, slow app: client 504 UT response_timeout, server 0 DC downstream_remote_disconnect',
    golden: 'slow-app',
    scenario: {
      requests: times(3, { code: 504, flags: 'UT', details: 'response_timeout', duration: 1001, server: { code: 0, flags: 'DC', details: 'downstream_remote_disconnect', duration: 1000 } }),
      clientRoutes: [{ match: { prefix: '/' }, route: { cluster: OUT, timeout: '1s' }, name: 'default' }],
    },
    verdict: 'app',
    confidence: 'high',
    faults: ['server-app log.timeout-slow-app'],
    says: /slower than the route timeout/,
  },
  {
    name: 'app resets the connection: client 503 - via_upstream, server 503 UC upstream_reset_before_response_started{connection_termination}',
    golden: 'app-reset',
    scenario: { requests: times(5, { code: 503, server: { code: 503, flags: 'UC', details: 'upstream_reset_before_response_started{connection_termination}', duration: 1 } }), serverStats: { extra: ['cluster.inbound|9080||.upstream_cx_destroy_remote_with_active_rq: 5'] } },
    verdict: 'app',
    confidence: 'high',
    faults: ['server-app log.app-closed', 'server-app stats.destroy-remote'],
    says: /the app closed the connection under the request/,
    never: /keep-alive|race/,
  },
  {
    name: 'VirtualService matches only a prefix: client 404 NR route_not_found',
    golden: 'no-route',
    scenario: {
      requests: times(3, { code: 404, flags: 'NR', details: 'route_not_found', duration: 0, local: true, path: '/admin' }),
      clientRoutes: [{ match: { prefix: '/reviews' }, route: { cluster: OUT, timeout: '0s' }, name: 'reviews.dp' }],
    },
    options: { httpPath: '/admin' },
    verdict: 'client-sidecar',
    confidence: 'high',
    faults: ['client-sidecar log.no-route', 'client-sidecar path.route-missing'],
  },
  {
    name: 'DestinationRule connection pool 1/1/1, 4 concurrent: client 503 UO …{overflow}',
    golden: 'overflow',
    scenario: {
      requests: [...times(2, { code: 200, server: { code: 200 } }), ...times(3, { code: 503, flags: 'UO', details: 'upstream_reset_before_response_started{overflow}', duration: 0, local: true })],
      clientStats: { extra: [`cluster.${OUT}.upstream_rq_pending_overflow: 3`] },
    },
    verdict: 'client-sidecar',
    confidence: 'high',
    faults: ['client-sidecar log.overflow', 'client-sidecar stats.overflow'],
  },
  {
    name: 'outlier detection after a 503: client 503 UH no_healthy_upstream, /clusters failed_outlier_check',
    golden: 'outlier',
    scenario: {
      requests: [{ code: 500, server: { code: 500 } }, ...times(4, { code: 503, flags: 'UH', details: 'no_healthy_upstream', duration: 0, local: true })],
      clientHosts: [hostStatus(SERVER.ip, 9080, { cx_total: 1, rq_error: 1, rq_total: 1 }, { ejected: true })],
    },
    verdict: 'app',
    confidence: 'high',
    faults: ['server-app clusters.outlier-ejected', 'client-sidecar log.no-healthy', 'server-app log.app-error'],
  },
  {
    name: 'app process down: client 503 - via_upstream, server 503 URX,UF delayed_connect_error:_Connection_refused',
    golden: 'app-down',
    scenario: {
      requests: times(3, { code: 503, server: { code: 503, flags: 'URX,UF', details: REFUSED, reason: REFUSED_REASON, duration: 0 } }),
      serverHosts: [hostStatus('127.0.0.1', SERVER.appPort, { cx_connect_fail: 9, cx_total: 9 })],
    },
    verdict: 'app',
    confidence: 'high',
    faults: ['server-app log.app-refused', 'server-app clusters.app-connect-fail'],
    says: /the app refused the connection/,
  },
  {
    name: 'server Envoy down: client 503 URX,UF Connection_refused, no server log',
    golden: 'server-envoy-down',
    scenario: { requests: times(3, { code: 503, flags: 'URX,UF', details: REFUSED, reason: REFUSED_REASON, duration: 1 }), serverEnvoyDown: true, clientHosts: [hostStatus(SERVER.ip, 9080, { cx_connect_fail: 9, cx_total: 9 })] },
    verdict: 'server-sidecar',
    confidence: 'high',
    faults: ['server-sidecar log.connect-refused', 'server-sidecar proxy.admin-unreachable'],
  },
  {
    name: 'PeerAuthentication STRICT vs DestinationRule tls DISABLE: client 503 UC, server "- - -" 0 NR filter_chain_not_found',
    golden: 'mtls-strict-vs-disable',
    scenario: {
      requests: times(3, { code: 503, flags: 'UC', details: 'upstream_reset_before_response_started{connection_termination}', duration: 1, server: 'no-filter-chain' }),
      // With a Sidecar ingress bind the inbound listener is `<pod IP>_9080`, not virtualInbound.
      serverStats: { extra: [`listener.${SERVER.ip}_9080.no_filter_chain_match: 3`] },
      extraObjects: [
        { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'reviews', namespace: NS }, spec: { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } } },
        { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: NS }, spec: { host: 'reviews', trafficPolicy: { tls: { mode: 'DISABLE' } } } },
      ],
    },
    verdict: 'client-sidecar',
    confidence: 'high',
    faults: ['client-sidecar mtls.conflict', 'server-sidecar log.no-filter-chain', 'server-sidecar stats.inbound-tls-fail'],
  },
  {
    name: 'client gives up: DC on both sides',
    golden: 'client-gives-up',
    scenario: { requests: times(2, { code: 0, flags: 'DC', details: 'downstream_remote_disconnect', duration: 200, server: { code: 0, flags: 'DC', details: 'downstream_remote_disconnect', duration: 199 } }) },
    verdict: 'app',
    confidence: 'low',
    faults: ['client-app log.downstream-gone'],
  },
];

describe('real Envoy failure types (real-envoy.md)', () => {
  it.each(rows)('$name → $verdict', ({ golden, scenario, options, verdict, confidence, faults, says, never }) => {
    const { diagnosis, evidence } = run(scenario, options);
    // What a person reads at 3 a.m., at a fixed terminal width.
    expectGolden(path.join(GOLDEN_DIR, `${golden}.golden.txt`), renderDiagnoseTable(diagnosis, painter(false), { width: 100 }));
    const why = `${diagnosis.verdict.summary}\n${all(diagnosis).filter((e) => e.status !== 'ok').map((e) => `${e.status} ${e.segment} ${e.id}: ${e.summary}`).join('\n')}`;
    expect({ segment: diagnosis.verdict.segment, confidence: diagnosis.verdict.confidence }, why).toEqual({ segment: verdict, confidence });
    expect(ids(diagnosis, 'fault'), why).toEqual(expect.arrayContaining(faults));
    // The `<pod IP>_9080` listener is the client's outbound listener: never "missing".
    expect(evidence.map((e) => e.id)).not.toContain('path.listener-missing');
    expect(evidence.filter((e) => e.id === 'probe.failed')).toEqual([]);
    if (says) expect(diagnosis.verdict.summary).toMatch(says);
    if (never) expect(`${diagnosis.verdict.summary}\n${diagnosis.nextSteps.join('\n')}`).not.toMatch(never);
  });

  it('the client listener bound to the pod IP is found and walked to the endpoints', () => {
    const { evidence } = run(rows[0]!.scenario);
    const mine = evidence.filter((e) => e.segment === 'client-sidecar' && e.probe === 'config-path').map((e) => `${e.id}: ${e.summary}`);
    expect(mine).toEqual([
      `path.listener: ${CLIENT.name}.${NS}: listener ${CLIENT.ip}_9080 accepts port 9080`,
      `path.route: ${CLIENT.name}.${NS}: route 9080 virtual host ${HOST}:9080 matches ${HOST} → ${OUT}`,
      `path.cluster: ${CLIENT.name}.${NS}: cluster ${OUT} present (EDS)`,
      `path.endpoints: ${CLIENT.name}.${NS}: 1 of 1 endpoints of ${OUT} healthy (${SERVER.ip}:9080)`,
    ]);
  });

  it('an update_rejected counter from the past is history when istiod reports the config acked', () => {
    const { diagnosis, evidence } = run({ ...rows[0]!.scenario, clientStats: { ldsRejected: 1 } });
    expect(diagnosis.verdict).toMatchObject({ segment: 'none', confidence: 'high' });
    const e = evidence.find((x) => x.id === 'stats.update-rejected-history')!;
    expect(e.status).toBe('info');
    expect(e.summary).toBe(`${CLIENT.name}.${NS}: listener_manager.lds.update_rejected = 1 is history: Envoy rejected a LDS push since it started 21m0s before the capture, and istiod reports the current LDS config acked`);
  });

  it('the same counter with a NACK istiod reports now confirms it; without syncz its age is unknown', () => {
    const nack = run({ ...rows[0]!.scenario, clientStats: { ldsRejected: 1 }, nack: { proxy: 'client', type: 'LDS', error: 'Error adding/updating listener(s) 127.1.0.5_9080: duplicate listener' } });
    expect(nack.diagnosis.verdict).toMatchObject({ segment: 'control-plane', confidence: 'high' });
    expect(ids(nack.diagnosis, 'fault')).toEqual(expect.arrayContaining(['control-plane sync.nack', 'control-plane stats.update-rejected']));
    const unknown = run({ ...rows[0]!.scenario, clientStats: { ldsRejected: 1 }, noSyncz: true });
    // Requests passed in the window: a counter of unknown age does not make a verdict.
    expect(unknown.diagnosis.verdict.segment).toBe('none');
    expect(ids(unknown.diagnosis, 'warning')).toEqual(['control-plane stats.update-rejected-age-unknown']);
  });

  it('one "ok" line per proxy for its 17 xDS subscriptions, not seventeen names', () => {
    const { evidence } = run(rows[0]!.scenario);
    const ok = evidence.find((e) => e.id === 'stats.no-update-rejected')!;
    expect(ok.summary).toBe(`${CLIENT.name}.${NS}: 0 config updates rejected (17 xDS subscriptions: 14 EDS, 1 CDS, 1 LDS, 1 RDS)`);
  });

  it('a Warning-level analyzer finding on a segment the requests passed is a warning (‼), not a fault (✘)', () => {
    const gw = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'shop', namespace: NS }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] } };
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: NS }, spec: { hosts: [HOST], gateways: ['shop', 'mesh'], http: [{ route: [{ destination: { host: HOST } }] }] } };
    const { diagnosis } = run({ ...rows[0]!.scenario, extraObjects: [gw, vs] });
    expect(diagnosis.verdict).toMatchObject({ segment: 'none', confidence: 'high' });
    const warning = all(diagnosis).find((e) => e.id === 'analyzer.warning')!;
    expect(warning).toMatchObject({ status: 'warning', segment: 'client-sidecar' });
    expect(warning.summary).toMatch(/^IST0132 Warning: /);
    expect(diagnosis.segments.find((s) => s.name === 'client-sidecar')!.status).toBe('ok');
    expect(diagnosis.nextSteps).toEqual([]);
    const table = renderDiagnoseTable(diagnosis, painter(false), { width: 100 });
    expectGolden(path.join(GOLDEN_DIR, 'analyzer-warning.golden.txt'), table);
    expect(table).toMatch(/^✔  client-sidecar /m);
    expect(table).toMatch(/^ {19}‼ IST0132 Warning: /m);
    expect(table).not.toContain('✘');
  });

  it('a Sidecar selecting statefulset.kubernetes.io/pod-name of a pod off the path is not reported as selecting nothing', () => {
    const other = { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'ratings-0', namespace: NS }, spec: { workloadSelector: { labels: { 'statefulset.kubernetes.io/pod-name': 'ratings-0' } }, egress: [{ hosts: ['./*'] }] } };
    const { evidence } = run({ ...rows[0]!.scenario, extraObjects: [other] });
    expect(evidence.filter((e) => e.probe === 'analyzers' && e.id !== 'analyzer.clean').map((e) => e.summary)).toEqual([]);
  });

  it('"the app refused the connection" suggests the app, never NetworkPolicies', () => {
    const row = rows.find((r) => r.name.startsWith('app process down'))!;
    const { diagnosis } = run(row.scenario);
    expect(diagnosis.nextSteps.length).toBeGreaterThan(0);
    expect(diagnosis.nextSteps.join('\n')).not.toMatch(/networkpolic/i);
    expect(diagnosis.nextSteps[0]).toContain(`logs ${SERVER.name} -c ${SERVER.app}`);
  });

  it('a ServiceEntry host is a valid TO: its workloadSelector picks the server pods', () => {
    const files = captureFiles(rows[0]!.scenario);
    // No Kubernetes Service: only the ServiceEntry knows the host.
    files.delete('cluster/services.yaml');
    const meta = JSON.parse(files.get('capture.json')!) as Record<string, unknown>;
    files.set('capture.json', JSON.stringify({ ...meta, to: `${HOST}:9080` }));
    const { diagnosis, evidence } = diagnose(captureFromFiles(files));
    expect(diagnosis.verdict).toMatchObject({ segment: 'none', confidence: 'high' });
    expect(evidence.map((e) => e.id)).not.toContain('pod.service-not-found');
    expect(evidence.some((e) => e.id === 'path.endpoints')).toBe(true);
    expect(evidence.some((e) => e.id === 'log.ok' && e.segment === 'server-app')).toBe(true);
  });
});

describe('the workload certificate', () => {
  const dump = (clusters: object[]) => ({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', dynamic_active_clusters: clusters.map((cluster) => ({ cluster })) }] });
  const mtlsCluster = { name: OUT, transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: { common_tls_context: { tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: { api_config_source: { api_type: 'GRPC' } } }] } } } };

  it('is needed only when a cluster or listener references it (real Envoy with tls DISABLE never asks for it)', () => {
    expect(usesWorkloadCert(dump([mtlsCluster]))).toBe(true);
    expect(usesWorkloadCert(dump([{ name: OUT, type: 'EDS' }]))).toBe(false);
  });

  it('missing while referenced is a fault; missing while unreferenced is not', () => {
    const secrets = { '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump', dynamic_active_secrets: [] };
    const run2 = (clusters: object[]) => {
      const files = captureFiles({ requests: times(2, { code: 200, server: { code: 200 } }) });
      const d = { configs: [...dump(clusters).configs, secrets] };
      files.set(`proxies/${NS}/${CLIENT.name}/config_dump.json`, JSON.stringify(d));
      return diagnose(captureFromFiles(files)).evidence.filter((e) => e.id === 'cert.missing').map((e) => e.segment);
    };
    expect(run2([mtlsCluster])).toEqual(['client-sidecar']);
    expect(run2([{ name: OUT, type: 'EDS' }])).toEqual([]);
  });
});

describe('without the client-side log', () => {
  it('the server sidecar\'s lines alone name the app that resets or refuses, and nothing else', () => {
    const verdict = (s: Scenario) => {
      const files = captureFiles(s);
      // The client's log was rotated or not flushed when it was read: agent lines only.
      files.set(`proxies/${NS}/${CLIENT.name}/istio-proxy.log`, '2026-12-04T18:10:02.410361Z\tinfo\tads\tADS: new connection for node:1\n');
      const d = diagnose(captureFromFiles(files)).diagnosis;
      return { segment: d.verdict.segment, confidence: d.verdict.confidence, summary: d.verdict.summary };
    };
    const reset = verdict(rows.find((r) => r.golden === 'app-reset')!.scenario);
    expect(reset).toMatchObject({ segment: 'app', confidence: 'high' });
    expect(reset.summary).toContain('no client-side line to compare (5 of 5 requests)');
    expect(verdict(rows.find((r) => r.golden === 'app-down')!.scenario)).toMatchObject({ segment: 'app', confidence: 'high' });
    expect(verdict(rows.find((r) => r.golden === 'healthy')!.scenario)).toMatchObject({ segment: 'none', confidence: 'high' });
    // A DC at the server says the client side gave up, not why: no verdict from it alone.
    expect(verdict(rows.find((r) => r.golden === 'slow-app')!.scenario).segment).not.toBe('client-sidecar');
  });
});
