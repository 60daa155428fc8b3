// health's parsers and judges on recorded answers of old Istio releases
// (fixtures/health/recorded/README.md names each source).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/health/catalog.js';
import type { ClusterSnapshot, Read } from '../../src/health/collect.js';
import { judgeControlPlane } from '../../src/health/judge-cluster.js';
import { judgePromSignals, promQueries, type PromAnswer } from '../../src/health/judge-prom.js';
import { parseQueryResponse } from '../../src/health/prometheus.js';
import { mergeSyncz, parseSyncz } from '../../src/envoy/syncz.js';

const DIR = 'fixtures/health/recorded';

describe('istiod 1.16.1 /metrics, as Prometheus 2.42 answers health\'s queries over it', () => {
  const rec = JSON.parse(readFileSync(`${DIR}/istiod-1.16.1-prometheus-answers.json`, 'utf8')) as { prometheus: string; time: number; answers: Record<string, unknown> };
  const answers = new Map<string, PromAnswer>(Object.entries(rec.answers).map(([q, body]) => [q, { ok: true, samples: parseQueryResponse(JSON.stringify(body), 'recorded') }]));
  const checks = Object.fromEntries(judgePromSignals(answers, { rules: CATALOG, window: '5m', namespace: null, istioNamespace: 'istio-system', liveCheckIds: new Set() }).map((c) => [c.id, c]));

  it('the recording answers every control-plane and sidecar query the catalog asks today (re-record when a query changes)', () => {
    const asked = promQueries(CATALOG, '5m').filter((q) => !/istio_requests_total|istio_tcp_|istio_request_duration/.test(q));
    expect(Object.keys(rec.answers).sort()).toEqual(asked.sort());
    expect(rec.prometheus).toMatch(/^2\.42\./);
  });

  it('the recorded text is 1.16.1 istiod\'s', () => {
    const text = readFileSync(`${DIR}/istiod-1.16.1-metrics.txt`, 'utf8');
    expect(text).toContain('istio_build{component="pilot",tag="1.16.1"} 1');
    expect(text).toContain('pilot_xds{version="1.16.1"} 4');
  });

  it('istiod scraped; error counters 1.16.1 had not created yet read as 0 (istio_build present), never as absent-is-fine', () => {
    expect(checks['cp.istiod-scraped']).toMatchObject({ verdict: 'OK', message: '1 istiod instance(s) scraped' });
    for (const id of ['cp.xds-rejects', 'cp.push-send-errors', 'cp.xds-internal-errors', 'cp.injection-failures', 'cp.csr-sign-errors']) {
      expect(checks[id], id).toMatchObject({ verdict: 'OK', message: '0 in the last 5m (no series yet: the counter is created at the first event)' });
    }
    // pilot_vservice_dup_domain 0 is a real series: the value is read, not assumed.
    expect(checks['cp.config-conflicts']).toMatchObject({ verdict: 'OK', message: '0', evidence: [{ value: '0' }] });
  });

  it('the 1.16.1 root certificate gauge (citadel_server_root_cert_expiry_timestamp 1.988253473e+09) is judged in days left', () => {
    const days = Math.floor((1.988253473e9 - rec.time) / 86400);
    expect(checks['cp.root-cert-expiry-seconds']).toMatchObject({ verdict: 'OK', message: `${days} days left` });
  });

  it('no Envoy series in an istiod-only scrape: the proxies\' signals are UNKNOWN, not 0', () => {
    expect(checks['sidecars.xds-disconnected']).toMatchObject({ verdict: 'UNKNOWN', message: expect.stringMatching(/does not scrape the proxies' \/stats\/prometheus/) });
    expect(checks['sidecars.cert-expiry-seconds']).toMatchObject({ verdict: 'UNKNOWN', message: 'no series for min(istio_agent_cert_expiry_seconds)' });
  });
});

describe('/debug/syncz in the flat SyncStatus shape, recorded from a 1.14-dev istiod (istio/istio#38165)', () => {
  const text = readFileSync(`${DIR}/syncz-1.14-dev-istio-pr38165.json`, 'utf8');
  const proxies = mergeSyncz([parseSyncz(text, 'istiod-a')]);

  it('parses the proxy, its version and the four nonce pairs as SYNCED', () => {
    expect(proxies).toHaveLength(1);
    const p = proxies[0]!;
    expect(p).toMatchObject({ proxy: 'sleep-557747455f-ntclb.default', namespace: 'default', cluster: 'Kubernetes', version: '1.14-dev' });
    expect(Object.fromEntries(Object.entries(p.types).map(([t, s]) => [t, s.state]))).toMatchObject({ CDS: 'SYNCED', LDS: 'SYNCED', RDS: 'SYNCED', EDS: 'SYNCED' });
  });

  it('a "1.14-dev" proxy is one minor from a 1.15 istiod and two from a 1.16.1 one (data-plane skew)', () => {
    const ok = <T>(read: string, value: T): Read<T> => ({ ok: true, read, value });
    const snap = (version: string) =>
      ({
        istioNamespace: 'istio-system',
        namespace: null,
        istiodPods: ok('pods', []),
        istiodDeployments: ok('deployments', []),
        pdbs: ok('pdbs', []),
        hpas: ok('hpas', []),
        webhooks: ok('webhooks', []),
        rootCert: ok('configmap', undefined),
        meshPods: ok('pods', []),
        certs: [],
        syncz: ok('GET /debug/syncz from every istiod in istio-system', { answers: [{ istiod: 'istiod-a', ok: true }], proxies }),
        istiodVersions: ok('GET /version from every istiod in istio-system', [{ istiod: 'istiod-a', version }]),
      }) satisfies ClusterSnapshot;
    const skew = (version: string) => judgeControlPlane(snap(version), { rules: CATALOG, now: new Date('2026-12-10T12:00:00Z'), istioNamespace: 'istio-system', namespace: null }).find((c) => c.id === 'cp.data-plane-skew')!;
    expect(skew('1.15.3')).toMatchObject({ verdict: 'OK', message: '1 proxies within one minor of istiod' });
    expect(skew('1.16.1')).toMatchObject({ verdict: 'DEGRADED', message: '1 of 1 proxies run more than one minor away from istiod: sleep-557747455f-ntclb.default (1.14-dev)' });
  });
});
