/**
 * Envoy /stats (text or ?format=json) and the per-cluster failure summary of `proxy-stats --summary`.
 *
 * Istio trims Envoy stats by default: only cluster_manager, listener_manager, server and
 * cluster.xds-grpc (plus a few others) are recorded, so per-cluster counters such as
 * upstream_cx_connect_fail exist only when meshConfig.defaultConfig.proxyStatsMatcher or the pod
 * annotation proxy.istio.io/config adds them. The summary therefore says which counters are absent
 * instead of showing zeros, and falls back to the per-host counters of /clusters, which are never
 * trimmed.
 */
import type { ClusterStatus } from './host-status.js';

export interface Stat {
  name: string;
  /** Counters and gauges are numbers; histograms keep Envoy's text ("P0(nan,0) P25(…)…"). */
  value: number | string;
}

export function parseStatsText(text: string): Stat[] {
  const out: Stat[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const i = line.indexOf(': ');
    if (i <= 0) continue;
    const name = line.slice(0, i);
    const raw = line.slice(i + 2).trim();
    const n = Number(raw);
    out.push({ name, value: raw !== '' && Number.isFinite(n) ? n : raw });
  }
  return out;
}

export function parseStatsJson(text: string): Stat[] {
  const data = JSON.parse(text) as { stats?: unknown[] };
  const out: Stat[] = [];
  for (const s of data.stats ?? []) {
    const o = s as Record<string, unknown>;
    if (typeof o.name === 'string') out.push({ name: o.name, value: typeof o.value === 'number' ? o.value : Number(o.value ?? 0) });
    else if (o.histograms) out.push({ name: 'histograms', value: JSON.stringify(o.histograms) });
  }
  return out;
}

export function parseStats(text: string): Stat[] {
  return text.trimStart().startsWith('{') ? parseStatsJson(text) : parseStatsText(text);
}

export function filterStats(stats: readonly Stat[], re: RegExp | undefined): Stat[] {
  return re ? stats.filter((s) => re.test(s.name)) : [...stats];
}

/** Keeps the Prometheus samples (and their HELP/TYPE lines) whose metric name matches. */
export function filterPrometheus(text: string, re: RegExp | undefined): string {
  if (!re) return text;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = line.startsWith('#') ? /^# (?:HELP|TYPE) (\S+)/.exec(line) : /^([^{\s]+)/.exec(line);
    if (m && re.test(m[1]!)) out.push(line);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The per-cluster counters that tell upstream, network and circuit-breaker failures apart. */
export const SUMMARY_COUNTERS = [
  'upstream_cx_connect_fail',
  'upstream_rq_5xx',
  'upstream_rq_pending_overflow',
  'upstream_cx_overflow',
  'upstream_rq_timeout',
  'upstream_rq_retry',
  'outlier_detection.ejections_active',
  'outlier_detection.ejections_enforced_total',
  'membership_healthy',
  'membership_total',
] as const;
export type SummaryCounter = (typeof SUMMARY_COUNTERS)[number];

export interface ClusterSummary {
  cluster: string;
  /** From /stats; null when the proxy does not record the counter (trimmed by Istio). */
  counters: Record<SummaryCounter, number | null>;
  /** From /clusters, summed over hosts; undefined without a /clusters response. */
  hosts?: { total: number; healthy: number; cxConnectFail: number; rqError: number; rqTimeout: number; rqTotal: number };
}

export interface StatsSummary {
  clusters: ClusterSummary[];
  /** Counters missing for every cluster: the ones the stats matcher trims. */
  absent: SummaryCounter[];
  /** True when /stats has no per-cluster stats at all besides Istio's own xds-grpc. */
  trimmed: boolean;
}

/** Control-plane and agent clusters that are not upstream services. */
const INTERNAL = new Set(['xds-grpc', 'sds-grpc', 'agent', 'prometheus_stats', 'BlackHoleCluster', 'PassthroughCluster', 'InboundPassthroughCluster', 'InboundPassthroughClusterIpv4', 'InboundPassthroughClusterIpv6']);

/**
 * Cluster names contain dots (`outbound|80||a.b.svc.cluster.local`), so a stat name is split by
 * the known counter suffix, not at a dot.
 */
function splitClusterStat(name: string): [string, SummaryCounter] | undefined {
  if (!name.startsWith('cluster.')) return undefined;
  for (const c of SUMMARY_COUNTERS) {
    if (name.endsWith(`.${c}`)) return [name.slice('cluster.'.length, -(c.length + 1)), c];
  }
  return undefined;
}

export function summarizeStats(stats: readonly Stat[] | undefined, clusters: readonly ClusterStatus[] | undefined, opts: { includeInternal?: boolean } = {}): StatsSummary {
  const byCluster = new Map<string, Partial<Record<SummaryCounter, number>>>();
  let perClusterStats = false;
  for (const s of stats ?? []) {
    const split = splitClusterStat(s.name);
    if (!split || typeof s.value !== 'number') continue;
    const [cluster, counter] = split;
    if (!INTERNAL.has(cluster)) perClusterStats = true;
    const m = byCluster.get(cluster) ?? {};
    m[counter] = s.value;
    byCluster.set(cluster, m);
  }
  const names = new Set<string>([...byCluster.keys(), ...(clusters ?? []).map((c) => c.name)]);
  const hostsByCluster = new Map((clusters ?? []).map((c) => [c.name, c]));
  const rows: ClusterSummary[] = [];
  for (const name of [...names].sort()) {
    if (!opts.includeInternal && INTERNAL.has(name)) continue;
    const m = byCluster.get(name) ?? {};
    const counters = Object.fromEntries(SUMMARY_COUNTERS.map((c) => [c, m[c] ?? null])) as Record<SummaryCounter, number | null>;
    const row: ClusterSummary = { cluster: name, counters };
    const cs = hostsByCluster.get(name);
    if (cs) {
      const sum = (k: string) => cs.hosts.reduce((a, h) => a + (h.stats[k] ?? 0), 0);
      row.hosts = {
        total: cs.hosts.length,
        healthy: cs.hosts.filter((h) => h.status === 'HEALTHY' && h.outlierCheck === 'OK').length,
        cxConnectFail: sum('cx_connect_fail'),
        rqError: sum('rq_error'),
        rqTimeout: sum('rq_timeout'),
        rqTotal: sum('rq_total'),
      };
    }
    rows.push(row);
  }
  const absent = stats ? SUMMARY_COUNTERS.filter((c) => rows.every((r) => r.counters[c] === null)) : [...SUMMARY_COUNTERS];
  return { clusters: rows, absent, trimmed: !perClusterStats };
}
