import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterMatches, clusterRows, listClusters } from '../../src/envoy/clusters.js';
import { ConfigDumpError, MissingSectionError, parseConfigDump, sections } from '../../src/envoy/configdump.js';
import { ecdsRows } from '../../src/envoy/ecds.js';
import { edsRows, listEds, localityToString } from '../../src/envoy/eds.js';
import { describeFilterChainMatch, describeFilters, describeRouteMatch, listenerType } from '../../src/envoy/listeners.js';
import { compareClusterNames, describeManagement, parseSubsetKey } from '../../src/envoy/names.js';
import { jsonName, toProtoJson } from '../../src/envoy/protojson.js';
import { describeRouteDomains, listRoutes } from '../../src/envoy/routes.js';
import { certFacts, listSecrets, redactSecrets } from '../../src/envoy/secrets.js';

const dump = parseConfigDump(readFileSync('fixtures/envoy/sidecar/config_dump.json', 'utf8'));

describe('parseSubsetKey', () => {
  const cases: [string, ReturnType<typeof parseSubsetKey>][] = [
    ['outbound|9080|v1|reviews.bookinfo.svc.cluster.local', { direction: 'outbound', port: 9080, subset: 'v1', fqdn: 'reviews.bookinfo.svc.cluster.local' }],
    ['inbound|8080||', { direction: 'inbound', port: 8080, subset: '', fqdn: '' }],
    ['inbound-vip|8000|http|httpbin.default.svc.cluster.local', { direction: 'inbound-vip', port: 8000, subset: 'http', fqdn: 'httpbin.default.svc.cluster.local' }],
    ['BlackHoleCluster', undefined],
    ['a|b|c', undefined],
  ];
  for (const [name, want] of cases) it(name, () => expect(parseSubsetKey(name)).toEqual(want));
  it('orders by host, subset, port, direction, byte-wise', () => {
    const names = ['outbound|9080|v1|b.x', 'outbound|80||b.x', 'inbound|80||b.x', 'prometheus_stats', 'outbound|80||prometheus.x', 'a-b.x', 'a.b.x'];
    expect([...names].sort(compareClusterNames)).toEqual(['a-b.x', 'a.b.x', 'inbound|80||b.x', 'outbound|80||b.x', 'outbound|9080|v1|b.x', 'outbound|80||prometheus.x', 'prometheus_stats']);
  });
});

describe('describeManagement', () => {
  const cases: [unknown, string][] = [
    [{ filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/bookinfo/virtual-service/reviews' } } }, 'reviews.bookinfo'],
    [{ filterMetadata: { istio: { config: '/apis/networking.istio.io/v1alpha3/namespaces/x/destination-rule/y' } } }, 'y.x'],
    [{ filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/x' } } }, ''],
    [{ filter_metadata: { istio: { config: '/apis/gateway.networking.k8s.io/v1/namespaces/x/httproute/y' } } }, '<unknown>'],
    [{ filter_metadata: { other: {} } }, ''],
    [undefined, ''],
  ];
  for (const [m, want] of cases) it(JSON.stringify(m), () => expect(describeManagement(m)).toBe(want));
});

describe('protojson renaming', () => {
  it.each([
    ['lb_policy', 'lbPolicy'],
    ['http2_protocol_options', 'http2ProtocolOptions'],
    ['ipv4_compat', 'ipv4Compat'],
    ['name', 'name'],
    ['@type', '@type'],
    ['ISTIO_VERSION', 'ISTIO_VERSION'],
    ['build.type', 'build.type'],
  ])('%s → %s', (from, to) => expect(jsonName(from)).toBe(to));

  it('keeps keys of Structs and maps, renames messages inside maps of Any', () => {
    const input = {
      metadata: { filter_metadata: { istio: { some_key: 'v' } } },
      node: {
        id: 'sidecar~10.0.0.1~a.shop~shop.svc.cluster.local',
        cluster: 'a.shop',
        metadata: { app_containers: 'x', LABELS: { my_label: 'a' } },
        user_agent_build_version: { version: { major_number: 1 }, metadata: { 'build.type': 'RELEASE', revision_status: 'Clean' } },
      },
      custom_tags: [{ tag: 'istio.authorization.dry_run.allow_policy.name', metadata: { kind: { request: {} }, metadata_key: { key: 'envoy.filters.http.rbac', path: [{ key: 'istio_dry_run_allow_shadow_effective_policy_id' }] } } }],
      typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': 't', max_active_faults: 1 } },
      typed_config: { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', type_url: 'u', value: { upstream_discovery: [] } },
      env: { key_values: { ISTIO_META_X: '1', some_var: '2' } },
    };
    expect(toProtoJson(input)).toEqual({
      metadata: { filterMetadata: { istio: { some_key: 'v' } } },
      node: {
        id: 'sidecar~10.0.0.1~a.shop~shop.svc.cluster.local',
        cluster: 'a.shop',
        metadata: { app_containers: 'x', LABELS: { my_label: 'a' } },
        userAgentBuildVersion: { version: { majorNumber: 1 }, metadata: { 'build.type': 'RELEASE', revision_status: 'Clean' } },
      },
      // tracing CustomTag.Metadata is a message: metadataKey, as istioctl prints it.
      customTags: [{ tag: 'istio.authorization.dry_run.allow_policy.name', metadata: { kind: { request: {} }, metadataKey: { key: 'envoy.filters.http.rbac', path: [{ key: 'istio_dry_run_allow_shadow_effective_policy_id' }] } } }],
      typedPerFilterConfig: { 'envoy.filters.http.fault': { '@type': 't', maxActiveFaults: 1 } },
      typedConfig: { '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct', typeUrl: 'u', value: { upstream_discovery: [] } },
      env: { keyValues: { ISTIO_META_X: '1', some_var: '2' } },
    });
  });
});

describe('config dump parsing', () => {
  it('finds sections by type', () => {
    expect(sections(dump, 'clusters')).toHaveLength(1);
    expect(sections(dump, 'ecds')).toHaveLength(0);
  });
  it('reads YAML dumps too', () => {
    const d = parseConfigDump('configs:\n- "@type": type.googleapis.com/envoy.admin.v3.ClustersConfigDump\n  static_clusters:\n  - cluster: {name: agent, type: STATIC}\n');
    expect(listClusters(d).map((c) => c.name)).toEqual(['agent']);
  });
  it.each([
    ['{"configs": 3}', /no "configs" list/],
    ['{"configs": [', /not valid JSON or YAML/],
    ['[]', /not an Envoy config dump/],
  ])('rejects %s', (text, re) => {
    expect(() => parseConfigDump(text)).toThrow(ConfigDumpError);
    expect(() => parseConfigDump(text)).toThrow(re);
  });
  it('says when a section is missing', () => {
    const d = parseConfigDump('{"configs": []}');
    expect(() => listClusters(d)).toThrow(MissingSectionError);
    expect(() => listClusters(d)).toThrow(/no envoy.admin.v3.ClustersConfigDump/);
    try {
      listEds(d);
      expect.unreachable();
    } catch (e) {
      expect((e as MissingSectionError).hint).toMatch(/config_dump\?include_eds/);
    }
  });
});

describe('clusters', () => {
  it('splits subset keys and names destination rules', () => {
    const rows = clusterRows(listClusters(dump).filter((c) => clusterMatches(c, { fqdn: 'reviews', subset: 'v3' })));
    expect(rows).toEqual([
      { name: 'outbound|9080|v3|reviews.bookinfo.svc.cluster.local', fqdn: 'reviews.bookinfo.svc.cluster.local', port: '9080', subset: 'v3', direction: 'outbound', type: 'EDS', destinationRule: 'reviews.bookinfo' },
    ]);
  });
  it('matches --port as |port| only', () => {
    const names = listClusters(dump).filter((c) => clusterMatches(c, { port: 53 })).map((c) => c.name);
    expect(names).toEqual(['outbound|53||kube-dns.kube-system.svc.cluster.local']);
  });
  it('defaults the type to STATIC', () => {
    expect(clusterRows(listClusters(dump).filter((c) => c.name === 'BlackHoleCluster'))[0]!.type).toBe('STATIC');
  });
});

describe('listener descriptions', () => {
  const cases: [string, unknown, string][] = [
    ['no match', undefined, 'ALL'],
    ['SNI', { server_names: ['a.example.com', 'b.example.com'] }, 'SNI: a.example.com,b.example.com'],
    ['istio mTLS HTTP', { transport_protocol: 'tls', application_protocols: ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2'] }, 'Trans: tls; App: Istio HTTP Plain'],
    ['TCP TLS', { application_protocols: ['istio-peer-exchange', 'istio'] }, 'App: TCP TLS'],
    ['other ALPN', { application_protocols: ['h2'] }, 'App: h2'],
    ['port only', { destination_port: 9080 }, 'Addr: *:9080'],
    ['CIDR and port', { prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: 8 }], destination_port: 80 }, 'Addr: 10.0.0.0/8:80'],
  ];
  for (const [name, m, want] of cases) it(name, () => expect(describeFilterChainMatch(m)).toBe(want));

  const hcm = (tc: object) => [{ name: 'envoy.filters.network.http_connection_manager', typed_config: tc }];
  const tcp = (cluster: string) => [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { cluster } }];
  const dests: [string, Record<string, unknown>[], string][] = [
    ['RDS', hcm({ rds: { route_config_name: '80' } }), 'Route: 80'],
    ['HCM without routes', hcm({}), 'HTTP'],
    ['match-all inline route', hcm({ route_config: { virtual_hosts: [{ domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'inbound|80||' } }] }] } }), 'Cluster: inbound|80||'],
    ['inline route', hcm({ route_config: { virtual_hosts: [{ domains: ['a', 'b'], routes: [{ match: { path: '/x' } }, { match: { prefix: '/y' } }] }] } }), 'Inline Route: a/b /x, /y*'],
    ['TCP cluster', tcp('outbound|3306||db'), 'Cluster: outbound|3306||db'],
    ['special cluster', tcp('PassthroughCluster'), 'PassthroughCluster'],
    ['blackhole only', tcp('BlackHoleCluster'), 'Non-HTTP/Non-TCP'],
  ];
  for (const [name, filters, want] of dests) it(`destination: ${name}`, () => expect(describeFilters(filters)).toBe(want));

  it.each([
    [{ prefix: '/api' }, '/api*'],
    [{ path_separated_prefix: '/get' }, 'PathPrefix:/get'],
    [{ path: '/exact' }, '/exact'],
    [{ safe_regex: { regex: '/v[0-9]+/.*' } }, 'regex /v[0-9]+/.*'],
  ])('route match %j', (m, want) => expect(describeRouteMatch(m)).toBe(want));

  it('classifies listener types, ignoring blackhole tcp proxies', () => {
    expect(listenerType({ filter_chains: [{ filters: tcp('BlackHoleCluster') }] })).toBe('UNKNOWN');
    expect(listenerType({ filter_chains: [{ filters: tcp('x') }], default_filter_chain: { filters: hcm({}) } })).toBe('HTTP+TCP');
  });
});

describe('routes', () => {
  it.each([
    [[], ''],
    [['*'], '*'],
    [['reviews.bookinfo.svc.cluster.local', 'reviews', 'reviews.bookinfo.svc', 'reviews.bookinfo', '10.96.18.220'], 'reviews, reviews.bookinfo + 1 more...'],
    [['a.ns.svc.cluster.local', 'a.ns.svc.cluster.local:80', 'a.ns'], 'a.ns'],
    [['b.example.com', 'b.example.com:80', 'c.example.com'], 'b.example.com, c.example.com'],
    [['[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:8080', 'x'], '[fd00:10:96::7fc7], x'],
  ])('domains %j', (d, want) => expect(describeRouteDomains(d)).toBe(want));

  it('keeps dump order around non-numeric names and sorts numeric ones', () => {
    const mk = (names: string[]) =>
      parseConfigDump(JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump', dynamic_route_configs: names.map((name) => ({ route_config: { name } })) }] }));
    expect(listRoutes(mk(['9080', '80', '15010'])).map((r) => r.name)).toEqual(['80', '9080', '15010']);
    expect(listRoutes(mk(['http.8080', 'b', 'a'])).map((r) => r.name)).toEqual(['http.8080', 'b', 'a']);
  });
});

describe('endpoints (EDS)', () => {
  it.each([
    [undefined, ''],
    [{}, ''],
    [{ region: 'r' }, 'r'],
    [{ region: 'r', zone: 'z' }, 'r/z'],
    [{ region: 'r', zone: 'z', sub_zone: 's' }, 'r/z/s'],
  ])('locality %j', (l, want) => expect(localityToString(l)).toBe(want));

  it('filters by status and drops clusters left empty', () => {
    const rows = edsRows(listEds(dump, { status: 'unhealthy' }));
    expect(rows).toEqual([{ address: '10.244.3.12:9080', status: 'UNHEALTHY', locality: 'eu-west1/eu-west1-b', cluster: 'outbound|9080||reviews.bookinfo.svc.cluster.local' }]);
  });
});

describe('secrets', () => {
  const at = new Date('2026-11-21T18:00:00Z');
  it('reads type, validity and serial from the PEM and orders warming first', () => {
    const rows = listSecrets(dump, at);
    expect(rows.map((r) => [r.name, r.type, r.status, r.valid])).toEqual([
      ['kubernetes://bookinfo-gateway-cert', '', 'WARMING', false],
      ['default', 'Cert Chain', 'ACTIVE', true],
      ['ROOTCA', 'CA', 'ACTIVE', true],
    ]);
    expect(rows[1]!.trustDomain).toBe('cluster.local');
  });
  it('marks certificates outside their validity window invalid', () => {
    expect(listSecrets(dump, new Date('2026-11-23T00:00:00Z')).find((r) => r.name === 'default')!.valid).toBe(false);
  });
  it('keeps whole serial bytes and drops the DER sign byte', () => {
    const pem = Buffer.from(String((((dump.configs[4]!.dynamic_active_secrets as unknown[])[1] as Record<string, any>).secret.validation_context.trusted_ca.inline_bytes)), 'base64').toString();
    expect(certFacts(pem, at)!.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(certFacts('not a pem', at)).toBeUndefined();
  });
  it('never prints private keys, and keeps Envoy\'s field shapes', () => {
    // A dump whose key was not redacted by Envoy (a saved dump, an older Envoy).
    const leaked = JSON.parse(JSON.stringify(dump.configs[4]!).replace('"W3JlZGFjdGVkXQ=="', '"LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t"')) as Record<string, unknown>;
    const s = JSON.stringify(redactSecrets(leaked));
    expect(s).not.toContain('LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t');
    expect(s).toContain('"private_key":{"inline_bytes":"W3JlZGFjdGVkXQ=="}');
    expect(JSON.stringify(redactSecrets({ private_key: { inline_string: 'KEY' }, password: { filename: '/etc/pw' } }))).toBe('{"private_key":{"inline_string":"[redacted]"},"password":{"filename":"/etc/pw"}}');
  });
  it('redacts every sensitive DataSource in place (private key, password, generic secret, session ticket keys), keeps file names', () => {
    const secret = (tls: Record<string, unknown>) => ({ name: 'default', secret: { name: 'default', tls_certificate: tls } });
    const section = {
      '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
      dynamic_active_secrets: [
        secret({ certificate_chain: { inline_bytes: 'Q0VSVC1DSEFJTg==' }, private_key: { inline_bytes: 'S0VZLU1BVEVSSUFM' }, password: { inline_string: 'PASS-1' } }),
        secret({ certificate_chain: { filename: '/etc/certs/cert-chain.pem' }, private_key: { filename: '/etc/certs/key.pem' } }),
        { name: 'hmac', secret: { name: 'hmac', generic_secret: { secret: { inline_string: 'HMAC-2' } } } },
        { name: 'tickets', secret: { name: 'tickets', session_ticket_keys: { keys: [{ inline_bytes: 'VElDSy0z' }] } } },
      ],
    };
    const out = redactSecrets(section) as any;
    const s = JSON.stringify(out);
    for (const v of ['S0VZLU1BVEVSSUFM', 'PASS-1', 'HMAC-2', 'VElDSy0z']) expect(s).not.toContain(v);
    const [inline, files, hmac, tickets] = out.dynamic_active_secrets;
    // Envoy's MessageUtil::redact: the field stays, its value becomes "[redacted]" (bytes: base64 of it).
    expect(inline.secret.tls_certificate).toEqual({ certificate_chain: { inline_bytes: 'Q0VSVC1DSEFJTg==' }, private_key: { inline_bytes: 'W3JlZGFjdGVkXQ==' }, password: { inline_string: '[redacted]' } });
    expect(files.secret.tls_certificate.private_key).toEqual({ filename: '/etc/certs/key.pem' });
    expect(hmac.secret.generic_secret.secret).toEqual({ inline_string: '[redacted]' });
    expect(tickets.secret.session_ticket_keys.keys).toEqual([{ inline_bytes: 'W3JlZGFjdGVkXQ==' }]);
    // The dump Envoy already redacted stays as Envoy printed it.
    expect(JSON.stringify(redactSecrets(dump.configs[4]!))).toBe(JSON.stringify(dump.configs[4]!));
  });
});

describe('ecds', () => {
  it('merges every ECDS section and sorts by type then name', () => {
    const d = parseConfigDump(
      JSON.stringify({
        configs: [
          { '@type': 'type.googleapis.com/envoy.admin.v3.EcdsConfigDump', ecds_filters: [{ ecds_filter: { name: 'b', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm' } } }] },
          { '@type': 'type.googleapis.com/envoy.admin.v3.EcdsConfigDump', ecds_filters: [{ ecds_filter: { name: 'z' } }, { ecds_filter: { name: 'a', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm' } } }] },
        ],
      }),
    );
    expect(ecdsRows(d)).toEqual([
      { name: 'z', type: '' },
      { name: 'a', type: 'envoy.extensions.filters.http.wasm.v3.Wasm' },
      { name: 'b', type: 'envoy.extensions.filters.http.wasm.v3.Wasm' },
    ]);
  });
});
