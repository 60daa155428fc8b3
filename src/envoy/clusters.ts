/** Clusters from a config dump (`proxy-config cluster`). */
import { type ConfigDump, type Obj, flattenSection, arr, field, obj, requireSection, str, MissingSectionError } from './configdump.js';
import { compareClusterNames, describeManagement, parseSubsetKey } from './names.js';

export interface ClusterFilter {
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
}

export interface ClusterRow {
  name: string;
  fqdn: string;
  port: string;
  subset: string;
  direction: string;
  type: string;
  destinationRule: string;
}

/** Active dynamic clusters then static ones, sorted like istioctl (hostname, subset, port, direction). */
export function listClusters(dump: ConfigDump): Obj[] {
  const out = flattenSection(requireSection(dump, 'clusters'), [
    ['dynamic_active_clusters', 'cluster'],
    ['static_clusters', 'cluster'],
  ]);
  if (out.length === 0) throw new MissingSectionError('no clusters found');
  return stableSort(out, (a, b) => compareClusterNames(str(a.name), str(b.name)));
}

/** istioctl matches every cluster filter as a substring of the cluster name (port as `|port|`). */
export function clusterMatches(c: Obj, f: ClusterFilter): boolean {
  const name = str(c.name);
  if (f.fqdn && !name.includes(f.fqdn)) return false;
  if (f.direction && !name.includes(f.direction)) return false;
  if (f.subset && !name.includes(f.subset)) return false;
  if (f.port && !name.includes(`|${f.port}|`)) return false;
  return true;
}

export function filterClusters(clusters: readonly Obj[], f: ClusterFilter): Obj[] {
  return clusters.filter((c) => clusterMatches(c, f));
}

/**
 * Envoy omits the discovery type when it is the proto default (STATIC). Clusters that use a custom
 * `cluster_type` (dynamic forward proxy, aggregate) also have type STATIC, as istioctl prints them.
 */
export function clusterType(c: Obj): string {
  return str(field(c, 'type')) || 'STATIC';
}

export function clusterRows(clusters: readonly Obj[]): ClusterRow[] {
  return clusters.map((c) => {
    const name = str(c.name);
    const key = parseSubsetKey(name);
    const dr = describeManagement(field(c, 'metadata'));
    const type = clusterType(c);
    if (key) {
      return { name, fqdn: key.fqdn, port: String(key.port), subset: key.subset || '-', direction: key.direction, type, destinationRule: dr };
    }
    return { name, fqdn: name, port: '-', subset: '-', direction: '-', type, destinationRule: dr };
  });
}

export function stableSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((v, i) => ({ v, i }))
    .sort((a, b) => compare(a.v, b.v) || a.i - b.i)
    .map((x) => x.v);
}
