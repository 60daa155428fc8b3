/**
 * mTLS consistency between what the server sidecar accepts (PeerAuthentication: workload, then
 * namespace, then mesh-wide in the root namespace; port-level overrides; PERMISSIVE by default)
 * and what the client sends (DestinationRule tls.mode for the host, port-level first; without
 * one, auto mTLS sends ISTIO_MUTUAL to pods with a sidecar; a client without sidecar sends
 * plaintext). STRICT with a plaintext client is the "503 right after applying a DR" problem.
 */
import type { LoadedObject } from '../../resources/loader.js';
import { containerPort, type PodView, type RequestPath } from '../path.js';
import { defineProbe, sidecarContainer } from './types.js';

interface Mode {
  mode: string;
  from: string;
}

function selects(o: LoadedObject, pod: PodView): boolean {
  const sel = ((o.object.spec?.selector ?? {}) as Record<string, unknown>).matchLabels as Record<string, string> | undefined;
  if (!sel || Object.keys(sel).length === 0) return false;
  const labels = (pod.object.metadata.labels ?? {}) as Record<string, string>;
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

function hasSelector(o: LoadedObject): boolean {
  const sel = ((o.object.spec?.selector ?? {}) as Record<string, unknown>).matchLabels;
  return !!sel && Object.keys(sel).length > 0;
}

/** "cluster/istio.yaml:1: Kind ns/name": the file first, so evidence sources start with it. */
function ref(o: LoadedObject): string {
  return `${o.source.file}:${o.source.line}: ${o.object.kind} ${String(o.object.metadata.namespace)}/${String(o.object.metadata.name)}`;
}

export function serverMode(path: RequestPath, pod: PodView, rootNs: string): Mode {
  const pas = path.objects.filter((o) => o.object.kind === 'PeerAuthentication');
  const port = path.service ? containerPort(pod.object, path.service.targetPort) : path.port;
  const chain = [
    pas.find((o) => o.object.metadata.namespace === pod.namespace && selects(o, pod)),
    pas.find((o) => o.object.metadata.namespace === pod.namespace && !hasSelector(o)),
    pas.find((o) => o.object.metadata.namespace === rootNs && !hasSelector(o)),
  ];
  for (const o of chain) {
    if (!o) continue;
    const spec = (o.object.spec ?? {}) as Record<string, unknown>;
    const portLevel = ((spec.portLevelMtls ?? {}) as Record<string, { mode?: string }>)[String(port)]?.mode;
    if (portLevel && portLevel !== 'UNSET' && o === chain[0]) return { mode: portLevel, from: `${ref(o)} portLevelMtls[${String(port)}]` };
    const mode = ((spec.mtls ?? {}) as { mode?: string }).mode;
    if (mode && mode !== 'UNSET') return { mode, from: ref(o) };
  }
  return { mode: 'PERMISSIVE', from: 'no PeerAuthentication: PERMISSIVE by default' };
}

export function clientMode(path: RequestPath, client: PodView | undefined, rootNs: string): Mode {
  if (client && !sidecarContainer(client)) return { mode: 'PLAINTEXT', from: `client ${client.name}.${client.namespace} has no sidecar` };
  const fqdn = path.service?.fqdn;
  const drs = path.objects.filter((o) => {
    if (o.object.kind !== 'DestinationRule') return false;
    const host = String(((o.object.spec ?? {}) as Record<string, unknown>).host ?? '');
    const ns = String(o.object.metadata.namespace ?? 'default');
    const full = host.includes('.') ? (host.split('.').length === 2 ? `${host}.svc.cluster.local` : host) : `${host}.${ns}.svc.cluster.local`;
    return full === fqdn;
  });
  // Istio picks the DR in the client's namespace, then the service's, then the root namespace.
  const order = [client?.namespace, path.service?.namespace, rootNs];
  drs.sort((a, b) => order.indexOf(String(a.object.metadata.namespace)) - order.indexOf(String(b.object.metadata.namespace)));
  const dr = drs[0];
  if (!dr) return { mode: 'ISTIO_MUTUAL', from: 'no DestinationRule: auto mTLS' };
  const tp = ((dr.object.spec ?? {}) as Record<string, unknown>).trafficPolicy as Record<string, unknown> | undefined;
  const port = path.port;
  const pl = ((tp?.portLevelSettings ?? []) as Record<string, unknown>[]).find((p) => Number((p.port as { number?: number } | undefined)?.number) === port);
  const tls = ((pl?.tls ?? tp?.tls) ?? {}) as { mode?: string };
  const from = ref(dr);
  if (!tls.mode) return { mode: 'ISTIO_MUTUAL', from: `${from} without tls: auto mTLS` };
  return { mode: tls.mode === 'DISABLE' ? 'PLAINTEXT' : tls.mode, from: `${from} tls.mode ${tls.mode}` };
}

export const mtlsProbe = defineProbe({
  name: 'mtls',
  description: 'The client sends what the server sidecar accepts (PeerAuthentication vs DestinationRule)',
  reads: ['cluster/*.yaml (PeerAuthentication, DestinationRule, Pod)'],
  evidence: ['mtls.consistent', 'mtls.conflict', 'mtls.no-sidecar-strict'],
  run(ctx) {
    const path = ctx.path;
    const rootNs = 'istio-system';
    const client = path.ingress ? path.gateways[0] : path.client;
    if (!client && !path.ingress) return;
    const server = path.servers.find((p) => sidecarContainer(p));
    if (!server) return;
    const s = serverMode(path, server, rootNs);
    const c = clientMode(path, client, rootNs);
    const source = [s.from, c.from].filter((x) => x.startsWith('cluster/')).join('; ') || 'cluster/*.yaml (no PeerAuthentication or DestinationRule for the target)';
    if (s.mode === 'STRICT' && c.mode === 'PLAINTEXT') {
      if (client && !sidecarContainer(client)) ctx.report('mtls.no-sidecar-strict', 'client-sidecar', { pa: s.from }, source);
      else ctx.report('mtls.conflict', client?.role === 'gateway' ? 'gateway' : 'client-sidecar', { pa: s.from, dr: c.from }, source);
      return;
    }
    ctx.report('mtls.consistent', 'server-sidecar', { mode: s.mode, pa: s.from, client: c.mode, dr: c.from }, source);
  },
});
