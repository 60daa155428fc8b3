/**
 * Captures shaped like what two real Envoy 1.40 sidecars (pilot-agent, istiod 1.31) on the loopback
 * harness produce (../shared/reference/real-envoy.md): pods with their own 127.1.0.x addresses,
 * interception NONE with a Sidecar `bind` per pod (listeners named `<pod IP>_9080`, not
 * `0.0.0.0_9080`), a ServiceEntry with the Service's host and a workloadSelector for endpoints,
 * Istio's default text access-log format as Envoy's file logger writes it (fields checked against
 * a real Envoy 1.40.0 run: `upstream_reset_before_response_started{remote_connection_failure|
 * delayed_connect_error:_Connection_refused}`, "-" for empty fields), /clusters?format=json with
 * zero counters printed without "value" and others as strings, /stats with one update_rejected
 * per xDS subscription (an EDS one per cluster), istiod /debug/syncz with nonces per type.
 *
 * Each scenario gives the lines of one real failure type from real-envoy.md's table. The unit
 * tests built on it run without a harness; the real recordings (fixtures/diagnose/real/) check the
 * same against what real processes wrote.
 */
import { stringify } from 'yaml';

export const NS = 'dp';
export const HOST = `reviews.${NS}.svc.cluster.local`;
export const CLIENT = { name: 'productpage-0', ip: '127.1.0.5', app: 'productpage' };
export const SERVER = { name: 'reviews-0', ip: '127.1.0.6', app: 'reviews', appPort: 19080 };
export const OUT = `outbound|9080||${HOST}`;
const TIME = '2026-12-04T18:31:00Z';
const UPTIME = 1260;

function pod(p: { name: string; ip: string; app: string }, opts: { version?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: NS, labels: { app: p.app, ...(opts.version ? { version: opts.version } : {}), 'statefulset.kubernetes.io/pod-name': p.name, 'istio-ts.dev/proxy': 'real' } },
    spec: {
      serviceAccountName: p.app,
      nodeName: 'kwok-dp-0',
      containers: [
        { name: p.app, image: `istio-ts.dev/${p.app}:dev`, ports: [{ name: 'http', containerPort: 9080, protocol: 'TCP' }] },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.31.0', args: ['proxy', 'sidecar'] },
      ],
    },
    status: {
      phase: 'Running',
      podIP: p.ip,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [p.app, 'istio-proxy'].map((name) => ({ name, ready: true, restartCount: 0, state: { running: { startedAt: '2026-12-04T18:10:00Z' } } })),
    },
  };
}

const sidecarCr = (p: { name: string; ip: string }, spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: p.name, namespace: NS }, spec: { workloadSelector: { labels: { 'statefulset.kubernetes.io/pod-name': p.name } }, ...spec } });

function objects(extra: object[]): Record<string, string> {
  const docs = (xs: object[]) => xs.map((x) => stringify(x, { lineWidth: 0 })).join('---\n');
  return {
    'cluster/namespaces.yaml': docs([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS, 'istio-injection': 'enabled' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', labels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
    ]),
    'cluster/pods.yaml': docs([pod(CLIENT), pod(SERVER, { version: 'v1' })]),
    'cluster/services.yaml': docs([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: NS }, spec: { clusterIP: '10.96.0.50', selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }] } }]),
    'cluster/istio.yaml': docs([
      // The controller-manager keeps loopback addresses out of EndpointSlices: istiod builds
      // the endpoints from this entry's workloadSelector instead.
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'reviews', namespace: NS }, spec: { hosts: [HOST], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }], workloadSelector: { labels: { app: 'reviews' } } } },
      sidecarCr(CLIENT, { egress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, bind: CLIENT.ip, hosts: ['./*'] }] }),
      sidecarCr(SERVER, { ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, bind: SERVER.ip, defaultEndpoint: `127.0.0.1:${SERVER.appPort}` }], egress: [{ port: { number: 9081, protocol: 'HTTP', name: 'http' }, bind: '127.1.0.106', hosts: ['./*'] }] }),
      { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'mesh-default', namespace: 'istio-system' }, spec: { metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ disabled: true }] }] } },
      ...extra,
    ]),
  };
}

const api = (t: string) => `type.googleapis.com/${t}`;

function hcmFilter(statPrefix: string, rds: string) {
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': api('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager'),
      stat_prefix: statPrefix,
      rds: { config_source: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, route_config_name: rds },
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': api('envoy.extensions.filters.http.router.v3.Router') } }],
    },
  };
}

function listener(name: string, address: string, port: number, direction: 'OUTBOUND' | 'INBOUND', filters: object[]) {
  return {
    name,
    active_state: {
      version_info: '2026-12-04T18:10:02Z/9',
      listener: { '@type': api('envoy.config.listener.v3.Listener'), name, address: { socket_address: { address, port_value: port } }, filter_chains: [{ filters }], traffic_direction: direction },
      last_updated: '2026-12-04T18:10:02.412Z',
    },
  };
}

function configDump(role: 'client' | 'server', o: { routes?: object[] }) {
  const listeners =
    role === 'client'
      ? [listener(`${CLIENT.ip}_9080`, CLIENT.ip, 9080, 'OUTBOUND', [hcmFilter(`outbound_${CLIENT.ip}_9080`, '9080')])]
      : [listener(`${SERVER.ip}_9080`, SERVER.ip, 9080, 'INBOUND', [hcmFilter('inbound_0.0.0.0_9080', 'inbound|9080||')]), listener('127.1.0.106_9081', '127.1.0.106', 9081, 'OUTBOUND', [hcmFilter('outbound_127.1.0.106_9081', '9081')])];
  const vhostRoutes = o.routes ?? [{ match: { prefix: '/' }, route: { cluster: OUT, timeout: '0s' }, name: 'default' }];
  const routes =
    role === 'client'
      ? [{ version_info: '2026-12-04T18:10:02Z/9', route_config: { '@type': api('envoy.config.route.v3.RouteConfiguration'), name: '9080', virtual_hosts: [{ name: `${HOST}:9080`, domains: [HOST, `${HOST}:9080`, 'reviews', 'reviews:9080', `reviews.${NS}`, `reviews.${NS}:9080`], routes: vhostRoutes }, { name: 'allow_any', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' }, name: 'allow_any' }] }] }, last_updated: '2026-12-04T18:10:02.413Z' }]
      : [];
  const cluster = (name: string, type: string) => ({ version_info: '2026-12-04T18:10:02Z/9', cluster: { '@type': api('envoy.config.cluster.v3.Cluster'), name, type, connect_timeout: '10s', ...(type === 'EDS' ? { eds_cluster_config: { eds_config: { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' }, service_name: name } } : {}) }, last_updated: '2026-12-04T18:10:02.390Z' });
  const clusters = role === 'client' ? [cluster(OUT, 'EDS')] : [cluster('inbound|9080||', 'STATIC')];
  return `${JSON.stringify(
    {
      configs: [
        { '@type': api('envoy.admin.v3.ClustersConfigDump'), version_info: '2026-12-04T18:10:02Z/9', dynamic_active_clusters: clusters },
        { '@type': api('envoy.admin.v3.ListenersConfigDump'), version_info: '2026-12-04T18:10:02Z/9', dynamic_listeners: listeners },
        { '@type': api('envoy.admin.v3.RoutesConfigDump'), dynamic_route_configs: routes },
      ],
    },
    null,
    1,
  )}\n`;
}

function hostStatus(address: string, port: number, stats: Record<string, number>, opts: { ejected?: boolean } = {}) {
  const names = ['cx_connect_fail', 'cx_total', 'rq_error', 'rq_success', 'rq_timeout', 'rq_total'];
  return {
    address: { socket_address: { address, port_value: port } },
    // Envoy prints counters at zero without "value", and values as strings.
    stats: [...names.map((name) => (stats[name] ? { value: String(stats[name]), name } : { name })), { type: 'GAUGE', name: 'cx_active' }, { type: 'GAUGE', name: 'rq_active' }],
    health_status: { eds_health_status: 'HEALTHY', ...(opts.ejected ? { failed_outlier_check: true } : {}) },
    weight: 1,
    locality: {},
  };
}

function clustersJson(name: string, hosts: object[]) {
  return `${JSON.stringify({ cluster_statuses: [{ name, host_statuses: hosts, observability_name: name }] }, null, 1)}\n`;
}

/** /stats: one update_rejected per xDS subscription: LDS, CDS, RDS per route, EDS per cluster. */
function statsText(o: { ldsRejected?: number; extra?: string[] }) {
  const eds = ['BlackHoleCluster', 'InboundPassthroughCluster', 'PassthroughCluster', 'agent', 'prometheus_stats', 'sds-grpc', 'xds-grpc', OUT, 'outbound|9080||details.dp.svc.cluster.local', 'outbound|9080||ratings.dp.svc.cluster.local', 'outbound|15010||istiod.istio-system.svc.cluster.local', 'outbound|15012||istiod.istio-system.svc.cluster.local', 'outbound|15014||istiod.istio-system.svc.cluster.local', 'outbound|443||istiod.istio-system.svc.cluster.local'];
  return [
    ...eds.map((c) => `cluster.${c}.update_rejected: 0`),
    'cluster_manager.cds.update_rejected: 0',
    `listener_manager.lds.update_rejected: ${o.ldsRejected ?? 0}`,
    `http.outbound_${CLIENT.ip}_9080.rds.9080.update_rejected: 0`,
    `server.uptime: ${UPTIME}`,
    'server.state: 0',
    ...(o.extra ?? []),
    '',
  ].join('\n');
}

export interface Req {
  readonly code: number;
  readonly flags?: string;
  readonly details?: string;
  readonly reason?: string;
  readonly duration?: number;
  /** The server sidecar's line for the same request; undefined: it logged none. */
  readonly server?: { code: number; flags?: string; details?: string; reason?: string; duration?: number } | 'no-filter-chain';
  /** No upstream was picked (local reply: NR, UO, UH). */
  readonly local?: boolean;
  readonly path?: string;
}

const d = (s: string | undefined) => (s === undefined || s === '' ? '-' : s);

/** One request's lines in Istio's default text format, as Envoy 1.40's file logger writes them. */
function lines(i: number, r: Req): { client: string; server?: string } {
  const t = (ms: number) => `2026-12-04T18:30:${String(10 + i).padStart(2, '0')}.${String(100 + ms).padStart(3, '0')}Z`;
  const id = `5d3a1c2e-8f4b-4e61-9a7d-${String(1000 + i).padStart(12, '0')}`;
  const path = r.path ?? '/reviews/1';
  const dur = r.duration ?? 4;
  const upstreamHost = r.local ? '-' : `${SERVER.ip}:9080`;
  const cluster = r.flags?.includes('NR') ? '-' : OUT;
  const client = `[${t(0)}] "GET ${path} HTTP/1.1" ${r.code} ${d(r.flags)} ${d(r.details ?? 'via_upstream')} - "${d(r.reason)}" 0 ${r.code === 200 ? 295 : 19} ${dur} ${r.local ? '-' : Math.max(0, dur - 1)} "-" "istio-ts-drive" "${id}" "${HOST}:9080" "${upstreamHost}" ${cluster} ${r.local ? '-' : `${CLIENT.ip}:4${String(1200 + i)}`} ${CLIENT.ip}:9080 127.0.0.1:5${String(1200 + i)} - ${cluster === '-' ? '-' : 'default'}`;
  if (!r.server) return { client };
  if (r.server === 'no-filter-chain') {
    return { client, server: `[${t(1)}] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - ${SERVER.ip}:9080 ${CLIENT.ip}:4${String(1200 + i)} - -` };
  }
  const s = r.server;
  const sd = s.duration ?? Math.max(0, dur - 2);
  const server = `[${t(1)}] "GET ${path} HTTP/1.1" ${s.code} ${d(s.flags)} ${d(s.details ?? 'via_upstream')} - "${d(s.reason)}" 0 ${s.code === 200 ? 295 : 19} ${sd} ${s.code === 0 || s.flags ? '-' : sd} "-" "istio-ts-drive" "${id}" "${HOST}:9080" "127.0.0.1:${SERVER.appPort}" inbound|9080|| 127.0.0.1:4${String(3100 + i)} ${SERVER.ip}:9080 ${CLIENT.ip}:4${String(1200 + i)} outbound_.9080_._.${HOST} default`;
  return { client, server };
}

/** pilot-agent lines around the access log, as `kubectl logs -c istio-proxy` shows them. */
const AGENT = ['2026-12-04T18:10:01.902117Z\tinfo\tFLAG: --concurrency="1"', '2026-12-04T18:10:02.410361Z\tinfo\tads\tADS: new connection for node:1', '2026-12-04T18:10:02.521007Z\tinfo\tReadiness succeeded in 611.0ms'];

export interface Scenario {
  readonly requests: readonly Req[];
  readonly extraObjects?: readonly object[];
  readonly clientRoutes?: readonly object[];
  readonly clientHosts?: readonly object[];
  readonly serverHosts?: readonly object[];
  readonly clientStats?: { ldsRejected?: number; extra?: string[] };
  readonly serverStats?: { extra?: string[] };
  /** The server's Envoy is down: its admin API did not answer, istiod does not list it. */
  readonly serverEnvoyDown?: boolean;
  /** istiod's lastError per proxy and type (a NACK istiod reports now). */
  readonly nack?: { proxy: 'client' | 'server'; type: 'LDS' | 'RDS' | 'CDS'; error: string };
  readonly noSyncz?: boolean;
}

const TYPES: Record<string, string> = { CDS: 'envoy.config.cluster.v3.Cluster', LDS: 'envoy.config.listener.v3.Listener', RDS: 'envoy.config.route.v3.RouteConfiguration', EDS: 'envoy.config.endpoint.v3.ClusterLoadAssignment' };

function syncz(s: Scenario) {
  const entry = (p: { name: string }, role: 'client' | 'server') => {
    const resources: Record<string, object> = {};
    for (const [t, url] of Object.entries(TYPES)) {
      const nack = s.nack && s.nack.proxy === role && s.nack.type === t;
      resources[api(url)] = { sent: nack ? 'b6c1e0a7-0c52-4b5e-9e1f-3d2f1c0a9b11' : '8f2d7a30-5a1e-4c49-8b0e-2f6a1d9c4e02', acked: '8f2d7a30-5a1e-4c49-8b0e-2f6a1d9c4e02', sentTime: '2026-12-04T18:10:02.401Z', ...(nack ? { lastError: s.nack!.error } : {}) };
    }
    return { cluster_id: 'Kubernetes', proxy: `${p.name}.${NS}`, proxy_type: 'sidecar', proxy_version: '1.31.0', istio_version: '1.31.0', resources };
  };
  return [entry(CLIENT, 'client'), ...(s.serverEnvoyDown ? [] : [entry(SERVER, 'server')])];
}

/** The files of a capture (path → text), as `istio-ts capture` writes them. */
export function captureFiles(s: Scenario): Map<string, string> {
  const files = new Map<string, string>(Object.entries(objects([...(s.extraObjects ?? [])])));
  const client: string[] = [...AGENT];
  const server: string[] = [...AGENT];
  s.requests.forEach((r, i) => {
    const l = lines(i, r);
    client.push(l.client);
    if (l.server) server.push(l.server);
  });
  const cdir = `proxies/${NS}/${CLIENT.name}`;
  const sdir = `proxies/${NS}/${SERVER.name}`;
  const ok = s.requests.filter((r) => r.code === 200).length;
  files.set(`${cdir}/config_dump.json`, configDump('client', { ...(s.clientRoutes ? { routes: [...s.clientRoutes] } : {}) }));
  files.set(`${cdir}/clusters.json`, clustersJson(OUT, [...(s.clientHosts ?? [hostStatus(SERVER.ip, 9080, { cx_total: 1, rq_success: ok, rq_total: s.requests.length, rq_error: s.requests.length - ok })])]));
  files.set(`${cdir}/stats.txt`, statsText(s.clientStats ?? {}));
  files.set(`${cdir}/istio-proxy.log`, `${client.join('\n')}\n`);
  if (!s.serverEnvoyDown) {
    files.set(`${sdir}/config_dump.json`, configDump('server', {}));
    files.set(`${sdir}/clusters.json`, clustersJson('inbound|9080||', [...(s.serverHosts ?? [hostStatus('127.0.0.1', SERVER.appPort, { cx_total: 1, rq_success: ok, rq_total: s.requests.length })])]));
    files.set(`${sdir}/stats.txt`, statsText({ extra: s.serverStats?.extra ?? [] }));
  }
  // Its Envoy down or not, the container log is read through the API server.
  files.set(`${sdir}/istio-proxy.log`, `${server.join('\n')}\n`);
  if (!s.noSyncz) files.set('istiod/syncz.json', `${JSON.stringify(syncz(s), null, 1)}\n`);
  const notCollected = s.serverEnvoyDown ? ['config_dump.json', 'clusters.json', 'stats.txt'].map((f) => ({ file: `${sdir}/${f}`, reason: 'unreachable', error: `${SERVER.name}.${NS}: Envoy admin GET /ready: dial tcp ${SERVER.ip}:15000: connect: connection refused` })) : [];
  files.set('capture.json', `${JSON.stringify({ from: `${CLIENT.name}.${NS}`, to: `${HOST}:9080`, time: TIME, istioTsVersion: '0.1.0', ...(notCollected.length ? { notCollected } : {}) }, null, 2)}\n`);
  return files;
}

export { hostStatus };
