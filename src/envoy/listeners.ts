/** Listeners from a config dump (`proxy-config listener`). */
import { stableSort } from './clusters.js';
import { type ConfigDump, type Obj, flattenSection, arr, field, isObj, num, obj, requireSection, str, MissingSectionError } from './configdump.js';
import { cmp } from './names.js';

const HCM = 'envoy.filters.network.http_connection_manager';
const TCP_PROXY = 'envoy.filters.network.tcp_proxy';
const BLACKHOLE = 'BlackHoleCluster';

export interface ListenerFilter {
  address?: string;
  port?: number;
  type?: string;
}

export interface ListenerRow {
  name: string;
  addresses: string;
  port: number;
  /** Verbose rows: one per filter chain (and matcher-tree branch). */
  match: string;
  destination: string;
  /** Non-verbose rows: HTTP, TCP, HTTP+TCP or UNKNOWN. */
  type: string;
}

export function listListeners(dump: ConfigDump): Obj[] {
  const out = flattenSection(requireSection(dump, 'listeners'), [
    ['dynamic_listeners', 'active_state', 'listener'],
    ['static_listeners', 'listener'],
  ]);
  if (out.length === 0) throw new MissingSectionError('no listeners found');
  return out;
}

export function listenerAddress(l: Obj): string {
  const a = obj(field(l, 'address'));
  const sock = field(a, 'socket_address');
  if (isObj(sock)) return str(sock.address);
  const pipe = field(a, 'pipe');
  if (isObj(pipe)) return str(pipe.path);
  return '';
}

export function listenerAdditionalAddresses(l: Obj): string[] {
  return arr(field(l, 'additional_addresses')).map((x) => str(obj(field(obj(obj(x).address), 'socket_address')).address));
}

export function listenerPort(l: Obj): number {
  return num(field(obj(field(obj(field(l, 'address')), 'socket_address')), 'port_value'));
}

function filterChains(l: Obj): Obj[] {
  const chains = arr(field(l, 'filter_chains')).map(obj);
  const def = field(l, 'default_filter_chain');
  if (isObj(def)) chains.push(def);
  return chains;
}

function filtersOf(chain: Obj): Obj[] {
  return arr(chain.filters).map(obj);
}

/** A tcp_proxy that only sends to BlackHoleCluster is Istio's catch-all, not a TCP service. */
function isBlackHole(filter: Obj): boolean {
  return JSON.stringify(field(filter, 'typed_config') ?? {}).includes(BLACKHOLE);
}

export function listenerType(l: Obj): string {
  let nHttp = 0;
  let nTcp = 0;
  for (const chain of filterChains(l)) {
    for (const f of filtersOf(chain)) {
      if (f.name === HCM) nHttp++;
      else if (f.name === TCP_PROXY && !isBlackHole(f)) nTcp++;
    }
  }
  if (nHttp > 0) return nTcp === 0 ? 'HTTP' : 'HTTP+TCP';
  return nTcp > 0 ? 'TCP' : 'UNKNOWN';
}

export function listenerMatches(l: Obj, f: ListenerFilter): boolean {
  if (f.address) {
    const all = [...listenerAdditionalAddresses(l), listenerAddress(l)];
    if (!all.some((a) => a.toLowerCase() === f.address!.toLowerCase())) return false;
  }
  if (f.port && listenerPort(l) !== f.port) return false;
  if (f.type && listenerType(l).toLowerCase() !== f.type.toLowerCase()) return false;
  return true;
}

/** Filtered and sorted by port, address, type (istioctl's order). */
export function filterListeners(listeners: readonly Obj[], f: ListenerFilter): Obj[] {
  return stableSort(
    listeners.filter((l) => listenerMatches(l, f)),
    (a, b) => listenerPort(a) - listenerPort(b) || cmp(listenerAddress(a), listenerAddress(b)) || cmp(listenerType(a), listenerType(b)),
  );
}

// ALPN sets Istio configures on its filter chains, shown by name instead of as a list.
const PROTOCOL_DESCRIPTIONS: [string, string[]][] = [
  ['App: HTTP TLS', ['http/1.0', 'http/1.1', 'h2c', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: Istio HTTP Plain', ['istio', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2']],
  ['App: TCP TLS', ['istio-peer-exchange', 'istio']],
  ['App: HTTP', ['http/1.0', 'http/1.1', 'h2c']],
];

export function describeFilterChainMatch(m: unknown): string {
  const match = obj(m);
  const descrs: string[] = [];
  const sni = arr(field(match, 'server_names')).map(str);
  if (sni.length > 0) descrs.push(`SNI: ${sni.join(',')}`);
  const trans = str(field(match, 'transport_protocol'));
  if (trans) descrs.push(`Trans: ${trans}`);
  const alpn = arr(field(match, 'application_protocols')).map(str);
  if (alpn.length > 0) {
    const known = PROTOCOL_DESCRIPTIONS.find(([, p]) => p.length === alpn.length && p.every((x, i) => x === alpn[i]));
    descrs.push(known ? known[0] : `App: ${alpn.join(',')}`);
  }
  const dp = field(match, 'destination_port');
  const port = dp !== undefined && dp !== null ? `:${num(isObj(dp) ? dp.value : dp)}` : '';
  const ranges = arr(field(match, 'prefix_ranges')).map(obj);
  if (ranges.length > 0) {
    const pf = ranges.map((r) => `${str(field(r, 'address_prefix'))}/${num(field(r, 'prefix_len'))}`);
    descrs.push(`Addr: ${pf.join(',')}${port}`);
  } else if (port) {
    descrs.push(`Addr: *${port}`);
  }
  return descrs.length === 0 ? 'ALL' : descrs.join('; ');
}

function clusterLabel(cluster: string): string {
  // Istio's special clusters (PassthroughCluster, BlackHoleCluster, InboundPassthroughCluster…)
  // are shown bare.
  return cluster.includes('Cluster') ? cluster : `Cluster: ${cluster}`;
}

export function describeFilters(filters: readonly Obj[]): string {
  for (const f of filters) {
    if (f.name === HCM) {
      const hcm = obj(field(f, 'typed_config'));
      const rc = field(hcm, 'route_config');
      if (isObj(rc)) return describeInlineRouteConfig(rc);
      const rds = field(hcm, 'rds');
      const name = isObj(rds) ? str(field(rds, 'route_config_name')) : '';
      if (name) return `Route: ${name}`;
      return 'HTTP';
    }
    if (f.name === TCP_PROXY && !isBlackHole(f)) {
      return clusterLabel(str(obj(field(f, 'typed_config')).cluster));
    }
  }
  return 'Non-HTTP/Non-TCP';
}

function describeInlineRouteConfig(rc: Obj): string {
  const vhosts = arr(field(rc, 'virtual_hosts')).map(obj);
  // A route config that sends everything to one cluster is shown as that cluster.
  if (vhosts.length === 1) {
    const vh = vhosts[0]!;
    const domains = arr(vh.domains).map(str);
    const routes = arr(vh.routes).map(obj);
    if (domains.length === 1 && domains[0] === '*' && routes.length === 1) {
      const r = routes[0]!;
      const cluster = isObj(r.route) ? str(r.route.cluster) : '';
      if (str(obj(r.match).prefix) === '/' && cluster) return clusterLabel(cluster);
    }
  }
  const parts = vhosts.map((vh) => {
    const domains = arr(vh.domains).map(str);
    const d = domains.length === 1 && domains[0] === '*' ? '' : domains.join('/');
    const routes = arr(vh.routes).map((r) => describeRouteMatch(obj(r).match)).join(', ');
    return d === '' ? routes : `${d} ${routes}`;
  });
  return `Inline Route: ${parts.join('; ')}`;
}

/** How istioctl summarizes a route match: `prefix*`, `PathPrefix:/p`, `/exact`, `regex re`; headers are ignored. */
export function describeRouteMatch(m: unknown): string {
  const match = obj(m);
  const conds: string[] = [];
  const prefix = str(match.prefix);
  if (prefix) conds.push(`${prefix}*`);
  const psp = str(field(match, 'path_separated_prefix'));
  if (psp) conds.push(`PathPrefix:${psp}`);
  const path = str(match.path);
  if (path) conds.push(path);
  const re = field(match, 'safe_regex');
  if (isObj(re)) conds.push(`regex ${str(re.regex)}`);
  return conds.join(' ');
}

export function listenerRows(listeners: readonly Obj[], verbose: boolean): ListenerRow[] {
  const rows: ListenerRow[] = [];
  for (const l of listeners) {
    const name = str(l.name);
    const addresses = [listenerAddress(l), ...listenerAdditionalAddresses(l)].join(',');
    const port = listenerPort(l);
    const type = listenerType(l);
    if (!verbose) {
      rows.push({ name, addresses, port, match: '', destination: '', type });
      continue;
    }
    // Chains selected by a filter_chain_matcher tree (ambient, waypoints) have no
    // filter_chain_match and show as ALL, as in istioctl.
    const chains = filterChains(l).map((chain) => ({
      match: describeFilterChainMatch(field(chain, 'filter_chain_match')),
      destination: describeFilters(filtersOf(chain)),
    }));
    // istioctl orders a listener's chains by destination, descending.
    for (const c of stableSort(chains, (a, b) => cmp(b.destination, a.destination))) {
      rows.push({ name, addresses, port, match: c.match, destination: c.destination, type });
    }
  }
  return rows;
}
