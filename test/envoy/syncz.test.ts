import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareDumps, splitLines, unifiedDiff } from '../../src/envoy/compare.js';
import { parseConfigDump } from '../../src/envoy/configdump.js';
import { istiodPodsOf, parseIstiodVersion } from '../../src/envoy/istiod.js';
import { compareVersions, countVersions, mergeSyncz, parseSyncz, proxyNamespace, stateOf, SynczError, versionSkew } from '../../src/envoy/syncz.js';
import { skipWhenMissing } from '../helpers/requires.js';

const fx = (f: string) => readFileSync(`fixtures/envoy/syncz/${f}`, 'utf8');
/** proxy → "CDS LDS EDS RDS ECDS" states, for compact expectations. */
const states = (f: string) =>
  Object.fromEntries(parseSyncz(fx(f), 'istiod-a').proxies.map((p) => [p.proxy, ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'].map((t) => p.types[t]?.state ?? '-').join(' ')]));

describe('parseSyncz: both shapes', () => {
  it('Istio 1.16 SyncStatus list (flat nonces only): STALE when acked lags, NOT SENT when nothing was sent', () => {
    expect(states('syncz-1.16.json')).toEqual({
      'reviews-v2-7b5d8c6f4-xk2lp.bookinfo': 'SYNCED SYNCED SYNCED SYNCED NOT SENT',
      'istio-ingressgateway-6c9d9b4d7-q8m2z.istio-system': 'SYNCED SYNCED SYNCED STALE NOT SENT',
      'details-v1-5f4d584748-9zt7w.bookinfo': 'SYNCED STALE SYNCED NOT SENT NOT SENT',
      'productpage-v1-564d4686f-6vd4b.bookinfo': 'SYNCED SYNCED SYNCED SYNCED SYNCED',
    });
    const r = parseSyncz(fx('syncz-1.16.json'), 'istiod-a');
    expect(r.shape).toBe('sync-status');
    const details = r.proxies.find((p) => p.proxy.startsWith('details'))!;
    expect(details.types.LDS).toMatchObject({ state: 'STALE', neverAcked: true });
    expect(details).toMatchObject({ version: '1.15.3', cluster: 'Kubernetes', namespace: 'bookinfo', istiod: 'istiod-a' });
  });

  it('current SyncStatus list: the resources map carries the NACK (ERROR with its message) and extra types', () => {
    // ECDS is absent from the map: the proxy does not watch it (IGNORED in the table, not NOT SENT).
    expect(states('syncz-1.24.json')['reviews-v3-84779c7bbc-4q5vn.bookinfo']).toBe('SYNCED ERROR SYNCED SYNCED -');
    const r = parseSyncz(fx('syncz-1.24.json'), 'istiod-a');
    const reviews = r.proxies.find((p) => p.proxy.startsWith('reviews'))!;
    expect(reviews.types.LDS!.error).toMatch(/unable to create Wasm HTTP filter/);
    expect(reviews.types.SDS!.state).toBe('SYNCED');
    expect(reviews.types.CDS!.lastSent).toBe('2026-11-20T09:41:12.52Z');
    expect(r.proxies.find((p) => p.proxy.startsWith('istio-ingress'))!.proxyType).toBe('router');
  });

  it('leaves out debug clients and connections that watch no proxy config; keeps ztunnel types', () => {
    const r = parseSyncz(fx('syncz-debug-ztunnel.json'), 'istiod-a');
    expect(r.proxies.map((p) => p.proxy)).toEqual(['ratings-v1-6484d4d9bb-mlh2c.bookinfo', 'ztunnel-8x2kq.istio-system', 'httpbin-5c9d7.shop']);
    expect(Object.keys(r.proxies[1]!.types).sort()).toEqual(['WADS', 'WDS']);
    expect(r.proxies[2]!.types.ECDS!.state).toBe('SYNCED');
  });

  it('ClientConfig DiscoveryResponse: config_status per type, error_state, istiod name and version from control_plane', () => {
    const r = parseSyncz(fx('syncz-clientconfig.json'), 'istiod-pod-from-kube');
    expect(r.shape).toBe('client-config');
    expect(r.istiodVersion).toBe('1.25.0');
    expect(states('syncz-clientconfig.json')).toEqual({
      'frontend-6d9c7b8f5-2kqzx.shop': 'SYNCED SYNCED SYNCED SYNCED SYNCED',
      'cart-7c5b9d8f6-p4lmn.shop': 'SYNCED SYNCED STALE ERROR -',
      'ztunnel-8xkqp.istio-system': '- - - - -',
      'payments-5b7d9f8c4-zz9qw.shop': 'SYNCED SYNCED SYNCED NOT SENT -',
    });
    expect(r.proxies[0]).toMatchObject({ istiod: 'istiod-5f9c8d7b6-wq4rt', cluster: 'east-1', namespace: 'shop' });
    expect(r.proxies[1]!.types.RDS!.error).toMatch(/duplicate virtual host domain/);
  });

  it('proto field names, numeric enums and legacy xds_config are read too', () => {
    const proto = {
      resources: [
        { node: { id: 'a.ns', metadata: { ISTIO_VERSION: '1.16.0' } }, generic_xds_configs: [{ type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster', config_status: 3 }] },
        { node: { id: 'b.ns' }, xds_config: [{ status: 'SYNCED', listener_config: {} }, { status: 'NOT_SENT', route_config: {} }] },
      ],
    };
    const r = parseSyncz(JSON.stringify(proto), 'x');
    expect(r.proxies.map((p) => Object.fromEntries(Object.entries(p.types).map(([k, v]) => [k, v.state])))).toEqual([{ CDS: 'STALE' }, { LDS: 'SYNCED', RDS: 'NOT SENT' }]);
  });

  it.each([
    ['<html>', /not JSON/],
    ['{"proxies": []}', /not a \/debug\/syncz response/],
  ])('rejects %s', (text, msg) => {
    expect(() => parseSyncz(text, 'istiod-a')).toThrow(SynczError);
    expect(() => parseSyncz(text, 'istiod-a')).toThrow(msg);
  });
});

describe('sync state rules (istiod statusgen.go)', () => {
  it.each([
    ['n1', 'n1', '', 'SYNCED'],
    ['n2', 'n1', '', 'STALE'],
    ['', '', '', 'NOT SENT'],
    ['n2', 'n2', 'rejected', 'ERROR'],
    ['n2', 'n1', 'rejected', 'ERROR'],
  ])('sent %j acked %j error %j → %s', (sent, acked, err, want) => expect(stateOf(sent, acked, err).state).toBe(want));
  it.each([
    ['reviews-v1-abc.bookinfo', 'bookinfo'],
    ['sidecar~10.0.0.1~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local', 'bookinfo'],
    ['vm-without-namespace', ''],
  ])('namespace of %s', (id, ns) => expect(proxyNamespace(id)).toBe(ns));
});

describe('merging replicas and counting versions', () => {
  it('keeps a proxy once (first replica wins), sorts by proxy ID, filters by namespace', () => {
    const a = parseSyncz(fx('syncz-1.24.json'), 'istiod-a');
    const b = parseSyncz(fx('syncz-1.24.json'), 'istiod-b');
    const all = mergeSyncz([a, b]);
    expect(all.map((p) => p.proxy)).toEqual([...all.map((p) => p.proxy)].sort());
    expect(all).toHaveLength(4);
    expect(new Set(all.map((p) => p.istiod))).toEqual(new Set(['istiod-a']));
    expect(mergeSyncz([a], 'bookinfo').map((p) => p.proxy)).toEqual(['ratings-v1-6484d4d9bb-mlh2c.bookinfo', 'reviews-v3-84779c7bbc-4q5vn.bookinfo']);
  });
  it('orders versions newest first, pre-releases before their release, unknown last', () => {
    expect(countVersions(['1.24.2', '1.9.0', '1.24.2', '', '1.25-dev', '1.25.0']).map((v) => `${v.version}:${v.count}`)).toEqual(['1.25.0:1', '1.25-dev:1', '1.24.2:2', '1.9.0:1', ':1']);
    expect(compareVersions('1.24.1', '1.24')).toBeGreaterThan(0);
    expect(compareVersions('1.24-dev', '1.24')).toBeLessThan(0);
  });
  it('counts proxies on a minor version no control plane runs', () => {
    const proxies = mergeSyncz([parseSyncz(fx('syncz-1.24.json'), 'istiod-a')]);
    expect(versionSkew(['1.24.2'], proxies).skewedProxies).toBe(1);
    expect(versionSkew(['1.24.2', '1.22.0'], proxies).skewedProxies).toBe(0);
    expect(versionSkew([''], proxies).skewedProxies).toBe(0);
  });
});

describe('istiod discovery and /version', () => {
  it('takes Running pods, the revision label (default when absent) and the prometheus.io/port annotation', () => {
    const pods = istiodPodsOf(
      [
        { metadata: { name: 'istiod-b', labels: { 'istio.io/rev': '1-24' }, annotations: { 'prometheus.io/port': '15015' } }, status: { phase: 'Running' } },
        { metadata: { name: 'istiod-a' }, status: { phase: 'Running' } },
        { metadata: { name: 'istiod-c' }, status: { phase: 'Pending' } },
      ],
      'istio-system',
    );
    expect(pods).toEqual([
      { name: 'istiod-a', namespace: 'istio-system', revision: 'default', port: 15014 },
      { name: 'istiod-b', namespace: 'istio-system', revision: '1-24', port: 15015 },
    ]);
  });
  it.each([
    ['1.16.7-b3f7e0e8c2f9a1d4e5b6c7d8e9f0a1b2c3d4e5f6-Clean', { version: '1.16.7', revision: 'b3f7e0e8c2f9a1d4e5b6c7d8e9f0a1b2c3d4e5f6', status: 'Clean' }],
    ['1.12.0-016bc46f4a5e0ef3fa135b3c5380ab7765467c1a-dirty-Modified', { version: '1.12.0', revision: '016bc46f4a5e0ef3fa135b3c5380ab7765467c1a-dirty', status: 'Modified' }],
    ['1.31-dev-eed52ebb66ad-Clean', { version: '1.31-dev', revision: 'eed52ebb66ad', status: 'Clean' }],
    ['{"version":"1.25.0","revision":"a3c1f0e","golang_version":"go1.23.4","status":"Clean","tag":"1.25.0"}', { version: '1.25.0', golangVersion: 'go1.23.4' }],
    ['{"clientVersion":{"version":"1.20.1","revision":"x","status":"Clean","tag":"1.20.1"}}', { version: '1.20.1' }],
    ['1.22.0', { version: '1.22.0', revision: '' }],
  ])('%s', (text, want) => expect(parseIstiodVersion(text)).toMatchObject(want));
});

describe('unified diff (difflib format)', () => {
  it('is empty for equal inputs and has headers, ranges and 7 context lines otherwise', () => {
    const a = Array.from({ length: 20 }, (_, i) => `line ${i}\n`);
    expect(unifiedDiff(a, a, 'A', 'B', 7)).toBe('');
    const b = [...a];
    b[10] = 'changed\n';
    const d = unifiedDiff(a, b, 'Istiod Clusters', 'Envoy Clusters', 7);
    expect(d.split('\n').slice(0, 3)).toEqual(['--- Istiod Clusters', '+++ Envoy Clusters', '@@ -4,15 +4,15 @@']);
    expect(d).toContain('-line 10\n+changed\n');
    expect(d.split('\n').filter((l) => l.startsWith(' '))).toHaveLength(14);
  });
  it('handles pure insertions and deletions at the edges', () => {
    expect(unifiedDiff([], ['x\n'], 'A', 'B', 7)).toBe('--- A\n+++ B\n@@ -0,0 +1 @@\n+x\n');
    expect(unifiedDiff(['x\n', 'y\n'], ['y\n'], 'A', 'B', 0)).toBe('--- A\n+++ B\n@@ -1 +0,0 @@\n-x\n');
  });
  it('splits like difflib.SplitLines', () => expect(splitLines('a\nb')).toEqual(['a\n', 'b\n']));
});

describe('compareDumps', () => {
  const dump = (clusters: object[], listeners: object[], routes: object[]) =>
    parseConfigDump(
      JSON.stringify({
        configs: [
          { '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', dynamic_active_clusters: clusters },
          { '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump', dynamic_listeners: listeners },
          { '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump', dynamic_route_configs: routes },
        ],
      }),
    );
  const envoy = dump(
    [
      { version_info: 'v2', last_updated: '2026-11-20T09:00:00Z', cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'b', connect_timeout: '10s' } },
      { version_info: 'v2', cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'a' } },
    ],
    [{ name: 'l1', active_state: { version_info: 'v2', listener: { name: 'l1', address: {} } }, draining_state: { listener: { name: 'l1' } } }],
    [{ version_info: 'v2', last_updated: '2026-11-20T09:41:12.520Z', route_config: { name: '8080', virtual_hosts: [{ name: 'z' }, { name: 'a' }] } }],
  );
  it('ignores versions, update times, order, draining state and proto vs JSON field names', () => {
    // istiod's debug endpoint prints JSON names; Envoy's admin prints proto names.
    const istiod = dump(
      [
        { cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'a' } },
        { versionInfo: 'v1', cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'b', connectTimeout: '10s' } },
      ],
      [{ name: 'l1', activeState: { listener: { name: 'l1', address: {} } } }],
      [{ routeConfig: { name: '8080', virtualHosts: [{ name: 'a' }, { name: 'z' }] } }],
    );
    const c = compareDumps(istiod, envoy);
    expect([c.clusters.match, c.listeners.match, c.routes.match]).toEqual([true, true, true]);
    expect(c.routesLastLoaded).toBe('2026-11-20T09:41:12.520Z');
  });
  it('shows what differs, istiod as "-" and Envoy as "+"', () => {
    const istiod = dump([{ cluster: { name: 'a' } }, { cluster: { name: 'b', connect_timeout: '5s' } }], [], []);
    const c = compareDumps(istiod, envoy);
    expect(c.clusters.match).toBe(false);
    expect(c.clusters.diff).toContain('-                "connectTimeout": "5s",\n+                "connectTimeout": "10s",');
    expect(c.listeners.match).toBe(false);
    expect(c.listeners.diff).toContain('+                    "name": "l1"');
  });

  // Upstream's comparator test dumps (read in place, not copied): identical dumps match; the
  // modified copy differs in all three sections.
  const upstream = '../shared/conformance/envoy/compare';
  it.skipIf(skipWhenMissing(!existsSync(`${upstream}/configdump.json`)))('agrees with upstream comparator expectations', () => {
    const base = parseConfigDump(readFileSync(`${upstream}/configdump.json`, 'utf8'));
    const diff = parseConfigDump(readFileSync(`${upstream}/configdump_diff.json`, 'utf8'));
    const same = compareDumps(base, base);
    expect([same.clusters.match, same.listeners.match, same.routes.match]).toEqual([true, true, true]);
    const other = compareDumps(base, diff);
    expect([other.clusters.match, other.listeners.match, other.routes.match]).toEqual([false, false, false]);
  });
});
