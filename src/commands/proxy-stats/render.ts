/** Text for `proxy-stats`. */
import type { Stat, StatsSummary, SummaryCounter } from '../../envoy/stats.js';
import { renderTable } from '../../output/table.js';

export function renderStatLines(stats: readonly Stat[]): string {
  return stats.map((s) => `${s.name}: ${s.value}\n`).join('');
}

const COLUMNS: [string, SummaryCounter][] = [
  ['CX CONNECT FAIL', 'upstream_cx_connect_fail'],
  ['RQ 5XX', 'upstream_rq_5xx'],
  ['PENDING OVERFLOW', 'upstream_rq_pending_overflow'],
  ['CX OVERFLOW', 'upstream_cx_overflow'],
  ['RQ TIMEOUT', 'upstream_rq_timeout'],
  ['RQ RETRY', 'upstream_rq_retry'],
  ['EJECTED', 'outlier_detection.ejections_active'],
  ['EJECTIONS', 'outlier_detection.ejections_enforced_total'],
];

const cell = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(v));

export function renderSummary(s: StatsSummary, target: string): string {
  if (s.clusters.length === 0) return `${target}: no upstream clusters found\n`;
  const withHosts = s.clusters.some((c) => c.hosts);
  const header = ['CLUSTER', 'HEALTHY/TOTAL', ...COLUMNS.map(([h]) => h), ...(withHosts ? ['HOST CX FAIL', 'HOST RQ ERROR', 'HOST RQ TIMEOUT'] : [])];
  const rows = s.clusters.map((c) => {
    const healthy = c.counters.membership_healthy ?? c.hosts?.healthy;
    const total = c.counters.membership_total ?? c.hosts?.total;
    return [
      c.cluster,
      healthy === undefined || total === undefined ? 'n/a' : `${healthy}/${total}`,
      ...COLUMNS.map(([, k]) => cell(c.counters[k])),
      ...(withHosts ? [cell(c.hosts?.cxConnectFail), cell(c.hosts?.rqError), cell(c.hosts?.rqTimeout)] : []),
    ];
  });
  let out = renderTable(header, rows, { padding: 3 });
  if (s.absent.length > 0) {
    out += `\nn/a: not recorded by this proxy: ${s.absent.join(', ')}.\n`;
    if (s.trimmed) {
      out +=
        'Istio trims Envoy stats by default (only cluster_manager, listener_manager, server and cluster.xds-grpc are kept).\n' +
        'To record them, add to the pod annotation proxy.istio.io/config (or meshConfig.defaultConfig):\n' +
        '  proxyStatsMatcher: {inclusionRegexps: [".*outlier_detection.*", ".*upstream_rq_retry.*", ".*upstream_cx_.*", ".*upstream_rq_.*", ".*membership_.*"]}\n';
    }
    if (withHosts) out += 'HOST columns are per-host counters from /clusters, which Istio never trims.\n';
  }
  return out;
}
