/**
 * Istio's cluster naming: `direction|port|subset|hostname` (pilot model.BuildSubsetKey), e.g.
 * `outbound|9080|v1|reviews.default.svc.cluster.local`, `inbound|8080||` or, for ambient waypoints,
 * `inbound-vip|8000|http|httpbin.default.svc.cluster.local`. Other clusters (agent,
 * prometheus_stats, xds-grpc, BlackHoleCluster…) are plain names.
 */
export interface SubsetKey {
  direction: string;
  port: number;
  subset: string;
  fqdn: string;
}

export function parseSubsetKey(name: string): SubsetKey | undefined {
  const parts = name.split('|');
  if (parts.length < 4) return undefined;
  const port = Number.parseInt(parts[1] ?? '', 10);
  return { direction: parts[0] ?? '', port: Number.isNaN(port) ? 0 : port, subset: parts[2] ?? '', fqdn: parts[3] ?? '' };
}

/** Sort key istioctl uses for clusters and EDS entries: hostname, subset, port, direction. */
export function compareClusterNames(a: string, b: string): number {
  const ka = parseSubsetKey(a) ?? { direction: '', port: 0, subset: '', fqdn: a };
  const kb = parseSubsetKey(b) ?? { direction: '', port: 0, subset: '', fqdn: b };
  return cmp(ka.fqdn, kb.fqdn) || cmp(ka.subset, kb.subset) || ka.port - kb.port || cmp(ka.direction, kb.direction);
}

/** Byte-wise string order, like Go's `<` on strings (localeCompare would reorder '-' and '.'). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Istio stamps `filter_metadata.istio.config` with the API path of the object that produced a
 * cluster or route, e.g. `/apis/networking.istio.io/v1/namespaces/default/virtual-service/httpbin`.
 * istioctl shows it as `name.namespace`, and `<unknown>` for other paths.
 */
export function describeManagement(metadata: unknown): string {
  if (typeof metadata !== 'object' || metadata === null) return '';
  const m = metadata as Record<string, unknown>;
  const fm = (m.filter_metadata ?? m.filterMetadata) as Record<string, unknown> | undefined;
  const istio = fm?.istio as Record<string, unknown> | undefined;
  if (!istio || typeof istio.config !== 'string') return '';
  const path = istio.config;
  if (path.startsWith('/apis/networking.istio.io/')) {
    const pieces = path.split('/');
    if (pieces.length !== 8) return '';
    return `${pieces[7]}.${pieces[5]}`;
  }
  return '<unknown>';
}
