/**
 * The config path in the first proxy of the request (client sidecar, or each gateway), walked
 * like Consul's `troubleshoot proxy`: listener for the port → route (virtual host and match) →
 * cluster → healthy endpoints. When a cluster has no endpoint, the cause is looked up instead of
 * blamed on the proxy: a DestinationRule subset that selects no ready pod (client config), a
 * Service with no ready pod (the app; pod-status reports it), or ready pods istiod did not push.
 */
import { listClusters, clusterType } from '../../envoy/clusters.js';
import { type ConfigDump, type Obj, arr, field, isObj, obj, str, section } from '../../envoy/configdump.js';
import { listEds, edsRows } from '../../envoy/eds.js';
import { listListeners, listenerAddress, listenerPort } from '../../envoy/listeners.js';
import { listRoutes } from '../../envoy/routes.js';
import { parseSubsetKey } from '../../envoy/names.js';
import { summarizeList } from '../evidence.js';
import { hostAliases, type PodView, type RequestPath } from '../path.js';
import { isReady } from './pod-status.js';
import { defineProbe, proxyLabel, sidecarSegment, type ProbeContext } from './types.js';

const HCM = 'envoy.filters.network.http_connection_manager';
const TCP_PROXY = 'envoy.filters.network.tcp_proxy';

interface Hop {
  listener?: string;
  routeName?: string;
  clusters: string[];
}

function chainsOf(l: Obj): Obj[] {
  const chains = arr(field(l, 'filter_chains')).map(obj);
  const def = field(l, 'default_filter_chain');
  if (isObj(def)) chains.push(def);
  return chains;
}

function routeClusters(route: Obj): string[] {
  const action = obj(route.route);
  const c = str(action.cluster);
  if (c) return [c];
  return arr(field(obj(field(action, 'weighted_clusters')), 'clusters')).map((w) => str(obj(w).name)).filter(Boolean);
}

function pathMatches(match: Obj, p: string): boolean {
  const prefix = field(match, 'prefix');
  if (typeof prefix === 'string') return p.startsWith(prefix);
  const exact = field(match, 'path');
  if (typeof exact === 'string') return p === exact;
  const psp = field(match, 'path_separated_prefix');
  if (typeof psp === 'string') return p === psp || p.startsWith(`${psp}/`);
  const re = field(match, 'safe_regex');
  if (isObj(re)) {
    try {
      return new RegExp(`^(?:${str(re.regex)})$`).test(p);
    } catch {
      return false;
    }
  }
  return false;
}

function domainMatches(domain: string, aliases: readonly string[]): boolean {
  if (domain === '*') return true;
  if (domain.startsWith('*')) return aliases.some((a) => a.endsWith(domain.slice(1)));
  return aliases.includes(domain);
}

/** The first matching route of a route config for the host and path (Envoy picks the first match). */
function findRoute(rc: Obj, aliases: readonly string[], p: string): { vhost: string; clusters: string[] } | undefined {
  // Envoy prefers an exact domain over a wildcard; Istio adds the catch-all "*" vhost last.
  const vhosts = arr(field(rc, 'virtual_hosts')).map(obj);
  const exact = vhosts.find((vh) => arr(vh.domains).map(str).some((d) => d !== '*' && domainMatches(d, aliases)));
  const vh = exact ?? vhosts.find((v) => arr(v.domains).map(str).includes('*'));
  if (!vh) return undefined;
  for (const r of arr(vh.routes).map(obj)) {
    if (!pathMatches(obj(r.match), p)) continue;
    const clusters = routeClusters(r);
    // The catch-all vhost sends unknown hosts to PassthroughCluster: not a route to the target.
    if (!exact && clusters.every((c) => c === 'PassthroughCluster' || c === 'BlackHoleCluster')) return undefined;
    return { vhost: str(vh.name), clusters };
  }
  return undefined;
}

interface WalkArgs {
  ctx: ProbeContext;
  pod: PodView;
  dump: ConfigDump;
  file: string;
  path: RequestPath;
}

function walk({ ctx, pod, dump, file, path }: WalkArgs): void {
  const segment = sidecarSegment(pod);
  const proxy = proxyLabel(pod);
  const base = { proxy, name: pod.name, namespace: pod.namespace, host: path.service?.fqdn ?? path.host, port: path.port ?? 0, path: ctx.options.httpPath ?? '' };
  const aliases = hostAliases(path);
  const httpPath = ctx.options.httpPath ?? '/';
  if (!section(dump, 'listeners')) return;
  let listeners: Obj[] = [];
  try {
    listeners = listListeners(dump);
  } catch {
    listeners = [];
  }
  const routes = section(dump, 'routes') ? safe(() => listRoutes(dump)) : [];
  const hop: Hop = { clusters: [] };
  if (pod.role === 'gateway') {
    // A gateway listens on the Gateway server ports; find any route that reaches the target.
    const dynamic = listeners.filter((l) => listenerPort(l) > 0 && !str(l.name).startsWith('virtual') && listenerPort(l) < 15000);
    if (dynamic.length === 0) {
      ctx.report('path.listener-missing', segment, { ...base, port: 'any Gateway server port', where: "none besides Istio's own" }, `${file}: dynamic_listeners (none besides Istio's own)`);
      return;
    }
    const fqdn = path.service?.fqdn ?? path.host;
    for (const rc of routes) {
      for (const vh of arr(field(rc, 'virtual_hosts')).map(obj)) {
        for (const r of arr(vh.routes).map(obj)) {
          const cs = routeClusters(r).filter((c) => parseSubsetKey(c)?.fqdn === fqdn);
          if (cs.length && pathMatches(obj(r.match), httpPath) && hop.clusters.length === 0) {
            hop.routeName = str(rc.name);
            hop.clusters = cs;
            ctx.report('path.route', segment, { ...base, route: str(rc.name), vhost: str(vh.name), host: summarizeList(arr(vh.domains).map(str)), cluster: summarizeList(cs) }, `${file}: dynamic_route_configs ${str(rc.name)}`);
          }
        }
      }
    }
    if (hop.clusters.length === 0) {
      ctx.report('path.route-missing', segment, { ...base, route: summarizeList(routes.map((r) => str(r.name)).filter(Boolean)) || '(none)', host: fqdn }, `${file}: dynamic_route_configs`);
      return;
    }
  } else {
    // To a pod IP (no Service) a sidecar has no host-specific route or cluster: the request goes
    // through the port's listener to PassthroughCluster (ORIGINAL_DST). Nothing to walk; other
    // probes speak for this segment.
    if (!path.service || path.port === undefined) return;
    const port = path.port;
    const l = pickListener(listeners, port, path, pod, routes, aliases, httpPath);
    if (!l) {
      const ip = clusterIp(path);
      const where = ['0.0.0.0 or ::', ...(ip ? [`the Service IP ${ip}`] : []), ...(pod.ip ? [`the pod IP ${pod.ip} (Sidecar egress bind)`] : [])].join(', ');
      ctx.report('path.listener-missing', segment, { ...base, where: `looked for ${where}` }, `${file}: dynamic_listeners`);
      return;
    }
    hop.listener = str(l.name);
    const filters = chainsOf(l).flatMap((c) => arr(c.filters).map(obj));
    const hcm = filters.find((f) => f.name === HCM);
    if (hcm) {
      const rds = obj(field(obj(field(hcm, 'typed_config')), 'rds'));
      hop.routeName = str(field(rds, 'route_config_name'));
      ctx.report('path.listener', segment, { ...base, listener: hop.listener }, `${file}: dynamic_listeners ${hop.listener}`);
      const rc = routes.find((r) => str(r.name) === hop.routeName);
      const found = rc ? findRoute(rc, aliases, httpPath) : undefined;
      if (!rc || !found) {
        ctx.report('path.route-missing', segment, { ...base, route: hop.routeName }, `${file}: dynamic_route_configs ${hop.routeName}`);
        return;
      }
      hop.clusters = found.clusters;
      ctx.report('path.route', segment, { ...base, route: hop.routeName, vhost: found.vhost, cluster: summarizeList(found.clusters) }, `${file}: dynamic_route_configs ${hop.routeName}, virtual host ${found.vhost}`);
    } else {
      const tcp = filters.find((f) => f.name === TCP_PROXY);
      const cluster = str(obj(field(tcp ?? {}, 'typed_config')).cluster);
      if (!cluster) {
        ctx.report('path.listener-missing', segment, { ...base, where: `${hop.listener} has no HTTP or TCP proxy filter` }, `${file}: dynamic_listeners ${hop.listener} (no HTTP or TCP proxy filter)`);
        return;
      }
      hop.clusters = [cluster];
      ctx.report('path.tcp', segment, { ...base, listener: hop.listener, cluster }, `${file}: dynamic_listeners ${hop.listener}`);
    }
  }
  checkClusters(ctx, pod, dump, file, path, hop.clusters, base);
}

function checkClusters(ctx: ProbeContext, pod: PodView, dump: ConfigDump, file: string, path: RequestPath, names: string[], base: Record<string, string | number>): void {
  const segment = sidecarSegment(pod);
  const clusters = section(dump, 'clusters') ? safe(() => listClusters(dump)) : [];
  const eds = section(dump, 'endpoints') ? safe(() => edsRows(listEds(dump))) : undefined;
  for (const name of names) {
    const c = clusters.find((x) => str(x.name) === name);
    if (!c) {
      ctx.report('path.cluster-missing', segment, { ...base, cluster: name }, `${file}: dynamic_active_clusters`);
      continue;
    }
    ctx.report('path.cluster', segment, { ...base, cluster: name, type: clusterType(c) }, `${file}: dynamic_active_clusters ${name}`);
    if (clusterType(c) !== 'EDS') continue;
    // Prefer /clusters (what Envoy balances over right now) over the EDS dump.
    const live = pod.proxy?.clusters?.find((s) => s.name === name);
    const rows = live
      ? live.hosts.map((h) => ({ address: `${h.address}:${h.port}`, healthy: h.status === 'HEALTHY' && h.outlierCheck === 'OK', ejected: h.outlierCheck === 'FAILED' }))
      : eds?.filter((r) => r.cluster === name).map((r) => ({ address: r.address, healthy: r.status === 'HEALTHY', ejected: false }));
    if (!rows) continue;
    const src = live ? `${pod.proxy!.files.clusters}: cluster_statuses ${name}` : `${file}: dynamic_endpoint_configs ${name}`;
    const healthy = rows.filter((r) => r.healthy);
    if (healthy.length > 0) {
      ctx.report('path.endpoints', segment, { ...base, cluster: name, healthy: healthy.length, total: rows.length, addresses: summarizeList(healthy.map((r) => r.address)) }, src);
      continue;
    }
    // Endpoints that istiod pushed but Envoy does not balance to: ejected by outlier detection
    // (the app failed), or failing health checks. Not a push problem.
    if (rows.length > 0 && rows.every((r) => r.ejected)) {
      ctx.report('path.endpoints-ejected', segment, { ...base, cluster: name, total: rows.length, addresses: summarizeList(rows.map((r) => r.address)) }, src);
      continue;
    }
    if (rows.length > 0) {
      ctx.report('path.endpoints-no-pods', segment, { ...base, cluster: name, total: rows.length }, src);
      continue;
    }
    const key = parseSubsetKey(name);
    const readyServers = path.servers.filter(isReady);
    if (key?.subset) {
      const dr = findSubset(path, key.fqdn, key.subset);
      const selected = dr ? readyServers.filter((p) => Object.entries(dr.labels).every(([k, v]) => (p.object.metadata.labels as Record<string, string> | undefined)?.[k] === v)) : [];
      if (readyServers.length > 0 && selected.length === 0) {
        ctx.report('path.endpoints-subset-empty', segment, { ...base, cluster: name, subset: key.subset, dr: dr?.name ?? '(none defines it)' }, `${src}; ${dr?.source ?? 'cluster/*.yaml'}: subsets[${key.subset}].labels`);
        continue;
      }
    }
    if (readyServers.length > 0) ctx.report('path.endpoints-not-pushed', 'control-plane', { ...base, cluster: name, ready: readyServers.length }, src);
    else ctx.report('path.endpoints-no-pods', segment, { ...base, cluster: name, total: rows.length }, src);
  }
}

function findSubset(path: RequestPath, fqdn: string, subset: string): { name: string; labels: Record<string, string>; source: string } | undefined {
  for (const o of path.objects) {
    if (o.object.kind !== 'DestinationRule') continue;
    const spec = (o.object.spec ?? {}) as Record<string, unknown>;
    const host = String(spec.host ?? '');
    const ns = String(o.object.metadata.namespace ?? 'default');
    const hostFqdn = host.includes('.') ? (host.split('.').length === 2 ? `${host}.svc.cluster.local` : host) : `${host}.${ns}.svc.cluster.local`;
    if (hostFqdn !== fqdn) continue;
    const s = ((spec.subsets ?? []) as Record<string, unknown>[]).find((x) => x.name === subset);
    if (s) return { name: `${ns}/${String(o.object.metadata.name)}`, labels: (s.labels ?? {}) as Record<string, string>, source: `${o.source.file}:${o.source.line}` };
  }
  return undefined;
}

function clusterIp(path: RequestPath): string | undefined {
  const ip = path.service?.object.spec?.clusterIP;
  return typeof ip === 'string' && ip !== '' && ip !== 'None' ? ip : undefined;
}

const WILDCARD = new Set(['0.0.0.0', '::']);

/**
 * The outbound listener the app's connection to PORT lands on. With iptables interception that is
 * `0.0.0.0_PORT` (HTTP) or `<Service IP>_PORT` (TCP); with interception NONE and a Sidecar egress
 * `bind`, Envoy itself listens on `<bind address>_PORT` (usually the pod IP, sometimes 127.0.0.1)
 * and the app connects there. Any outbound listener on the port is a candidate; the first, in
 * that order, whose route or TCP proxy reaches the target is the one, else the first candidate
 * (to report what it lacks). A listener on another Service's IP never routes to the target.
 */
function pickListener(listeners: readonly Obj[], port: number, path: RequestPath, pod: PodView, routes: readonly Obj[], aliases: readonly string[], httpPath: string): Obj | undefined {
  const ip = clusterIp(path);
  const rank = (l: Obj): number => {
    const a = listenerAddress(l);
    if (ip && a === ip) return 0;
    if (pod.ip && a === pod.ip) return 1;
    if (WILDCARD.has(a)) return 2;
    return 3;
  };
  const outbound = listeners.filter((l) => listenerPort(l) === port && str(field(l, 'traffic_direction')) !== 'INBOUND');
  const candidates = outbound.sort((a, b) => rank(a) - rank(b));
  const fqdn = path.service?.fqdn;
  const reaches = (l: Obj): boolean => {
    const filters = chainsOf(l).flatMap((c) => arr(c.filters).map(obj));
    const hcm = filters.find((f) => f.name === HCM);
    if (hcm) {
      const name = str(field(obj(field(obj(field(hcm, 'typed_config')), 'rds')), 'route_config_name'));
      const rc = routes.find((r) => str(r.name) === name);
      return !!rc && !!findRoute(rc, aliases, httpPath);
    }
    const cluster = str(obj(field(filters.find((f) => f.name === TCP_PROXY) ?? {}, 'typed_config')).cluster);
    return !!cluster && (!fqdn || parseSubsetKey(cluster)?.fqdn === fqdn);
  };
  // A bound address other than ours, the Service's or a wildcard is only a candidate when it
  // reaches the target: it may be another Service's IP on the same port.
  return candidates.find(reaches) ?? candidates.find((l) => rank(l) < 3);
}

function safe<T>(fn: () => T[]): T[] {
  try {
    return fn();
  } catch {
    return [];
  }
}

export const configPathProbe = defineProbe({
  name: 'config-path',
  description: 'The first proxy has a listener, a route, a cluster and healthy endpoints for the target',
  reads: ['proxies/<ns>/<pod>/config_dump.json', 'proxies/<ns>/<pod>/clusters.json'],
  evidence: ['path.listener', 'path.listener-missing', 'path.route', 'path.route-missing', 'path.tcp', 'path.cluster', 'path.cluster-missing', 'path.endpoints', 'path.endpoints-subset-empty', 'path.endpoints-no-pods', 'path.endpoints-ejected', 'path.endpoints-not-pushed', 'path.no-dump'],
  run(ctx) {
    const first = ctx.path.ingress ? ctx.path.gateways : [...(ctx.path.client ? [ctx.path.client] : []), ...ctx.path.gateways];
    for (const pod of first) {
      const dump = pod.proxy?.configDump;
      const file = pod.proxy?.files.configDump;
      if (!dump || !file) {
        if (pod.proxy || pod.role === 'gateway') ctx.report('path.no-dump', sidecarSegment(pod), { proxy: proxyLabel(pod) }, `proxies/${pod.namespace}/${pod.name}/`);
        continue;
      }
      walk({ ctx, pod, dump, file, path: ctx.path });
    }
  },
});
