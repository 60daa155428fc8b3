/**
 * istiod's view of every connected proxy, from its /debug/syncz endpoint (monitoring port 15014).
 * istiod has answered in two shapes over the years, and saved responses of both are around:
 *
 *  - a JSON array of SyncStatus (pilot/pkg/xds/debug.go): `proxy`, `cluster_id`, `istio_version`
 *    (`proxy_version` on 1.1-era istiod), flat nonces `cluster_sent`/`cluster_acked`,
 *    `listener_*`, `route_*`, `endpoint_*`, `extensionconfig_*`; since ~1.19 also
 *    `resources{typeUrl: {sent, acked, sentTime, lastError}}`, the only place a NACK shows;
 *  - a DiscoveryResponse of envoy.service.status.v3.ClientConfig (what the xDS debug type
 *    istio.io/debug/syncz answers, and what `istioctl ps -o json` saves): per proxy `node.id`,
 *    node metadata CLUSTER_ID / NAMESPACE / ISTIO_VERSION, and `generic_xds_configs[]` with
 *    `type_url`, `config_status`, `last_updated`, `error_state.details` (older CSDS: `xds_config[]`
 *    with a `status` per listener/cluster/route/endpoint config). Proto or JSON field names.
 *
 * Status per type, as istiod computes it (statusgen.go debugSyncStatus): ERROR when the last
 * request carried an error (a NACK, cleared by the next ACK), NOT SENT when nothing was sent,
 * SYNCED when the acked nonce is the sent one, else STALE.
 */
import { arr, field, isObj, obj, str, type Obj } from './json.js';
import { KindError } from '../util/errors.js';

export type SyncState = 'SYNCED' | 'NOT SENT' | 'STALE' | 'ERROR' | 'IGNORED';

export interface TypeSync {
  readonly state: SyncState;
  readonly sent?: string;
  readonly acked?: string;
  /** The NACK's error detail. */
  readonly error?: string;
  /** When istiod last sent this type (RFC 3339), when it says. */
  readonly lastSent?: string;
  /** STALE with nothing ever acked: the proxy has not accepted any config of this type. */
  readonly neverAcked?: boolean;
}

export interface ProxySync {
  /** istiod's proxy ID: "<pod>.<namespace>" for Kubernetes workloads. */
  readonly proxy: string;
  readonly cluster: string;
  /** The istiod pod that reported it. */
  readonly istiod: string;
  /** The proxy's Istio version (node metadata ISTIO_VERSION); "" when unknown. */
  readonly version: string;
  readonly namespace: string;
  readonly proxyType?: string;
  /** By short type name (CDS, LDS, EDS, RDS, ECDS, SDS, NDS, WDS…): the types the proxy watches. */
  readonly types: Readonly<Record<string, TypeSync>>;
  /** The control plane revision of the istiod that reported it (istio.io/rev), when known. */
  readonly revision?: string;
}

export type SynczShape = 'sync-status' | 'client-config';

export interface SynczReport {
  readonly shape: SynczShape;
  /** The control plane's own version, when the response says (ClientConfig control_plane). */
  readonly istiodVersion?: string;
  readonly proxies: readonly ProxySync[];
}

export class SynczError extends KindError {
  constructor(message: string) {
    super(message, 'data');
    this.name = 'SynczError';
  }
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';
/** Short names as istioctl prints them (pkg/model/xds.go GetShortType). */
const SHORT: Record<string, string> = {
  'envoy.config.cluster.v3.Cluster': 'CDS',
  'envoy.config.listener.v3.Listener': 'LDS',
  'envoy.config.route.v3.RouteConfiguration': 'RDS',
  'envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
  'envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
  'istio.networking.nds.v1.NameTable': 'NDS',
  'istio.mesh.v1alpha1.ProxyConfig': 'PCDS',
  'envoy.config.core.v3.TypedExtensionConfig': 'ECDS',
  'istio.workload.Address': 'WDS',
  'istio.workload.Workload': 'WDS',
  'istio.security.Authorization': 'WADS',
};

/** The columns of the proxy-status table, in istioctl's order. */
export const CORE_TYPES = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'] as const;

export function shortType(typeUrl: string): string {
  const name = typeUrl.startsWith(TYPE_URL_PREFIX) ? typeUrl.slice(TYPE_URL_PREFIX.length) : typeUrl;
  return SHORT[name] ?? typeUrl;
}

const URL_OF = new Map(Object.entries(SHORT).map(([name, sh]) => [sh, TYPE_URL_PREFIX + name] as const).reverse());

/** A short type's full type URL (for ordering as istioctl does); unknown short names are URLs already. */
export function typeUrlOf(short: string): string {
  // The first name of a short type wins (WDS: istio.workload.Address), as in the table above.
  return URL_OF.get(short) ?? short;
}

const CORE_ORDER = ['CDS', 'LDS', 'EDS', 'RDS'];
/** Per set of types (joined, in the order given): the ordered list. A mesh has a handful of sets. */
const orderCache = new Map<string, string[]>();

/**
 * istioctl 1.31's type order (writer/pilot/status.go): CDS, LDS, EDS, RDS first, then the other
 * types sorted by type URL (ECDS, SDS, … WADS, WDS).
 */
export function orderTypes(shorts: Iterable<string>): string[] {
  const list = [...shorts];
  const key = list.join(',');
  let hit = orderCache.get(key);
  if (!hit) {
    const set = new Set(list);
    const extras = [...set].filter((t) => !CORE_ORDER.includes(t)).sort((a, b) => {
      const ua = typeUrlOf(a);
      const ub = typeUrlOf(b);
      return ua < ub ? -1 : ua > ub ? 1 : 0;
    });
    hit = [...CORE_ORDER.filter((t) => set.has(t)), ...extras];
    if (orderCache.size < 256) orderCache.set(key, hit);
  }
  return hit.slice();
}

/** Debug types (istio.io/debug/syncz, …): what istioctl's own debug connection watches, not proxy config. */
const isDebugType = (url: string): boolean => url.startsWith('istio.io/debug');

/** The state istiod would report for one watched type. */
export function stateOf(sent: string, acked: string, lastError: string): TypeSync {
  return typeSync(sent, acked, lastError, '');
}

/**
 * stateOf plus when it was sent. Built field by field (no spreads): a syncz of 1,000 proxies makes
 * 5,000 of these in a process that runs once, before the JIT has warmed up.
 */
function typeSync(sent: string, acked: string, lastError: string, lastSent: string): TypeSync {
  const t: { -readonly [K in keyof TypeSync]: TypeSync[K] } = { state: lastError ? 'ERROR' : !sent ? 'NOT SENT' : sent === acked ? 'SYNCED' : 'STALE' };
  if (sent) t.sent = sent;
  if (acked) t.acked = acked;
  if (lastError) t.error = lastError;
  else if (t.state === 'STALE' && !acked) t.neverAcked = true;
  if (lastSent) t.lastSent = lastSent;
  return t;
}

/** "pod.ns" from istiod's proxy ID; a full Envoy node ID ("sidecar~ip~pod.ns~ns.svc…") works too. */
export function proxyNamespace(id: string): string {
  const parts = id.split('~');
  const podNs = parts.length >= 3 ? parts[2]! : id;
  const dot = podNs.lastIndexOf('.');
  return dot >= 0 ? podNs.slice(dot + 1) : '';
}

/**
 * Parses one istiod's /debug/syncz answer (either shape). `istiod` names the pod that answered;
 * `revision`, its control plane revision, becomes each proxy's (the revision it talks to).
 */
export function parseSyncz(text: string, istiod: string, revision?: string): SynczReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SynczError(`${istiod}: /debug/syncz is not JSON: ${(e as Error).message}`);
  }
  return synczFromValue(data, istiod, revision);
}

export function synczFromValue(data: unknown, istiod: string, revision?: string): SynczReport {
  if (Array.isArray(data)) {
    // istiod's HTTP /debug/syncz lists every connection, istioctl's and istio-ts's own debug
    // clients too ("test-1.default", version 65536.65536.65536); istioctl's xDS syncz skips nodes
    // without proxy metadata. Here: an entry that watches no proxy config type is not a proxy.
    const proxies: ProxySync[] = [];
    for (const e of data) {
      const p = isObj(e) ? fromSyncStatus(e, istiod, revision) : null;
      if (p) proxies.push(p);
    }
    return { shape: 'sync-status', proxies };
  }
  if (isObj(data) && Array.isArray(data.resources)) return fromDiscoveryResponse(data, istiod, revision);
  throw new SynczError(`${istiod}: not a /debug/syncz response (expected a JSON array of sync statuses or a DiscoveryResponse of ClientConfig)`);
}

const FLAT: readonly (readonly [string, string])[] = [
  ['CDS', 'cluster'],
  ['LDS', 'listener'],
  ['EDS', 'endpoint'],
  ['RDS', 'route'],
  ['ECDS', 'extensionconfig'],
];

function fromSyncStatus(e: Obj, istiod: string, revision: string | undefined): ProxySync | null {
  const proxy = str(e.proxy);
  const types: Record<string, TypeSync> = {};
  // The per-type map (istiod >= 1.19) is authoritative: it lists exactly the watched types (a
  // type it lacks, such as ECDS for a proxy that never asked, is IGNORED as istioctl prints it)
  // and alone carries the NACK (lastError).
  const resources = e.resources;
  if (isObj(resources)) {
    for (const url in resources) {
      if (isDebugType(url)) continue;
      const r = obj(resources[url]);
      const sentTime = str(r.sentTime);
      // Go's zero time.Time marshals as "0001-01-01T00:00:00Z": never sent.
      types[shortType(url)] = typeSync(str(r.sent), str(r.acked), str(r.lastError), sentTime && !sentTime.startsWith('0001-') ? sentTime : '');
    }
  } else {
    // Older istiod: only the flat nonces of the five Envoy types; one with none of them set has
    // no xDS state at all.
    if (!FLAT.some(([, prefix]) => str(e[`${prefix}_sent`]) || str(e[`${prefix}_acked`]))) return null;
    for (const [short, prefix] of FLAT) types[short] = stateOf(str(e[`${prefix}_sent`]), str(e[`${prefix}_acked`]), '');
  }
  if (Object.keys(types).length === 0) return null;
  const proxyType = str(e.proxy_type);
  const cluster = str(e.cluster_id);
  // 1.1-era istiod had no istio_version; istioctl then showed proxy_version (the Envoy build).
  const version = str(e.istio_version) || str(e.proxy_version);
  const namespace = proxyNamespace(proxy);
  const p: { -readonly [K in keyof ProxySync]: ProxySync[K] } = proxyType
    ? { proxy, cluster, istiod, version, namespace, proxyType, types }
    : { proxy, cluster, istiod, version, namespace, types };
  if (revision) p.revision = revision;
  return p;
}

const CONFIG_STATUS: Record<string, SyncState> = {
  SYNCED: 'SYNCED',
  NOT_SENT: 'NOT SENT',
  STALE: 'STALE',
  ERROR: 'ERROR',
  UNKNOWN: 'IGNORED',
};
/** ConfigStatus enum numbers, for responses printed with enums as integers. */
const CONFIG_STATUS_NUM = ['UNKNOWN', 'SYNCED', 'NOT_SENT', 'STALE', 'ERROR'];

function configStatus(v: unknown): SyncState {
  const name = typeof v === 'number' ? (CONFIG_STATUS_NUM[v] ?? 'UNKNOWN') : str(v) || 'UNKNOWN';
  return CONFIG_STATUS[name] ?? 'IGNORED';
}

/** Legacy CSDS per_xds_config oneof field → type. */
const PER_XDS: Record<string, string> = { listener_config: 'LDS', cluster_config: 'CDS', route_config: 'RDS', endpoint_config: 'EDS', scoped_route_config: 'SRDS' };

function fromDiscoveryResponse(d: Obj, istiod: string, revision: string | undefined): SynczReport {
  const cp = controlPlane(d);
  const reporter = cp.id || istiod;
  const proxies: ProxySync[] = [];
  for (const res of arr(d.resources)) {
    const r = obj(res);
    // A debug response can wrap the ClientConfig in a discovery Resource ({name, resource}).
    const cc = isObj(r.resource) ? r.resource : r;
    const node = obj(cc.node);
    const meta = obj(node.metadata);
    const id = str(node.id);
    const types: Record<string, TypeSync> = {};
    const generic = arr(field(cc, 'generic_xds_configs'));
    for (const g of generic.map(obj)) {
      const state = configStatus(field(g, 'config_status'));
      const err = obj(field(g, 'error_state'));
      const lastUpdated = str(field(g, 'last_updated'));
      const details = str(err.details);
      if (isDebugType(str(field(g, 'type_url')))) continue;
      types[shortType(str(field(g, 'type_url')))] = {
        state: details && state !== 'IGNORED' ? 'ERROR' : state,
        ...(details ? { error: details } : {}),
        ...(lastUpdated && !lastUpdated.startsWith('0001-') ? { lastSent: lastUpdated } : {}),
      };
    }
    if (generic.length === 0) {
      for (const x of arr(field(cc, 'xds_config')).map(obj)) {
        const key = Object.keys(PER_XDS).find((k) => field(x, k) !== undefined);
        if (key) types[PER_XDS[key]!] = { state: configStatus(x.status) };
      }
    }
    const ns = str(meta.NAMESPACE);
    proxies.push({ proxy: id, cluster: str(meta.CLUSTER_ID), istiod: reporter, version: str(meta.ISTIO_VERSION), namespace: ns || proxyNamespace(id), types, ...(revision ? { revision } : {}) });
  }
  return { shape: 'client-config', ...(cp.version ? { istiodVersion: cp.version } : {}), proxies };
}

/** control_plane.identifier is itself JSON: {"Component":"istiod","ID":"<pod>","Info":{"version":…}}. */
function controlPlane(d: Obj): { id: string; version: string } {
  const ident = str(obj(field(d, 'control_plane')).identifier);
  if (!ident) return { id: '', version: '' };
  try {
    const v = obj(JSON.parse(ident));
    return { id: str(v.ID), version: str(obj(v.Info).version) };
  } catch {
    return { id: '', version: '' };
  }
}

/**
 * Proxies reported by several istiod replicas (a reconnect in flight) are kept once: the entry of
 * the replica named first wins, and replicas are taken in pod-name order, so the result is stable.
 */
export function mergeSyncz(reports: readonly SynczReport[], namespace?: string): ProxySync[] {
  const seen = new Map<string, ProxySync>();
  for (const r of reports) {
    for (const p of r.proxies) {
      if (namespace && p.namespace !== namespace) continue;
      if (!seen.has(p.proxy)) seen.set(p.proxy, p);
    }
  }
  return [...seen.values()].sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
}

export interface VersionCount {
  readonly version: string;
  readonly count: number;
}

/** Versions with how many proxies (or istiod pods) run each; newest first, "" (unknown) last. */
export function countVersions(versions: readonly string[]): VersionCount[] {
  const m = new Map<string, number>();
  for (const v of versions) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([version, count]) => ({ version, count })).sort((a, b) => compareVersions(b.version, a.version));
}

/** Orders Istio versions ("1.24.2", "1.25-dev", "1.20.0-beta.1"); unknown ("") sorts lowest. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    // An extra numeric part is newer ("1.24.1" > "1.24"); an extra suffix is a pre-release
    // ("1.24-dev" < "1.24").
    if (x === undefined) return /^\d+$/.test(y!) ? -1 : 1;
    if (y === undefined) return /^\d+$/.test(x) ? 1 : -1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (!Number.isNaN(nx)) return 1; // "1.25.0" > "1.25-dev"
    else if (!Number.isNaN(ny)) return -1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** "major.minor" of an Istio version, or the version itself when it has no such prefix. */
export function minorOf(v: string): string {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? `${m[1]}.${m[2]}` : v;
}

export interface VersionSkew {
  readonly controlPlane: readonly VersionCount[];
  readonly dataPlane: readonly VersionCount[];
  /** Proxies whose major.minor matches no control plane's. */
  readonly skewedProxies: number;
}

export function versionSkew(controlPlaneVersions: readonly string[], proxies: readonly ProxySync[]): VersionSkew {
  const cpMinors = new Set(controlPlaneVersions.filter(Boolean).map(minorOf));
  const skewedProxies = cpMinors.size === 0 ? 0 : proxies.filter((p) => p.version && !cpMinors.has(minorOf(p.version))).length;
  return { controlPlane: countVersions(controlPlaneVersions), dataPlane: countVersions(proxies.map((p) => p.version)), skewedProxies };
}
