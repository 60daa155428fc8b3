import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClustersJson } from '../../src/envoy/host-status.js';
import { levelChangePaths, LogLevelError, parseLevelArg, parseLogging } from '../../src/envoy/logging.js';
import { filterPrometheus, filterStats, parseStats, summarizeStats } from '../../src/envoy/stats.js';

const fx = (f: string) => readFileSync(`fixtures/envoy/sidecar/${f}`, 'utf8');

describe('stats parsing', () => {
  it('reads counters as numbers and histograms as text', () => {
    const stats = parseStats(fx('stats-default.txt'));
    expect(stats.find((s) => s.name === 'server.uptime')?.value).toBe(86113);
    expect(String(stats.find((s) => s.name === 'cluster.xds-grpc.upstream_cx_length_ms')?.value)).toMatch(/^P0\(nan/);
  });
  it('reads ?format=json', () => {
    expect(parseStats('{"stats":[{"name":"server.live","value":1},{"histograms":{"supported_quantiles":[]}}]}')).toEqual([
      { name: 'server.live', value: 1 },
      { name: 'histograms', value: '{"supported_quantiles":[]}' },
    ]);
  });
  it('filters by regexp', () => {
    expect(filterStats(parseStats(fx('stats-default.txt')), /update_rejected/).map((s) => s.name)).toEqual(['cluster_manager.cds.update_rejected', 'listener_manager.lds.update_rejected']);
  });
  it('filters Prometheus text with its HELP/TYPE lines', () => {
    const prom = '# TYPE envoy_server_live gauge\nenvoy_server_live{} 1\n# TYPE envoy_server_uptime gauge\nenvoy_server_uptime{} 5\n';
    expect(filterPrometheus(prom, /live/)).toBe('# TYPE envoy_server_live gauge\nenvoy_server_live{} 1\n');
  });
});

describe('summary', () => {
  const clusters = parseClustersJson(fx('clusters.json'));
  it('on a default install: per-cluster counters absent, /clusters host counters used', () => {
    const s = summarizeStats(parseStats(fx('stats-default.txt')), clusters);
    expect(s.trimmed).toBe(true);
    expect(s.absent).toContain('upstream_rq_5xx');
    const reviews = s.clusters.find((c) => c.cluster === 'outbound|9080||reviews.bookinfo.svc.cluster.local')!;
    expect(reviews.counters.upstream_rq_5xx).toBeNull();
    expect(reviews.hosts).toEqual({ total: 3, healthy: 1, cxConnectFail: 17, rqError: 42, rqTimeout: 5, rqTotal: 540 });
    expect(s.clusters.map((c) => c.cluster)).not.toContain('xds-grpc');
  });
  it('with proxyStatsMatcher: counters per cluster, split at the counter suffix', () => {
    const s = summarizeStats(parseStats(fx('stats-matcher.txt')), undefined);
    expect(s.trimmed).toBe(false);
    expect(s.absent).toEqual([]);
    const reviews = s.clusters.find((c) => c.cluster === 'outbound|9080||reviews.bookinfo.svc.cluster.local')!;
    expect(reviews.counters).toMatchObject({ upstream_cx_connect_fail: 17, upstream_rq_5xx: 42, upstream_rq_pending_overflow: 3, 'outlier_detection.ejections_active': 1, membership_healthy: 2, membership_total: 3 });
    const details = s.clusters.find((c) => c.cluster === 'outbound|9080||details.bookinfo.svc.cluster.local')!;
    expect(details.counters['outlier_detection.ejections_active']).toBeNull();
  });
});

describe('log levels', () => {
  const known = new Set(parseLogging(fx('logging.txt')).keys());
  it('parses the /logging answer', () => expect(parseLogging(fx('logging.txt')).get('misc')).toBe('error'));
  // Messages match istioctl's proxy-config log tests.
  it.each([
    ['xxx', 'unrecognized logging level: xxx'],
    ['xxx:debug', 'unrecognized logger name: xxx'],
    ['http:yyy', 'unrecognized logging level: yyy'],
    ['xxx:yyy', 'unrecognized logger name: xxx'],
  ])('rejects %s', (arg, msg) => {
    expect(() => parseLevelArg(arg, known)).toThrow(LogLevelError);
    expect(() => parseLevelArg(arg, known)).toThrow(msg);
  });
  it.each([
    ['debug', ['logging?level=debug']],
    ['warn', ['logging?level=warning']],
    ['http:debug,rbac:trace', ['logging?http=debug', 'logging?rbac=trace']],
  ])('%s → %j', (arg, paths) => expect(levelChangePaths(parseLevelArg(arg, known))).toEqual(paths));
});
