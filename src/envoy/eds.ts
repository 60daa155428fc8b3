/** EDS (ClusterLoadAssignment) entries from a config dump taken with include_eds. */
import { type ConfigDump, type Obj, flattenSection, arr, field, isObj, num, obj, section, str, MissingSectionError } from './configdump.js';
import { compareClusterNames } from './names.js';
import { stableSort } from './clusters.js';

export interface EndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  status?: string;
}

export interface EdsRow {
  address: string;
  status: string;
  locality: string;
  cluster: string;
}

export function endpointAddress(ep: Obj): string {
  const addr = obj(field(obj(ep.endpoint), 'address'));
  const sock = field(addr, 'socket_address');
  if (isObj(sock)) return `${str(sock.address)}:${num(field(sock, 'port_value'))}`;
  const pipe = addr.pipe;
  if (isObj(pipe)) return str(pipe.path);
  // Ambient/waypoint endpoints point at an internal listener: envoy://<listener>/<endpoint id>.
  const internal = field(addr, 'envoy_internal_address');
  if (isObj(internal)) {
    const listener = str(field(internal, 'server_listener_name'));
    if (listener) return `envoy://${listener}/${str(field(internal, 'endpoint_id'))}`;
  }
  return 'unknown';
}

function endpointPort(ep: Obj): number {
  return num(field(obj(field(obj(field(obj(ep.endpoint), 'address')), 'socket_address')), 'port_value'));
}

/** Envoy omits the proto default health status, UNKNOWN. */
export function healthStatus(ep: Obj): string {
  return str(field(ep, 'health_status')) || 'UNKNOWN';
}

export function localityToString(l: unknown): string {
  if (!isObj(l)) return '';
  let s = str(l.region);
  const zone = str(l.zone);
  if (!zone) return s;
  s += `/${zone}`;
  const sub = str(field(l, 'sub_zone'));
  return sub ? `${s}/${sub}` : s;
}

export function endpointMatches(ep: Obj, cluster: string, f: EndpointFilter): boolean {
  if (f.address && endpointAddress(ep).toLowerCase() !== f.address.toLowerCase()) return false;
  if (f.port && endpointPort(ep) !== f.port) return false;
  if (f.cluster && cluster.toLowerCase() !== f.cluster.toLowerCase()) return false;
  if (f.status && healthStatus(ep).toLowerCase() !== f.status.toLowerCase()) return false;
  return true;
}

/**
 * Cluster load assignments with only the endpoints that pass the filter; assignments left with
 * none are dropped. Dynamic then static, sorted like clusters.
 */
export function listEds(dump: ConfigDump, f: EndpointFilter = {}): Obj[] {
  const s = section(dump, 'endpoints');
  if (!s) {
    throw new MissingSectionError('config dump has no endpoints (EDS)', `Envoy leaves EDS out of /config_dump unless asked: curl -s 'localhost:15000/config_dump?include_eds'`);
  }
  const out: Obj[] = [];
  const take = (cfg: unknown) => {
    const cla = obj(cfg);
    const cluster = str(field(cla, 'cluster_name'));
    let count = 0;
    const endpoints = arr(cla.endpoints).map((llb) => {
      const l = obj(llb);
      const kept = arr(field(l, 'lb_endpoints')).map(obj).filter((ep) => endpointMatches(ep, cluster, f));
      count += kept.length;
      const copy: Obj = { ...l };
      const key = 'lb_endpoints' in l ? 'lb_endpoints' : 'lbEndpoints';
      copy[key] = kept;
      return copy;
    });
    if (count > 0) out.push({ ...cla, endpoints });
  };
  for (const cla of flattenSection(s, [
    ['dynamic_endpoint_configs', 'endpoint_config'],
    ['static_endpoint_configs', 'endpoint_config'],
  ]))
    take(cla);
  return stableSort(out, (a, b) => compareClusterNames(str(field(a, 'cluster_name')), str(field(b, 'cluster_name'))));
}

export function edsRows(assignments: readonly Obj[]): EdsRow[] {
  const rows: EdsRow[] = [];
  for (const cla of assignments) {
    const cluster = str(field(cla, 'cluster_name'));
    for (const llb of arr(cla.endpoints).map(obj)) {
      for (const ep of arr(field(llb, 'lb_endpoints')).map(obj)) {
        rows.push({ address: endpointAddress(ep), status: healthStatus(ep), locality: localityToString(llb.locality), cluster });
      }
    }
  }
  return rows;
}

/** The JSON shape istioctl prints: the assignment without its Any type URL, in protojson names. */
export function edsForOutput(assignments: readonly Obj[]): Obj[] {
  return assignments.map((a) => {
    const { ['@type']: _t, ...rest } = a;
    return rest;
  });
}
