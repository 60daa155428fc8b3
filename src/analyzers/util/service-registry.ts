import type { Snapshot } from '../../analysis/snapshot.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asString, asStringMap, get } from '../../util/objects.js';
import { CLUSTER_LOCAL } from './host.js';

/** exportTo value meaning "every namespace". */
export const EXPORT_TO_ALL = '*';
/** exportTo value meaning "only the resource's own namespace". */
export const EXPORT_TO_LOCAL = '.';

/** Kubernetes annotation that limits which namespaces see a Service (same values as exportTo). */
const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

/**
 * upstream util.ConvertHostToFQDN. Unlike toFqdn in host.ts this keeps upstream's exact rule,
 * including its behaviour for namespace-less objects ("name..svc.cluster.local"), so that a
 * VirtualService and a Service read without namespaces still resolve to the same key.
 */
export function convertHostToFqdn(namespace: string, host: string): string {
  if (host.startsWith('*') || host.includes('.')) return host;
  return `${host}.${namespace}.${CLUSTER_LOCAL}`;
}

/** "scope/fqdn", upstream util.ScopedFqdn: a host as seen from one exportTo scope. */
export function scopedFqdn(scope: string, namespace: string, host: string): string {
  return `${scope}/${convertHostToFqdn(namespace, host)}`;
}

export function splitScopedFqdn(s: string): { scope: string; fqdn: string } {
  const i = s.indexOf('/');
  return { scope: s.slice(0, i), fqdn: s.slice(i + 1) };
}

/** upstream util.IsExportToAllNamespaces: no exportTo, or one that lists "*". */
export function isExportToAll(exportTo: readonly string[]): boolean {
  return exportTo.length === 0 || exportTo.includes(EXPORT_TO_ALL);
}

/** The namespaces (or "*") a resource with this exportTo is visible from, "." resolved. */
export function exportScopes(exportTo: readonly string[], namespace: string): string[] {
  if (isExportToAll(exportTo)) return [EXPORT_TO_ALL];
  return [...new Set(exportTo.map((e) => (e === EXPORT_TO_LOCAL ? namespace : e)))];
}

/** The namespace/name a Kubernetes host string refers to (upstream util.GetResourceNameFromHost). */
export interface HostName {
  readonly namespace: string;
  readonly name: string;
}

// Greedy like upstream's fqdnPattern: "a.b.c.svc.cluster.local" is name "a.b" in namespace "c".
const FQDN_PATTERN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/**
 * A cluster-local FQDN parses into namespace/name; anything else (a short name, but also
 * "foo.com") is taken as a name in `defaultNamespace`, as upstream does.
 */
export function resourceNameFromHost(defaultNamespace: string, host: string): HostName {
  const m = FQDN_PATTERN.exec(host);
  if (m) return { namespace: m[2]!, name: m[1]! };
  return { namespace: defaultNamespace, name: host };
}

/** A port of a service as the registry sees it. */
export interface RegistryPort {
  readonly number: number;
  readonly name: string;
  readonly protocol: string;
}

/** A ServiceEntry, or a Kubernetes Service seen as one (upstream converts them the same way). */
export interface RegistryService {
  readonly resource: Resource;
  readonly ports: readonly RegistryPort[];
  /** ServiceEntry workloadSelector labels ({} for Services). */
  readonly workloadSelector: Labels;
}

/** Services and ServiceEntries by scoped FQDN (upstream util.InitServiceEntryHostMap). */
export type ServiceRegistry = ReadonlyMap<string, RegistryService>;

export function buildServiceRegistry(snapshot: Snapshot): ServiceRegistry {
  const out = new Map<string, RegistryService>();
  for (const r of snapshot.list('ServiceEntry')) {
    const spec = asRecord(r.object.spec);
    const svc: RegistryService = {
      resource: r,
      ports: asObjects(spec.ports).map((p) => ({
        number: Number(p.number ?? 0),
        name: asString(p.name),
        protocol: asString(p.protocol),
      })),
      workloadSelector: asStringMap(get(spec, 'workloadSelector', 'labels')),
    };
    const scopes = exportScopes(asArray(spec.exportTo).map(String), r.namespace);
    for (const h of asArray(spec.hosts).map(String)) {
      for (const scope of scopes) out.set(scopedFqdn(scope, r.namespace, h), svc);
    }
  }
  for (const r of snapshot.list('Service')) {
    const svc: RegistryService = {
      resource: r,
      ports: asObjects(get(r.object, 'spec', 'ports')).map((p) => ({
        number: Number(p.port ?? 0),
        name: asString(p.name),
        protocol: asString(p.protocol),
      })),
      workloadSelector: {},
    };
    const anno = r.annotations[EXPORT_TO_ANNOTATION];
    const scopes = anno ? anno.split(',').map((e) => (e === EXPORT_TO_LOCAL ? r.namespace : e)) : [EXPORT_TO_ALL];
    for (const scope of scopes) out.set(scopedFqdn(scope, r.namespace, r.name), svc);
  }
  return out;
}

/**
 * upstream util.GetDestinationHost: the service a host names, as seen from `sourceNamespace`
 * by a resource with `exportTo`. Exact names first, then wildcard ServiceEntry hosts.
 */
export function lookupDestinationHost(
  registry: ServiceRegistry,
  sourceNamespace: string,
  exportTo: readonly string[],
  host: string,
): RegistryService | undefined {
  const all = registry.get(scopedFqdn(EXPORT_TO_ALL, sourceNamespace, host));
  if (all) return all;
  const scopes = exportTo.length === 0 ? [sourceNamespace] : exportTo.map((e) => (e === EXPORT_TO_LOCAL ? sourceNamespace : e));
  for (const scope of scopes) {
    const s = registry.get(scopedFqdn(scope, sourceNamespace, host));
    if (s) return s;
  }
  const bare = host.startsWith('*') ? host.slice(1) : host;
  for (const [key, s] of registry) {
    const { scope, fqdn } = splitScopedFqdn(key);
    if (!fqdn.startsWith('*')) continue;
    if (scope !== EXPORT_TO_ALL && scope !== sourceNamespace) continue;
    if (bare.endsWith(fqdn.slice(1))) return s;
  }
  return undefined;
}

/**
 * Whether a host could name a Kubernetes Service: a short name or a cluster-local FQDN.
 * Offline, when the input holds no Services, such a host cannot be judged missing.
 */
export function mayBeKubernetesService(host: string): boolean {
  if (host.startsWith('*')) return false;
  return !host.includes('.') || host.endsWith(`.${CLUSTER_LOCAL}`) || host.endsWith('.svc');
}

/** upstream resource.NewShortOrFullName: "ns/name" or "name" in the default namespace. */
export function shortOrFullName(defaultNamespace: string, ref: string): HostName {
  const i = ref.indexOf('/');
  if (i >= 0) return { namespace: ref.slice(0, i), name: ref.slice(i + 1) };
  return { namespace: defaultNamespace, name: ref };
}

/** upstream resource.FullName.String(): "ns/name", or "name" without a namespace. */
export function fullNameString(n: HostName): string {
  return n.namespace ? `${n.namespace}/${n.name}` : n.name;
}
