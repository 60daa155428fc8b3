/** Upstream DefaultClusterLocalDomain. */
export const CLUSTER_LOCAL = 'svc.cluster.local';

/**
 * upstream util.ConvertHostToFQDN: a short name becomes name.namespace.svc.cluster.local; a name
 * with a dot (or a wildcard "*") is kept as it is.
 */
export function toFqdn(namespace: string, host: string): string {
  if (host === '*' || host.includes('.') || !namespace) return host;
  return `${host}.${namespace}.${CLUSTER_LOCAL}`;
}

/** The FQDN of a Kubernetes Service. */
export function serviceFqdn(namespace: string, name: string): string {
  return `${name}.${namespace}.${CLUSTER_LOCAL}`;
}

/**
 * upstream host.Name.Matches: true when `a` matches `b` where either may be a wildcard
 * ("*.foo.com" matches "bar.foo.com"; "*" matches everything).
 */
export function hostMatches(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length > b.length ? a.endsWith(b.slice(1)) : b.endsWith(a.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** upstream host.Name.SubsetOf: every host `a` matches is also matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (b.startsWith('*')) {
    if (a.startsWith('*')) return a.endsWith(b.slice(1)) || b === '*';
    return a.endsWith(b.slice(1));
  }
  return a === b;
}
