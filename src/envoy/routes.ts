/** Route configurations from a config dump (`proxy-config route`). */
import { type ConfigDump, type Obj, flattenSection, arr, field, isObj, obj, requireSection, str, MissingSectionError } from './configdump.js';
import { describeRouteMatch } from './listeners.js';
import { describeManagement } from './names.js';

export interface RouteFilter {
  name?: string;
}

export interface RouteRow {
  name: string;
  vhost: string;
  domains: string;
  match: string;
  virtualService: string;
  /** Non-verbose rows: number of virtual hosts. */
  virtualHosts: number;
}

export function listRoutes(dump: ConfigDump): Obj[] {
  const out = flattenSection(requireSection(dump, 'routes'), [
    ['dynamic_route_configs', 'route_config'],
    ['static_route_configs', 'route_config'],
  ]);
  if (out.length === 0) throw new MissingSectionError('no routes found');
  return sortRoutes(out);
}

/**
 * istioctl sorts route configs with a comparator that orders numerically named ones (sidecar
 * outbound routes are named by port: "80", "9080") and treats every other pair as equal. Go's
 * sort.Slice runs insertion sort on short slices, so with such a comparator the dump order is
 * kept around non-numeric names; an insertion sort here gives the same order.
 */
function sortRoutes(routes: Obj[]): Obj[] {
  const num = (r: Obj): number | undefined => {
    const n = str(r.name);
    return /^[+-]?\d+$/.test(n) ? Number(n) : undefined;
  };
  const less = (a: Obj, b: Obj): boolean => {
    const x = num(a);
    const y = num(b);
    return x !== undefined && y !== undefined && x < y;
  };
  const out = [...routes];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) {
      const t = out[j]!;
      out[j] = out[j - 1]!;
      out[j - 1] = t;
    }
  }
  return out;
}

export function filterRoutes(routes: readonly Obj[], f: RouteFilter): Obj[] {
  return routes.filter((r) => !f.name || str(r.name) === f.name);
}

function isPassthrough(route: Obj): boolean {
  return isObj(route.route) && str(route.route.cluster) === 'PassthroughCluster';
}

/**
 * The DOMAINS cell: drops `host:port` variants, then the `.svc.cluster.local` / `.svc` expansions
 * of a short name that is also listed, and shows at most two ("a, b + 3 more...").
 */
export function describeRouteDomains(domains: readonly string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0]!;
  const withoutPort = domains.filter((d) => {
    if (!d.includes(':')) return true;
    // IPv6 literals: keep "[fd00::1]", drop "[fd00::1]:8080".
    return (d.match(/:/g)?.length ?? 0) > 2 && d.endsWith(']');
  });
  const unique = new Set(withoutPort);
  const drop = new Set<string>();
  for (const h of withoutPort) {
    for (const suffix of ['.svc.cluster.local', '.svc']) {
      if (h.endsWith(suffix)) {
        const short = h.slice(0, -suffix.length);
        if (unique.has(short)) drop.add(h);
      }
    }
  }
  const kept = withoutPort.filter((h) => !drop.has(h));
  const max = 2;
  if (kept.length > max) return `${kept.slice(0, max).join(', ')} + ${kept.length - max} more...`;
  return kept.join(', ');
}

export function routeRows(routes: readonly Obj[], verbose: boolean): RouteRow[] {
  const rows: RouteRow[] = [];
  for (const rc of routes) {
    const name = str(rc.name);
    const vhosts = arr(field(rc, 'virtual_hosts')).map(obj);
    if (!verbose) {
      rows.push({ name, vhost: '', domains: '', match: '', virtualService: '', virtualHosts: vhosts.length });
      continue;
    }
    for (const vh of vhosts) {
      const domains = describeRouteDomains(arr(vh.domains).map(str));
      const routesOf = arr(vh.routes).map(obj);
      for (const r of routesOf) {
        if (isPassthrough(r)) continue;
        rows.push({ name, vhost: str(vh.name), domains, match: describeRouteMatch(r.match), virtualService: describeManagement(field(r, 'metadata')), virtualHosts: vhosts.length });
      }
      // A virtual host without routes answers 404 to everything.
      if (routesOf.length === 0) rows.push({ name, vhost: str(vh.name), domains, match: '/*', virtualService: '404', virtualHosts: vhosts.length });
    }
  }
  return rows;
}
