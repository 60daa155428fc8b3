/**
 * Failure counters of /stats on the proxies of the path: config rejected by Envoy (any
 * *.update_rejected, what Consul's troubleshoot sums), circuit-breaker overflows of the target
 * clusters, inbound listener handshake/no-chain failures, and connections the app closed under a
 * request. Istio trims per-cluster stats by default; what is absent is said, not read as zero.
 */
import { parseSubsetKey } from '../../envoy/names.js';
import { summarizeStats, type Stat } from '../../envoy/stats.js';
import type { PodView } from '../path.js';
import { defineProbe, pathPods, proxyLabel, type ProbeContext } from './types.js';

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
  for (const s of bad) ctx.report('stats.update-rejected', 'control-plane', { ...base, stat: s.name, value: s.value }, `${file}: ${s.name}`);
  if (rejected.length > 0 && bad.length === 0) ctx.report('stats.no-update-rejected', 'control-plane', { ...base, stats: rejected.map((s) => s.name.replace(/\.update_rejected$/, '')).join(', ') }, `${file}: *.update_rejected`);
  const fqdn = ctx.path.service?.fqdn;
  if (pod.role !== 'server' && fqdn) {
    const overflow = numeric(stats, (n) => {
      const m = /^cluster\.(.+)\.(upstream_rq_pending_overflow|upstream_cx_overflow|upstream_rq_retry_overflow)$/.exec(n);
      return !!m && parseSubsetKey(m[1]!)?.fqdn === fqdn;
    }).filter((s) => s.value > 0);
    for (const s of overflow) ctx.report('stats.overflow', pod.role === 'gateway' ? 'gateway' : 'client-sidecar', { ...base, stat: s.name, value: s.value }, `${file}: ${s.name}`);
  }
  if (pod.role === 'server') {
    const inbound = numeric(stats, (n) => /^listener\.[^.]+(?:\.[^.]+)*_15006\.(no_filter_chain_match|ssl\.connection_error|ssl\.fail_verify_error|ssl\.fail_verify_no_cert)$/.test(n)).filter((s) => s.value > 0);
    for (const s of inbound) ctx.report('stats.inbound-tls-fail', 'server-sidecar', { ...base, stat: s.name, value: s.value }, `${file}: ${s.name}`);
    const remote = numeric(stats, (n) => /^cluster\.inbound\|.*\.upstream_cx_destroy_remote_with_active_rq$/.test(n)).filter((s) => s.value > 0);
    for (const s of remote) ctx.report('stats.destroy-remote', 'server-app', { ...base, stat: s.name, value: s.value }, `${file}: ${s.name}`);
  }
  if (summarizeStats(stats, undefined).trimmed) ctx.report('stats.trimmed', 'control-plane', base, `${file}: no per-cluster upstream counters`);
}

export const statsProbe = defineProbe({
  name: 'stats',
  description: 'No rejected config, circuit-breaker overflow or inbound handshake failure in the proxies\' stats',
  reads: ['proxies/<ns>/<pod>/stats.txt'],
  evidence: ['stats.update-rejected', 'stats.no-update-rejected', 'stats.overflow', 'stats.inbound-tls-fail', 'stats.destroy-remote', 'stats.trimmed'],
  run(ctx) {
    for (const p of pathPods(ctx.path)) checkProxy(ctx, p);
  },
});
