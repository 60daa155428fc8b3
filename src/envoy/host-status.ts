/**
 * Envoy /clusters?format=json: per cluster, the hosts Envoy is balancing over, their health and
 * per-host counters. Unlike /stats these counters are never trimmed by Istio's stats matcher, so
 * they are the evidence that exists on a default install (cx_connect_fail, rq_error, rq_timeout).
 */
import { type Obj, arr, field, isObj, num, obj, str } from './configdump.js';
import type { EndpointFilter } from './eds.js';
import { cmp } from './names.js';
import { stableSort } from './clusters.js';

export interface HostRow {
  address: string;
  port: number;
  /** Envoy HealthStatus name from EDS (HEALTHY, UNHEALTHY, DRAINING…); UNKNOWN when absent. */
  status: string;
  /** FAILED when outlier detection has ejected the host. */
  outlierCheck: 'OK' | 'FAILED';
  cluster: string;
  stats: Record<string, number>;
}

export interface ClusterStatus {
  name: string;
  hosts: HostRow[];
}

export function parseClustersJson(text: string): ClusterStatus[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`not a /clusters?format=json response: ${(e as Error).message}`);
  }
  return arr(field(obj(data), 'cluster_statuses')).map((c) => {
    const co = obj(c);
    const name = str(co.name);
    const hosts = arr(field(co, 'host_statuses')).map((h) => hostRow(obj(h), name));
    return { name, hosts };
  });
}

function hostRow(h: Obj, cluster: string): HostRow {
  const addr = obj(h.address);
  const sock = field(addr, 'socket_address');
  let address = 'unknown';
  let port = 0;
  if (isObj(sock)) {
    address = str(sock.address);
    port = num(field(sock, 'port_value'));
  } else if (isObj(addr.pipe)) address = str(addr.pipe.path);
  else if (isObj(field(addr, 'envoy_internal_address'))) {
    const ia = obj(field(addr, 'envoy_internal_address'));
    address = `envoy://${str(field(ia, 'server_listener_name'))}/${str(field(ia, 'endpoint_id'))}`;
  }
  const hs = obj(field(h, 'health_status'));
  const stats: Record<string, number> = {};
  // Counters at zero are printed without "value".
  for (const s of arr(h.stats).map(obj)) stats[str(s.name)] = num(s.value);
  return {
    address,
    port,
    status: str(field(hs, 'eds_health_status')) || 'UNKNOWN',
    outlierCheck: field(hs, 'failed_outlier_check') === true ? 'FAILED' : 'OK',
    cluster,
    stats,
  };
}

export function hostMatches(h: HostRow, f: EndpointFilter): boolean {
  if (f.address && h.address.toLowerCase() !== f.address.toLowerCase()) return false;
  if (f.port && h.port !== f.port) return false;
  if (f.cluster && h.cluster.toLowerCase() !== f.cluster.toLowerCase()) return false;
  if (f.status && h.status.toLowerCase() !== f.status.toLowerCase()) return false;
  return true;
}

/** Hosts passing the filter, sorted by address, port, cluster (istioctl's order). */
export function hostRows(clusters: readonly ClusterStatus[], f: EndpointFilter): HostRow[] {
  const rows = clusters.flatMap((c) => c.hosts.filter((h) => hostMatches(h, f)));
  return stableSort(rows, (a, b) => cmp(a.address, b.address) || a.port - b.port || cmp(a.cluster, b.cluster));
}

/** The raw cluster entries with at least one host passing the filter (for -o json|yaml). */
export function filterClustersJson(text: string, f: EndpointFilter): Obj[] {
  const data = obj(JSON.parse(text));
  const parsed = parseClustersJson(text);
  return arr(field(data, 'cluster_statuses'))
    .map(obj)
    .filter((_c, i) => parsed[i]!.hosts.some((h) => hostMatches(h, f)));
}
