/**
 * Pod and container status of every pod on the path: app and istio-proxy ready, restarts, last
 * termination; for a Service, whether it selects any pod and how many are ready.
 */
import { summarizeList } from '../evidence.js';
import type { PodView } from '../path.js';
import { appSegment, defineProbe, sidecarSegment, pathPods, type ProbeContext } from './types.js';

type Status = Record<string, unknown>;

function stateOf(cs: Status): string {
  const state = (cs.state ?? {}) as Record<string, Record<string, unknown>>;
  if (state.waiting) return `waiting: ${String(state.waiting.reason ?? 'unknown')}`;
  if (state.terminated) return `terminated: ${String(state.terminated.reason ?? 'unknown')}`;
  if (state.running) return 'running';
  return 'no state';
}

function statuses(p: PodView): Status[] {
  const st = (p.object.status ?? {}) as Record<string, unknown>;
  return [...((st.containerStatuses ?? []) as Status[]), ...((st.initContainerStatuses ?? []) as Status[]).filter((c) => c.name === 'istio-proxy')];
}

function checkPod(ctx: ProbeContext, p: PodView): void {
  const all = statuses(p);
  for (const cs of all) {
    const container = String(cs.name ?? '');
    const segment = container === 'istio-proxy' ? sidecarSegment(p) : appSegment(p);
    const restarts = Number(cs.restartCount ?? 0);
    const last = ((cs.lastState ?? {}) as Record<string, Record<string, unknown>>).terminated;
    const args = { role: p.role, pod: `${p.name}.${p.namespace}`, name: p.name, namespace: p.namespace, container, restarts };
    const source = `${p.source}: status.containerStatuses[${container}]`;
    if (cs.ready === true) ctx.report('pod.container-ready', segment, args, source);
    else {
      const lastText = last ? `, last terminated ${String(last.reason ?? '')} (exit ${String(last.exitCode ?? '?')})` : '';
      ctx.report('pod.container-not-ready', segment, { ...args, state: stateOf(cs), last: lastText }, source);
    }
    if (restarts > 0 && last) {
      ctx.report('pod.container-restarted', segment, { ...args, reason: String(last.reason ?? 'unknown'), exitCode: String(last.exitCode ?? '?'), finishedAt: String(last.finishedAt ?? '?') }, source);
    }
  }
}

export const podStatusProbe = defineProbe({
  name: 'pod-status',
  description: 'Every container of the client, gateway and server pods is ready; the Service selects ready pods',
  reads: ['cluster/*.yaml (Pod status, Service selector)'],
  evidence: ['pod.container-ready', 'pod.container-not-ready', 'pod.container-restarted', 'pod.not-in-capture', 'pod.service-selects-none', 'pod.none-ready', 'pod.service-not-found', 'pod.external-endpoints'],
  run(ctx) {
    const path = ctx.path;
    if (!path.ingress && !path.client && path.clientRef) {
      ctx.report('pod.not-in-capture', 'client-app', { role: 'client', pod: `${path.clientRef.name}.${path.clientRef.namespace}` }, 'cluster/*.yaml');
    }
    for (const p of pathPods(path)) checkPod(ctx, p);
    const svc = path.service;
    if (!svc) {
      if (path.servers.length === 0) ctx.report('pod.service-not-found', 'server-app', { host: path.host }, 'cluster/*.yaml');
      return;
    }
    const selector = Object.entries(svc.selector).map(([k, v]) => `${k}=${v}`).join(',');
    const args = { service: `${svc.kind} ${svc.namespace}/${svc.name}`, name: svc.name, namespace: svc.namespace, selector, total: path.servers.length };
    if (svc.kind === 'ServiceEntry' && selector === '') {
      // Endpoints listed in the entry or resolved by DNS: outside the pods of the capture.
      const spec = (svc.object.spec ?? {}) as Record<string, unknown>;
      const eps = ((spec.endpoints ?? []) as Record<string, unknown>[]).map((e) => String(e.address ?? ''));
      const endpoints = eps.length ? summarizeList(eps) : spec.resolution === 'DNS' ? `DNS lookups of ${svc.fqdn}` : 'whatever address the client sends to';
      ctx.report('pod.external-endpoints', 'server-app', { serviceEntry: `${svc.namespace}/${svc.name}`, location: String(spec.location ?? 'MESH_EXTERNAL'), resolution: String(spec.resolution ?? 'NONE'), endpoints }, `${svc.source}: spec`);
      return;
    }
    if (path.servers.length === 0) ctx.report('pod.service-selects-none', 'server-app', args, `${svc.source}: spec.selector`);
    else if (!path.servers.some(isReady)) ctx.report('pod.none-ready', 'server-app', args, `${svc.source}: spec.selector; pods' status.conditions[Ready]`);
  },
});

export function isReady(p: PodView): boolean {
  const conds = ((p.object.status ?? {}) as Record<string, unknown>).conditions;
  return Array.isArray(conds) && conds.some((c: Record<string, unknown>) => c.type === 'Ready' && c.status === 'True');
}
