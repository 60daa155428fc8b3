/**
 * Failure counters of /stats on the proxies of the path: config rejected by Envoy (any
 * *.update_rejected, what Consul's troubleshoot sums), circuit-breaker overflows of the target
 * clusters, inbound listener handshake/no-chain failures, and connections the app closed under a
 * request. Istio trims per-cluster stats by default; what is absent is said, not read as zero.
 */
import { parseSubsetKey } from '../../envoy/names.js';
import { summarizeStats, type Stat } from '../../envoy/stats.js';
import type { PodView } from '../path.js';
import { counterAge, defineProbe, envoyUptime, formatSeconds, pathPods, proxyLabel, type ProbeContext } from './types.js';

/**
 * The xDS type a *.update_rejected counter belongs to, as istiod's /debug/syncz names it:
 * listener_manager.lds → LDS, cluster_manager.cds → CDS, http.<prefix>.rds.<route>. → RDS,
 * cluster.<name>. (that cluster's EDS subscription) → EDS, extension_config_discovery. → ECDS.
 * SDS is served by the agent, not istiod: "SDS". Anything else: "xDS".
 */
export function xdsType(stat: string): string {
  if (stat.startsWith('listener_manager.lds.')) return 'LDS';
  if (stat.startsWith('cluster_manager.cds.')) return 'CDS';
  if (/^http\..*\.rds\./.test(stat)) return 'RDS';
  if (stat.startsWith('extension_config_discovery.')) return 'ECDS';
  if (stat.startsWith('sds.')) return 'SDS';
  if (stat.startsWith('cluster.')) return 'EDS';
  return 'xDS';
}

function numeric(stats: readonly Stat[], test: (n: string) => boolean): { name: string; value: number }[] {
  return stats.filter((s) => typeof s.value === 'number' && test(s.name)).map((s) => ({ name: s.name, value: s.value as number }));
}

function checkProxy(ctx: ProbeContext, pod: PodView): void {
  const stats = pod.proxy?.stats;
  const file = pod.proxy?.files.stats;
  if (!stats || !file) return;
  const proxy = proxyLabel(pod);
  const base = { proxy, name: pod.name, namespace: pod.namespace };
  const rejected = numeric(stats, (n) => n.endsWith('.update_rejected'));
  const bad = rejected.filter((s) => s.value > 0);
  // update_rejected counts every NACK since Envoy started: a rejection an hour ago followed by
  // an accepted push is history. istiod's /debug/syncz holds the current state (its lastError is
  // cleared by the next ACK), so with it a counter only confirms a NACK istiod still reports.
  const sync = ctx.capture.syncz?.find((e) => e.proxy === proxy);
  const uptime = envoyUptime(pod);
  const since = uptime === undefined ? '' : ` ${formatSeconds(uptime)} before the capture`;
  for (const s of bad) {
    const type = xdsType(s.name);
    const args = { ...base, stat: s.name, value: s.value, type, uptime: since };
    const source = `${file}: ${s.name}`;
    // SDS is served by the agent: syncz knows nothing of it.
    if (!sync || type === 'SDS') ctx.report('stats.update-rejected-age-unknown', 'control-plane', args, source);
    else if (Object.entries(sync.types).some(([t, v]) => v.lastError !== '' && (type === 'xDS' || t === type))) ctx.report('stats.update-rejected', 'control-plane', args, source);
    else ctx.report('stats.update-rejected-history', 'control-plane', args, `${source}; istiod/syncz.json: proxy ${proxy}`);
  }
  if (rejected.length > 0 && bad.length === 0) {
    const byType = new Map<string, number>();
    for (const s of rejected) byType.set(xdsType(s.name), (byType.get(xdsType(s.name)) ?? 0) + 1);
    const stats = [...byType].map(([t, n]) => `${n} ${t}`).join(', ');
    ctx.report('stats.no-update-rejected', 'control-plane', { ...base, count: rejected.length, stats }, `${file}: *.update_rejected`);
  }
  const fqdn = ctx.path.service?.fqdn;
  if (pod.role !== 'server' && fqdn) {
    const overflow = numeric(stats, (n) => {
      const m = /^cluster\.(.+)\.(upstream_rq_pending_overflow|upstream_cx_overflow|upstream_rq_retry_overflow)$/.exec(n);
      return !!m && parseSubsetKey(m[1]!)?.fqdn === fqdn;
    }).filter((s) => s.value > 0);
    for (const s of overflow) ctx.report('stats.overflow', pod.role === 'gateway' ? 'gateway' : 'client-sidecar', { ...base, stat: s.name, value: s.value, age: counterAge(pod) }, `${file}: ${s.name}`);
  }
  if (pod.role === 'server') {
    // The inbound listener: virtualInbound on 15006 with iptables; with interception NONE and a
    // Sidecar ingress bind, `<pod IP>_<port>` itself.
    const inbound = numeric(stats, (n) => {
      const m = /^listener\.(.+)_(\d+)\.(no_filter_chain_match|ssl\.connection_error|ssl\.fail_verify_error|ssl\.fail_verify_no_cert)$/.exec(n);
      return !!m && (m[2] === '15006' || (pod.ip !== '' && m[1] === pod.ip));
    }).filter((s) => s.value > 0);
    for (const s of inbound) ctx.report('stats.inbound-tls-fail', 'server-sidecar', { ...base, stat: s.name, value: s.value, age: counterAge(pod) }, `${file}: ${s.name}`);
    const remote = numeric(stats, (n) => /^cluster\.inbound\|.*\.upstream_cx_destroy_remote_with_active_rq$/.test(n)).filter((s) => s.value > 0);
    for (const s of remote) ctx.report('stats.destroy-remote', 'server-app', { ...base, stat: s.name, value: s.value, age: counterAge(pod) }, `${file}: ${s.name}`);
  }
  if (summarizeStats(stats, undefined).trimmed) ctx.report('stats.trimmed', 'control-plane', base, `${file}: no per-cluster upstream counters`);
}

export const statsProbe = defineProbe({
  name: 'stats',
  description: 'No rejected config, circuit-breaker overflow or inbound handshake failure in the proxies\' stats',
  reads: ['proxies/<ns>/<pod>/stats.txt'],
  evidence: ['stats.update-rejected', 'stats.update-rejected-age-unknown', 'stats.update-rejected-history', 'stats.no-update-rejected', 'stats.overflow', 'stats.inbound-tls-fail', 'stats.destroy-remote', 'stats.trimmed'],
  run(ctx) {
    for (const p of pathPods(ctx.path)) checkProxy(ctx, p);
  },
});
