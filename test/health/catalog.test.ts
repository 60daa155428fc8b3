// The rule catalog, its overrides, the Prometheus signals it judges, and --emit-rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CATALOG, describeThreshold, judge } from '../../src/health/catalog.js';
import { buildRuleGroups, emitRules } from '../../src/health/emit.js';
import { judgePromSignals, promQueries, withWindow, type PromAnswer } from '../../src/health/judge-prom.js';
import { parseOverrides } from '../../src/health/overrides.js';
import { parseQueryResponse } from '../../src/health/prometheus.js';

describe('catalog', () => {
  it('ids are unique, every entry says where its thresholds come from, Prometheus alerts are named once', () => {
    const ids = CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of CATALOG) {
      expect(r.origin, r.id).not.toBe('');
      expect(r.title, r.id).not.toBe('');
      if (r.alert) expect(r.source, r.id).toBe('prometheus');
      if (r.source === 'prometheus' && r.segment !== 'traffic') expect(r.alert, r.id).toBeDefined();
    }
    const alerts = CATALOG.flatMap((r) => (r.alert ? [r.alert.name] : []));
    expect(new Set(alerts).size).toBe(alerts.length);
  });

  it('edge rules say what their minimum volume counts; TCP edges have an entry per segment, like HTTP', () => {
    for (const r of CATALOG) expect(r.minRequests !== undefined, r.id).toBe(r.volume !== undefined);
    const segs = (p: RegExp) => CATALOG.filter((r) => p.test(r.id) && r.id !== 'edge.latency').map((r) => r.segment).sort();
    expect(segs(/^edge\.tcp-/)).toEqual(segs(/^edge\.(?!tcp-)/));
    for (const r of CATALOG.filter((x) => x.id.startsWith('edge.tcp-'))) {
      expect(r.query, r.id).toContain('increase(istio_tcp_connections_closed_total{');
      expect(r.query, r.id).not.toContain('istio_requests_total');
      expect(r.volume, r.id).toMatchObject({ metric: 'istio_tcp_connections_closed_total' });
    }
  });

  it('every rule is documented in docs/health.md with its id', () => {
    const doc = readFileSync('docs/health.md', 'utf8');
    for (const r of CATALOG) expect(doc, r.id).toContain(`| \`${r.id}\` | ${r.segment} | ${r.source} |`);
  });

  it.each([
    [{ bad: 'above', thresholds: { degraded: 0, fail: 0.1 } }, 0, 'OK'],
    [{ bad: 'above', thresholds: { degraded: 0, fail: 0.1 } }, 0.05, 'DEGRADED'],
    [{ bad: 'above', thresholds: { degraded: 0, fail: 0.1 } }, 0.1, 'DEGRADED'],
    [{ bad: 'above', thresholds: { degraded: 0, fail: 0.1 } }, 0.11, 'FAIL'],
    [{ bad: 'below', thresholds: { degraded: 30, fail: 0 } }, 31, 'OK'],
    [{ bad: 'below', thresholds: { degraded: 30, fail: 0 } }, 29, 'DEGRADED'],
    [{ bad: 'below', thresholds: { degraded: 30, fail: 0 } }, -1, 'FAIL'],
  ] as const)('judge %j at %d is %s', (r, v, expected) => {
    expect(judge(r, v)).toBe(expected);
  });

  it('describeThreshold speaks the unit', () => {
    expect(describeThreshold({ bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio' })).toBe('> 0% DEGRADED, > 10% FAIL');
    expect(describeThreshold({ bad: 'below', thresholds: { degraded: 30, fail: 0 }, unit: 'days' })).toBe('< 30 days DEGRADED, < 0 days FAIL');
  });
});

describe('overrides (--rules FILE)', () => {
  it('changes thresholds, minimum volume and for; null drops a threshold', () => {
    const rules = parseOverrides(CATALOG, '- id: edge.server-app\n  thresholds: {degraded: 0.01, fail: 0.05}\n  minRequests: 50\n  for: 10m\n- id: cp.istiod-replicas\n  thresholds: {degraded: null}\n', 'r.yaml');
    const app = rules.find((r) => r.id === 'edge.server-app')!;
    expect(app).toMatchObject({ thresholds: { degraded: 0.01, fail: 0.05 }, minRequests: 50, alert: { for: '10m' } });
    expect(rules.find((r) => r.id === 'cp.istiod-replicas')!.thresholds).toEqual({});
    expect(CATALOG.find((r) => r.id === 'edge.server-app')!.thresholds).toEqual({ degraded: 0, fail: 0.1 });
  });

  it.each([
    ['- id: edge.nope\n', 'r.yaml:1: unknown rule id "edge.nope"'],
    ['- id: edge.server-app\n- id: cp.xds-rejects\n  thresholds: {fail: high}\n', 'r.yaml:2: cp.xds-rejects: thresholds.fail must be a number'],
    ['- id: cp.xds-rejects\n  minRequests: 3\n', 'r.yaml:1: cp.xds-rejects: minRequests applies to edge rules only'],
    ['- id: edge.server-app\n  severity: page\n', 'r.yaml:1: unknown key "severity"'],
    ['- id: cp.istiod-replicas\n  for: 5m\n', 'r.yaml:1: cp.istiod-replicas: "for" applies to Prometheus rules only'],
    ['rules: {}\n', 'r.yaml:1: expected a list of rule overrides'],
    ['- id: [unclosed\n', 'r.yaml:1:'],
  ])('%j → %s', (text, message) => {
    expect(() => parseOverrides(CATALOG, text, 'r.yaml')).toThrow(message);
  });
});

describe('Prometheus signals of the control plane and sidecars', () => {
  const W = '5m';
  const po = { rules: CATALOG, window: W, namespace: null, istioNamespace: 'istio-system', liveCheckIds: new Set(['sidecars.connected', 'cp.root-cert-expiry', 'sidecars.cert-expiry']) };
  const q = (id: string) => withWindow(CATALOG.find((r) => r.id === id)!.query, W);
  const vec = (value: number, metric: Record<string, string> = {}) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric, value: [1764849600, String(value)] }] } });
  const empty = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });
  function answers(over: Record<string, string>, build = true): Map<string, PromAnswer> {
    const m = new Map<string, PromAnswer>();
    for (const query of promQueries(CATALOG, W)) m.set(query, { ok: true, samples: parseQueryResponse(empty, 'p') });
    if (build) m.set('count(istio_build{component="pilot"})', { ok: true, samples: parseQueryResponse(vec(1), 'p') });
    for (const [k, v] of Object.entries(over)) m.set(k, { ok: true, samples: parseQueryResponse(v, 'p') });
    return m;
  }
  const byId = (m: Map<string, PromAnswer>) => Object.fromEntries(judgePromSignals(m, po).map((c) => [c.id, c]));

  it('error series that do not exist yet read as 0 while istiod is scraped (the message says so)', () => {
    const c = byId(answers({ [q('cp.istiod-scraped')]: vec(1) }));
    expect(c['cp.xds-rejects']).toMatchObject({ verdict: 'OK', message: '0 in the last 5m (no series yet: the counter is created at the first event)' });
    expect(c['cp.convergence-p99']).toMatchObject({ verdict: 'OK' });
  });

  it('without istio_build the same absence is UNKNOWN, never OK', () => {
    const c = byId(answers({}, false));
    expect(c['cp.istiod-scraped']!.verdict).toBe('UNKNOWN');
    expect(c['cp.xds-rejects']).toMatchObject({ verdict: 'UNKNOWN', message: expect.stringMatching(/no istio_build\{component="pilot"\} series: Prometheus does not scrape istiod/) });
  });

  it('a NACK in the window is FAIL with the query as evidence; send errors DEGRADED', () => {
    const c = byId(answers({ [q('cp.istiod-scraped')]: vec(1), [q('cp.xds-rejects')]: vec(3), [q('cp.push-send-errors')]: vec(2) }));
    expect(c['cp.xds-rejects']).toMatchObject({ verdict: 'FAIL', next: 'istio-ts proxy-status', evidence: [{ source: 'prometheus', read: 'sum(increase(pilot_total_xds_rejects[5m]))', value: '3', threshold: '> 0 FAIL' }] });
    expect(c['cp.push-send-errors']!.verdict).toBe('DEGRADED');
  });

  it('absent Envoy or agent series are left to the live check that covers them (absent is not zero)', () => {
    const c = byId(answers({ [q('cp.istiod-scraped')]: vec(1) }));
    expect(c['sidecars.xds-disconnected']).toBeUndefined();
    expect(c['sidecars.cert-expiry-seconds']).toBeUndefined();
    const none = Object.fromEntries(judgePromSignals(answers({ [q('cp.istiod-scraped')]: vec(1) }), { ...po, liveCheckIds: new Set() }).map((x) => [x.id, x]));
    expect(none['sidecars.xds-disconnected']!.verdict).toBe('UNKNOWN');
    expect(none['sidecars.xds-disconnected']!.message).toMatch(/does not scrape the proxies' \/stats\/prometheus, so an absent counter cannot be read as 0/);
  });

  it('histogram_quantile NaN (nothing pushed in the window) is not a slow push', () => {
    const c = byId(answers({ [q('cp.convergence-p99')]: vec(NaN) }));
    expect(c['cp.convergence-p99']).toMatchObject({ verdict: 'OK', evidence: [{ value: 'NaN (no observations)' }] });
  });

  it('a convergence histogram with no series yet (istiod scraped, nothing ever pushed) is "no observations", not a p99 of 0 s', () => {
    const c = byId(answers({ [q('cp.istiod-scraped')]: vec(1), 'count(istio_build{component="pilot"})': vec(1) }));
    expect(c['cp.convergence-p99']).toMatchObject({ verdict: 'OK', message: 'no observations yet (the histogram has no series until the first one)', evidence: [{ value: 'absent (no observations)' }] });
  });

  it('hand-written 1.16-style answers (recorded 1.16.1 ones: test/health/recorded.test.ts): istio_build with a 1.16 tag, flat pilot_xds_pushes types, Envoy xds-grpc cluster gauge', () => {
    const c = byId(
      answers({
        [q('cp.istiod-scraped')]: vec(1, { component: 'pilot', tag: '1.16.7' }),
        [q('cp.push-send-errors')]: vec(0),
        [q('sidecars.xds-disconnected')]: vec(1),
        'count(envoy_control_plane_connected_state or on(instance) envoy_cluster_upstream_cx_active{cluster_name="xds-grpc"})': vec(4),
      }),
    );
    expect(c['cp.istiod-scraped']!.message).toBe('1 istiod instance(s) scraped');
    expect(c['sidecars.xds-disconnected']).toMatchObject({ verdict: 'FAIL', message: '1' });
  });

  it('parseQueryResponse: errors, scalars, special values', () => {
    expect(() => parseQueryResponse('<html>', 'P')).toThrow('P: the answer is not JSON');
    expect(() => parseQueryResponse('{"status":"error","errorType":"bad_data","error":"parse error at char 4"}', 'P')).toThrow('P: bad_data: parse error at char 4');
    expect(parseQueryResponse('{"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}', 'P')).toEqual([{ metric: {}, value: Infinity }]);
  });
});

describe('--emit-rules', () => {
  it('every alert it emits has a promtool test case that shows it firing (fixtures/health/rules.test.yaml)', () => {
    const emitted = buildRuleGroups(CATALOG, '5m').flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    const tests = parse(readFileSync('fixtures/health/rules.test.yaml', 'utf8')) as { rule_files: string[]; tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect([...emitted].sort()).toEqual([...firing].sort());
    expect(tests.rule_files).toEqual(['rules.yaml']);
  });

  it('one group (recordings before the alerts that read them); severity per threshold; edge ratios gated by volume', () => {
    const doc = parse(emitRules(CATALOG, '5m', 'prometheus')) as { groups: { name: string; rules: { record?: string; alert?: string; expr: string; labels?: Record<string, string> }[] }[] };
    expect(doc.groups.map((g) => g.name)).toEqual(['istio-ts-health']);
    const rules = doc.groups[0]!.rules;
    const firstAlert = rules.findIndex((r) => r.alert);
    expect(rules.slice(firstAlert).every((r) => r.alert)).toBe(true);
    const app = rules.find((r) => r.record === 'istio_ts_health:edge_server_app')!;
    expect(app.expr).toMatch(/and on \(source_workload, source_workload_namespace, destination_service, destination_service_name, destination_service_namespace\) \(sum by .*reporter="destination".*\[5m\]\)\) >= 5\)$/);
    expect(rules.find((r) => r.alert === 'IstioTsServerAppErrors')).toMatchObject({ expr: 'istio_ts_health:edge_server_app > 0.1', labels: { severity: 'critical' } });
    expect(rules.find((r) => r.alert === 'IstioTsServerAppErrorsWarning')).toMatchObject({ expr: 'istio_ts_health:edge_server_app > 0 and istio_ts_health:edge_server_app <= 0.1', labels: { severity: 'warning' } });
  });

  it('TCP edge rules: gated by the closed connections of the side the ratio divides by', () => {
    const rules = buildRuleGroups(CATALOG, '5m')[0]!.rules;
    const net = rules.find((r) => r.record === 'istio_ts_health:edge_tcp_network')!;
    expect(net.expr).toMatch(/ \/ sum by \([^)]*\) \(increase\(istio_tcp_connections_closed_total\{reporter="source"\}\[5m\]\)\)\) and on \([^)]*\) \(sum by \([^)]*\) \(increase\(istio_tcp_connections_closed_total\{reporter="source"\}\[5m\]\)\) >= 5\)$/);
    const app = rules.find((r) => r.record === 'istio_ts_health:edge_tcp_server_app')!;
    expect(app.expr).toMatch(/increase\(istio_tcp_connections_closed_total\{reporter="destination"\}\[5m\]\)\) >= 5\)$/);
    expect(rules.find((r) => r.alert === 'IstioTsTcpGatewayErrors')!.annotations!.description).toMatch(/Next: istio-ts diagnose ingress \{\{ \$labels.destination_service_name \}\}\.\{\{ \$labels.destination_service_namespace \}\} --via \{\{ \$labels.source_workload \}\}/);
    expect(rules.filter((r) => r.alert?.startsWith('IstioTsTcp')).map((r) => r.alert)).toHaveLength(10);
  });

  it('the window and overrides flow into the rules; prometheus-operator wraps them in a PrometheusRule', () => {
    const rules = parseOverrides(CATALOG, '- id: edge.server-app\n  thresholds: {fail: 0.05}\n', 'o.yaml');
    const doc = parse(emitRules(rules, '10m', 'prometheus-operator')) as { apiVersion: string; kind: string; spec: { groups: { rules: { alert?: string; expr: string }[] }[] } };
    expect(doc).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' });
    const all = doc.spec.groups[0]!.rules;
    expect(all.find((r) => r.alert === 'IstioTsServerAppErrors')!.expr).toBe('istio_ts_health:edge_server_app > 0.05');
    expect(all.every((r) => !r.expr.includes('[5m]'))).toBe(true);
  });
});

describe('httpProm', () => {
  it('credentials in the URL go as basic auth and are never printed; HTTP statuses map to causes', async () => {
    const { httpProm } = await import('../../src/health/prometheus.js');
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const answers = [200, 401, 403, 404, 503];
    let i = 0;
    const p = httpProm('https://ops:s3cret@prom.example/', {
      timeoutMs: 1000,
      fetch: async (url, init) => {
        seen.push({ url, headers: init.headers });
        const status = answers[i++]!;
        return { status, text: async () => (status === 200 ? '{"status":"success","data":{"resultType":"vector","result":[]}}' : 'no') };
      },
    });
    expect(p.description).toBe('https://prom.example');
    expect(await p.query('up', new Date(1_000_000))).toEqual([]);
    expect(seen[0]!.url).toBe('https://prom.example/api/v1/query?query=up&time=1000.000');
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ops:s3cret').toString('base64')}`);
    await expect(p.query('up', new Date())).rejects.toMatchObject({ kind: 'unauthorized', message: 'Prometheus https://prom.example: unauthorized (HTTP 401)' });
    await expect(p.query('up', new Date())).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(p.query('up', new Date())).rejects.toMatchObject({ kind: 'not found' });
    await expect(p.query('up', new Date())).rejects.toMatchObject({ kind: 'bad response', message: expect.stringContaining('HTTP 503') });
  });

  it('a server that never answers is "timed out", a closed port "unreachable"', async () => {
    const { httpProm } = await import('../../src/health/prometheus.js');
    const slow = httpProm('http://127.0.0.1:9', { timeoutMs: 50, fetch: (_u, init) => new Promise((_r, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason))) });
    await expect(slow.query('up', new Date())).rejects.toMatchObject({ kind: 'timed out', message: 'Prometheus http://127.0.0.1:9: timed out after 0.05s' });
    const closed = httpProm('http://127.0.0.1:1', { timeoutMs: 2000 });
    await expect(closed.query('up', new Date())).rejects.toMatchObject({ kind: 'unreachable' });
  });
});
