/**
 * Per-host counters of /clusters?format=json for the target's clusters: on the client side
 * (client sidecar or gateway) cx_connect_fail means the network to that pod failed; on the server
 * sidecar, the inbound cluster's host is the app itself, so connect failures there mean the app
 * refused. These counters are never trimmed by Istio's stats matcher, unlike /stats.
 */
import { parseSubsetKey } from '../../envoy/names.js';
import type { PodView } from '../path.js';
import { counterAge, defineProbe, proxyLabel, sidecarSegment, type ProbeContext } from './types.js';

function check(ctx: ProbeContext, pod: PodView, want: (cluster: string) => boolean, segment: 'network' | 'server-app'): void {
  const statuses = pod.proxy?.clusters;
  const file = pod.proxy?.files.clusters;
  if (!statuses || !file) return;
  for (const c of statuses.filter((s) => want(s.name))) {
    const proxy = proxyLabel(pod);
    // On the client side the target's pods are the servers; on a server sidecar, the pod itself.
    const server = segment === 'server-app' ? pod : ctx.path.servers[0];
    const base = { proxy, cluster: c.name, namespace: server?.namespace ?? pod.namespace, name: server?.name ?? pod.name, container: appContainerName(server), age: counterAge(pod) };
    const source = `${file}: cluster_statuses ${c.name}`;
    // Inbound clusters are ORIGINAL_DST: their host appears with the first connection.
    if (c.hosts.length === 0) {
      if (c.name.startsWith('inbound|')) continue;
      ctx.report('clusters.no-hosts', sidecarSegment(pod), base, source);
      continue;
    }
    let bad = false;
    for (const h of c.hosts) {
      const host = `${h.address}:${h.port}`;
      const fail = h.stats.cx_connect_fail ?? 0;
      if (fail > 0) {
        bad = true;
        // On the server sidecar the inbound cluster's host is the app: a failed connect there is
        // the app refusing, not the network.
        const id = segment === 'server-app' ? 'clusters.app-connect-fail' : 'clusters.connect-fail';
        ctx.report(id, segment, { ...base, host, fail, cxTotal: h.stats.cx_total ?? 0 }, `${source}, host ${host} cx_connect_fail`);
      }
      if (h.outlierCheck === 'FAILED') {
        bad = true;
        ctx.report('clusters.outlier-ejected', 'server-app', { ...base, host, rqError: h.stats.rq_error ?? 0 }, `${source}, host ${host} health_status.failed_outlier_check`);
      }
    }
    const sum = (k: string) => c.hosts.reduce((a, h) => a + (h.stats[k] ?? 0), 0);
    if (!bad && sum('cx_total') > 0) ctx.report('clusters.hosts-ok', segment, { ...base, hosts: c.hosts.length, cxTotal: sum('cx_total'), rqSuccess: sum('rq_success') }, source);
  }
}

function appContainerName(p: PodView | undefined): string {
  const c = ((p?.object.spec?.containers ?? []) as Record<string, unknown>[]).find((x) => x.name !== 'istio-proxy');
  return String(c?.name ?? 'app');
}

export const clustersProbe = defineProbe({
  name: 'clusters',
  description: 'No connect failures or outlier ejections on the hosts of the target clusters',
  reads: ['proxies/<ns>/<pod>/clusters.json'],
  evidence: ['clusters.hosts-ok', 'clusters.connect-fail', 'clusters.app-connect-fail', 'clusters.outlier-ejected', 'clusters.no-hosts'],
  run(ctx) {
    const fqdn = ctx.path.service?.fqdn;
    const first = ctx.path.ingress ? ctx.path.gateways : [...(ctx.path.client ? [ctx.path.client] : []), ...ctx.path.gateways];
    if (fqdn) for (const p of first) check(ctx, p, (n) => n.startsWith('outbound|') && parseSubsetKey(n)?.fqdn === fqdn, 'network');
    const port = ctx.path.service ? ctx.path.service.targetPort : ctx.path.port;
    for (const p of ctx.path.servers) check(ctx, p, (n) => n.startsWith('inbound|') && (port === undefined || n.startsWith(`inbound|${String(port)}|`)), 'server-app');
  },
});
