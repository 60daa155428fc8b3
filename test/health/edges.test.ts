// Traffic edges: both reporters of istio_requests_total joined per edge, a failure placed on one
// segment. Samples are in the Prometheus HTTP API's vector form.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/health/catalog.js';
import { parseOverrides } from '../../src/health/overrides.js';
import { edgeRows, judgeEdges } from '../../src/health/edges.js';
import { EDGE_QUERY, judgeTraffic, type PromAnswer } from '../../src/health/judge-prom.js';
import { parseQueryResponse, type PromSample } from '../../src/health/prometheus.js';

type Row = [reporter: string, src: string, dst: string, code: string, flags: string, count: number];
const sample = ([reporter, src, dst, code, flags, count]: Row, sns = 'shop'): PromSample => ({
  metric: { reporter, source_workload: src, source_workload_namespace: sns, destination_service_name: dst, destination_service_namespace: 'shop', response_code: code, response_flags: flags },
  value: count,
});
const opts = { rules: CATALOG, namespace: null, window: '5m', query: 'Q', latencyQuery: 'L', problems: { noReporter: false, noFlags: false } };
/** edge → [client-side, network, server-sidecar, server-app] verdicts. */
function verdicts(rows: Row[], sns = 'shop'): Record<string, string[]> {
  const { rows: r } = edgeRows(rows.map((x) => sample(x, sns)), []);
  const segs = judgeEdges(r, new Map(), opts);
  const out: Record<string, string[]> = {};
  for (const s of segs) (out[s.scope] ??= []).push(`${s.kind}=${s.verdict}`);
  return out;
}

describe('judgeEdges: where a failure lands', () => {
  it.each<[string, Row[], string[]]>([
    ['healthy: both reporters, all 200', [['source', 'web', 'cart', '200', '-', 100], ['destination', 'web', 'cart', '200', '-', 100]], ['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=OK']],
    ['5xx from the app: destination 500 with no flag', [['source', 'web', 'cart', '200', '-', 60], ['source', 'web', 'cart', '500', '-', 40], ['destination', 'web', 'cart', '200', '-', 60], ['destination', 'web', 'cart', '500', '-', 40]], ['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=FAIL']],
    ['app not listening: destination UF 503 is the server app, not the network', [['source', 'web', 'cart', '503', 'URX', 50], ['source', 'web', 'cart', '200', '-', 50], ['destination', 'web', 'cart', '503', 'UF', 50], ['destination', 'web', 'cart', '200', '-', 50]], ['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=FAIL']],
    ['UF at the source without any destination series: network', [['source', 'web', 'cart', '503', 'UF', 30]], ['client-sidecar=OK', 'network=FAIL', 'server-sidecar=UNKNOWN', 'server-app=UNKNOWN']],
    ['UF at the source beyond what the destination saw: network', [['source', 'web', 'cart', '200', '-', 90], ['source', 'web', 'cart', '503', 'UF', 10], ['destination', 'web', 'cart', '200', '-', 90]], ['client-sidecar=OK', 'network=DEGRADED', 'server-sidecar=OK', 'server-app=OK']],
    ['no healthy upstream (UH) is the client sidecar', [['source', 'web', 'cart', '503', 'UH', 20], ['source', 'web', 'cart', '200', '-', 80], ['destination', 'web', 'cart', '200', '-', 80]], ['client-sidecar=FAIL', 'network=OK', 'server-sidecar=OK', 'server-app=OK']],
    ['server sidecar reset (UC) on the destination side', [['source', 'web', 'cart', '503', '-', 20], ['source', 'web', 'cart', '200', '-', 80], ['destination', 'web', 'cart', '503', 'UC', 20], ['destination', 'web', 'cart', '200', '-', 80]], ['client-sidecar=OK', 'network=OK', 'server-sidecar=FAIL', 'server-app=OK']],
    ['fewer requests than the minimum volume: UNKNOWN, not OK', [['source', 'web', 'cart', '500', '-', 2], ['destination', 'web', 'cart', '500', '-', 2]], ['client-sidecar=UNKNOWN', 'network=UNKNOWN', 'server-sidecar=UNKNOWN', 'server-app=UNKNOWN']],
    ['only the destination reports (client outside the mesh)', [['destination', 'unknown', 'cart', '200', '-', 50]], ['client-sidecar=UNKNOWN', 'network=UNKNOWN', 'server-sidecar=OK', 'server-app=OK']],
  ])('%s', (_n, rows, expected) => {
    const v = verdicts(rows);
    expect(Object.values(v)).toEqual([expected]);
  });

  it('NR at the gateway: the gateway segment fails, the server side was never reached', () => {
    const v = verdicts([['source', 'istio-ingressgateway', 'cart', '404', 'NR', 40], ['source', 'istio-ingressgateway', 'cart', '200', '-', 60], ['destination', 'istio-ingressgateway', 'cart', '200', '-', 60]], 'istio-system');
    expect(v['istio-ingressgateway.istio-system → cart.shop']).toEqual(['gateway=FAIL', 'network=OK', 'server-sidecar=OK', 'server-app=OK']);
    const { rows } = edgeRows([sample(['source', 'istio-ingressgateway', 'cart', '404', 'NR', 40], 'istio-system')], []);
    const segs = judgeEdges(rows, new Map(), opts);
    const gw = segs.find((s) => s.kind === 'gateway')!;
    expect(gw.checks[0]).toMatchObject({ verdict: 'FAIL', message: '40 of 40 requests (100%) answered by the gateway itself (NR 404)', next: 'istio-ts diagnose ingress cart.shop --via istio-ingressgateway.istio-system' });
    expect(segs.find((s) => s.kind === 'server-app')!.checks[0]!.message).toMatch(/did not reach the server \(see gateway\)/);
  });

  it('evidence carries the query, the window, the value and the threshold; next is diagnose FROM TO', () => {
    const { rows } = edgeRows([sample(['source', 'web', 'cart', '500', '-', 40]), sample(['source', 'web', 'cart', '200', '-', 60]), sample(['destination', 'web', 'cart', '500', '-', 40]), sample(['destination', 'web', 'cart', '200', '-', 60])], []);
    const app = judgeEdges(rows, new Map(), opts).find((s) => s.kind === 'server-app')!.checks[0]!;
    expect(app).toMatchObject({ verdict: 'FAIL', message: '40 of 100 requests (40%) answered 500 by the app', next: 'istio-ts diagnose deploy/web.shop cart.shop' });
    expect(app.evidence[0]).toEqual({ source: 'prometheus', read: 'Q (window 5m)', value: '40%', threshold: '> 0% DEGRADED, > 10% FAIL; judged from 5 requests' });
  });

  it('-n keeps the edges whose source or destination is in the namespace', () => {
    const { rows } = edgeRows([sample(['source', 'web', 'cart', '200', '-', 10]), sample(['source', 'a', 'b', '200', '-', 10], 'other')], []);
    const scopes = new Set(judgeEdges(rows, new Map(), { ...opts, namespace: 'other' }).map((s) => s.scope));
    expect([...scopes]).toEqual(['a.other → b.shop']);
  });

  it('TCP connections closed with UF are their own edge', () => {
    const tcp: PromSample[] = [{ metric: { reporter: 'source', source_workload: 'web', source_workload_namespace: 'shop', destination_service_name: 'db', destination_service_namespace: 'shop', response_flags: 'UF' }, value: 12 }];
    const { rows } = edgeRows([], tcp);
    const segs = judgeEdges(rows, new Map(), opts);
    expect(segs.find((s) => s.kind === 'network')).toMatchObject({ scope: 'web.shop → db.shop (tcp)', verdict: 'FAIL' });
  });

  // As the mesh exporter's real TCP hops report them: no response_code on istio_tcp_* series.
  const tcpRow = (reporter: string, flags: string, value: number): PromSample => ({ metric: { reporter, source_workload: 'web', source_workload_namespace: 'shop', destination_service_name: 'db', destination_service_namespace: 'shop', response_flags: flags }, value });
  const tcpOpts = { ...opts, tcpQuery: 'TCPQ' };

  it('a healthy TCP edge is OK on every segment, with the TCP query as evidence', () => {
    const { rows } = edgeRows([], [tcpRow('source', '-', 40), tcpRow('destination', '-', 40)]);
    const segs = judgeEdges(rows, new Map(), tcpOpts);
    expect(segs.map((s) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=OK']);
    expect(segs[3]!.checks[0]!.message).toBe('40 connections, none refused by the app port (UF/URX on the server side: the app is not listening)');
    expect(segs[3]!.checks[0]!.evidence[0]!.read).toBe('TCPQ (window 5m)');
  });

  it('a TCP app that refuses (UF on the destination side, no code) is the server app, not the network', () => {
    const { rows } = edgeRows([], [tcpRow('source', '-', 40), tcpRow('destination', 'UF', 40)]);
    const segs = judgeEdges(rows, new Map(), tcpOpts);
    expect(segs.map((s) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=FAIL']);
    expect(segs[3]!.checks[0]!.message).toMatch(/^40 of 40 connections \(100%\) refused by the app port/);
  });

  it('TCP UF on the source side matched by UF the server side reported is not the network', () => {
    const { rows } = edgeRows([], [tcpRow('source', 'UF', 40), tcpRow('destination', 'UF', 40)]);
    const segs = judgeEdges(rows, new Map(), tcpOpts);
    expect(segs.map((s) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=FAIL']);
  });

  it('TCP edges are judged by the edge.tcp-* catalog entries (ids, thresholds, minimum volume)', () => {
    const { rows } = edgeRows([], [tcpRow('source', '-', 95), tcpRow('source', 'UF', 5), tcpRow('destination', '-', 95)]);
    const segs = judgeEdges(rows, new Map(), tcpOpts);
    expect(segs.map((s) => s.checks[0]!.id)).toEqual(['edge.tcp-client-sidecar', 'edge.tcp-network', 'edge.tcp-server-sidecar', 'edge.tcp-server-app']);
    const net = segs[1]!.checks[0]!;
    expect(net).toMatchObject({ verdict: 'DEGRADED', message: '5 of 100 connections (5%) failed upstream (UF) beyond the 0 flagged connections the server side reported', next: 'istio-ts diagnose deploy/web.shop db.shop' });
    expect(net.evidence[0]!.threshold).toBe('> 0% DEGRADED, > 10% FAIL; judged from 5 connections');
    // An override of the TCP entry moves the TCP verdict and leaves HTTP edges alone.
    const rules = parseOverrides(CATALOG, '- id: edge.tcp-network\n  thresholds: {degraded: 0.1, fail: 0.2}\n  minRequests: 200\n', 'o.yaml');
    const quiet = judgeEdges(rows, new Map(), { ...tcpOpts, rules });
    expect(quiet[1]!.checks[0]).toMatchObject({ verdict: 'UNKNOWN', message: 'only 100 connections in 5m: fewer than 200 to judge' });
    const tolerant = parseOverrides(CATALOG, '- id: edge.tcp-network\n  thresholds: {degraded: 0.1, fail: 0.2}\n', 'o.yaml');
    expect(judgeEdges(rows, new Map(), { ...tcpOpts, rules: tolerant })[1]!.verdict).toBe('OK');
    const http = edgeRows([sample(['source', 'web', 'cart', '200', '-', 95]), sample(['source', 'web', 'cart', '503', 'UF', 5]), sample(['destination', 'web', 'cart', '200', '-', 95])], []).rows;
    expect(judgeEdges(http, new Map(), { ...tcpOpts, rules: tolerant }).find((s) => s.kind === 'network')!.checks[0]).toMatchObject({ id: 'edge.network', verdict: 'DEGRADED' });
  });

  it('TCP: the client sidecar closing connections itself (UH) and a gateway with no route (NR) are their own segments', () => {
    const { rows } = edgeRows([], [tcpRow('source', 'UH', 20), tcpRow('source', '-', 80), tcpRow('destination', '-', 80)]);
    const segs = judgeEdges(rows, new Map(), tcpOpts);
    expect(segs[0]!.checks[0]).toMatchObject({ id: 'edge.tcp-client-sidecar', verdict: 'FAIL', message: '20 of 100 connections (20%) closed by the client sidecar itself (UH)' });
    const gw = (reporter: string, flags: string, value: number): PromSample => ({ metric: { ...tcpRow(reporter, flags, value).metric, source_workload: 'istio-ingressgateway', source_workload_namespace: 'istio-system' }, value });
    const g = judgeEdges(edgeRows([], [gw('source', 'NR', 10)]).rows, new Map(), tcpOpts);
    expect(g.map((s) => `${s.kind}=${s.verdict}`)).toEqual(['gateway=FAIL', 'network=OK', 'server-sidecar=UNKNOWN', 'server-app=UNKNOWN']);
    expect(g[0]!.checks[0]).toMatchObject({ id: 'edge.tcp-gateway', next: 'istio-ts diagnose ingress db.shop --via istio-ingressgateway.istio-system' });
  });

  it('TCP: a server sidecar that resets (UC on the destination side) is the server sidecar; fewer than 5 connections is UNKNOWN', () => {
    const { rows } = edgeRows([], [tcpRow('source', '-', 50), tcpRow('destination', 'UC', 10), tcpRow('destination', '-', 40)]);
    const segs = judgeEdges(rows, new Map(), tcpOpts);
    expect(segs.map((s) => `${s.checks[0]!.id}=${s.verdict}`)).toEqual(['edge.tcp-client-sidecar=OK', 'edge.tcp-network=OK', 'edge.tcp-server-sidecar=FAIL', 'edge.tcp-server-app=OK']);
    const few = judgeEdges(edgeRows([], [tcpRow('source', 'UF', 4)]).rows, new Map(), tcpOpts);
    expect(few.map((s) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=UNKNOWN', 'network=UNKNOWN', 'server-sidecar=UNKNOWN', 'server-app=UNKNOWN']);
  });
});

describe('judgeTraffic: labels and absence', () => {
  const po = { rules: CATALOG, window: '5m', namespace: null, istioNamespace: 'istio-system', liveCheckIds: new Set<string>() };
  const answers = (samples: PromSample[]) => new Map<string, PromAnswer>([[EDGE_QUERY('5m'), { ok: true, samples }]]);

  it('no series at all is UNKNOWN, never OK', () => {
    const [traffic, ...edges] = judgeTraffic(answers([]), po);
    expect(traffic).toMatchObject({ kind: 'traffic', verdict: 'UNKNOWN' });
    expect(traffic!.checks[0]!.message).toMatch(/^no istio_requests_total series in the last 5m/);
    expect(edges).toEqual([]);
  });

  it('a Prometheus that drops the reporter label is said so (UNKNOWN), with no edge verdicts', () => {
    const s = sample(['source', 'web', 'cart', '200', '-', 10]);
    const { reporter: _r, ...metric } = s.metric;
    const segs = judgeTraffic(answers([{ metric, value: 10 }]), po);
    expect(segs).toHaveLength(1);
    expect(segs[0]!.checks[0]!.message).toMatch(/no reporter label/);
  });

  it('a Prometheus that drops response_flags: the split segments are UNKNOWN, 5xx still judged', () => {
    const strip = (s: PromSample) => {
      const { response_flags: _f, ...metric } = s.metric;
      return { metric, value: s.value };
    };
    const segs = judgeTraffic(answers([strip(sample(['source', 'web', 'cart', '500', '-', 50])), strip(sample(['destination', 'web', 'cart', '500', '-', 50]))]), po);
    expect(segs[0]!.checks[0]!.message).toMatch(/no response_flags label/);
    expect(segs.filter((s) => s.kind !== 'traffic').map((s) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=UNKNOWN', 'network=UNKNOWN', 'server-sidecar=UNKNOWN', 'server-app=FAIL']);
  });

  it('coverage: an injected workload without series is UNKNOWN (idle or not scraped)', () => {
    const segs = judgeTraffic(answers([sample(['source', 'web', 'cart', '200', '-', 10]), sample(['destination', 'web', 'cart', '200', '-', 10])]), { ...po, workloads: ['cart.shop', 'web.shop', 'worker.shop'] });
    expect(segs[0]!.checks[1]).toMatchObject({ id: 'traffic.coverage', verdict: 'UNKNOWN', message: '1 of 3 injected workloads have no request metrics in the last 5m (idle, or not scraped): worker.shop' });
  });

  it('coverage with no injected workload in scope is left out, not a vacuous "all 0" OK', () => {
    const segs = judgeTraffic(answers([sample(['source', 'web', 'cart', '200', '-', 10]), sample(['destination', 'web', 'cart', '200', '-', 10])]), { ...po, workloads: [] });
    expect(segs[0]!.checks.map((c) => c.id)).toEqual(['traffic.series']);
  });

  it('a failed query is UNKNOWN with the cause', () => {
    const segs = judgeTraffic(new Map([[EDGE_QUERY('5m'), { ok: false, error: 'Prometheus http://127.0.0.1:1: unreachable: connect ECONNREFUSED 127.0.0.1:1' }]]), po);
    expect(segs[0]!.checks[0]).toMatchObject({ verdict: 'UNKNOWN', message: 'Prometheus http://127.0.0.1:1: unreachable: connect ECONNREFUSED 127.0.0.1:1' });
  });
});

describe('recorded answers of a real Prometheus (2.42) scraping the harness istiod and the mesh exporter', () => {
  const rec = (f: string) => parseQueryResponse(readFileSync(`fixtures/health/prometheus/${f}.json`, 'utf8'), f);
  it('web → cart whose app answers 500: server-app FAIL, the other segments OK, coverage complete', () => {
    const answers = new Map<string, PromAnswer>([[EDGE_QUERY('1m'), { ok: true, samples: rec('current-edges') }]]);
    const segs = judgeTraffic(answers, { rules: CATALOG, window: '1m', namespace: 'shop', istioNamespace: 'istio-system', liveCheckIds: new Set(), workloads: ['cart.shop', 'web.shop'] });
    expect(segs.map((s) => `${s.kind} ${s.scope}=${s.verdict}`)).toEqual(['traffic shop=OK', 'client-sidecar web.shop → cart.shop=OK', 'network web.shop → cart.shop=OK', 'server-sidecar web.shop → cart.shop=OK', 'server-app web.shop → cart.shop=FAIL']);
    expect(segs[4]!.checks[0]!.message).toMatch(/^\d+ of \d+ requests \(100%\) answered 500 by the app$/);
  });
  it('istio_build and the root certificate gauge as the harness istiod exports them', () => {
    expect(rec('current-istio-build-raw')[0]!.metric).toMatchObject({ __name__: 'istio_build', component: 'pilot', tag: expect.stringMatching(/^1\.\d+/) });
    expect(rec('current-root-cert')[0]!.value).toBeGreaterThan(86400 * 3000);
  });
});
