/**
 * Resolves FROM, TO and --via of a capture into the pods and Service of the request path, from
 * the objects in cluster/*.yaml. Pure: the live collector resolves the same way to decide what to
 * save, and diagnose re-resolves from what was saved.
 */
import type { K8sObject } from '../resources/types.js';
import type { LoadedObject } from '../resources/loader.js';
import type { CaptureData, ProxyCapture } from './model.js';

export interface PodView {
  readonly name: string;
  readonly namespace: string;
  readonly role: 'client' | 'server' | 'gateway';
  readonly object: K8sObject;
  /** "cluster/pods.yaml:12". */
  readonly source: string;
  readonly proxy?: ProxyCapture;
  readonly ip: string;
}

export interface ServiceView {
  /** A Kubernetes Service, or a ServiceEntry host (TO may name either). */
  readonly kind: 'Service' | 'ServiceEntry';
  readonly name: string;
  readonly namespace: string;
  readonly fqdn: string;
  readonly port: number;
  /** The container port the Service port targets (a number; a named targetPort is resolved per pod). */
  readonly targetPort: number | string;
  readonly selector: Record<string, string>;
  readonly object: K8sObject;
  readonly source: string;
}

export interface RequestPath {
  readonly ingress: boolean;
  readonly client?: PodView;
  /** FROM as given, when the pod is not in the capture. */
  readonly clientRef: { name: string; namespace: string } | undefined;
  readonly gateways: readonly PodView[];
  readonly service?: ServiceView;
  /** TO's host without port, as the user wrote it. */
  readonly host: string;
  readonly port?: number;
  readonly servers: readonly PodView[];
  readonly objects: readonly LoadedObject[];
}

const DOMAIN = 'svc.cluster.local';

/** "name.namespace", "namespace/name" or "name" (then `defaultNs`). */
export function parsePodName(ref: string, defaultNs: string): { name: string; namespace: string } {
  const r = ref.replace(/^(pod|pods|po)\//, '');
  if (r.includes('/')) {
    const [namespace = defaultNs, name = ''] = r.split('/');
    return { name, namespace };
  }
  const dot = r.indexOf('.');
  return dot > 0 ? { name: r.slice(0, dot), namespace: r.slice(dot + 1) } : { name: r, namespace: defaultNs };
}

/** "host[:port]". A bracketed IPv6 host keeps its brackets off. */
export function parseHostPort(to: string): { host: string; port?: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(to.trim())!;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  return m[2] ? { host, port: Number(m[2]) } : { host };
}

function ref(o: LoadedObject): string {
  return `${o.source.file}:${o.source.line}`;
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

export function podIp(pod: K8sObject): string {
  return typeof pod.status?.podIP === 'string' ? pod.status.podIP : '';
}

export function resolvePath(capture: CaptureData): RequestPath {
  const objects = capture.objects;
  const pods = objects.filter((o) => o.object.kind === 'Pod' && o.object.apiVersion === 'v1');
  const proxyOf = (name: string, namespace: string) => capture.proxies.find((p) => p.pod === name && p.namespace === namespace);
  const view = (o: LoadedObject, role: PodView['role']): PodView => {
    const name = String(o.object.metadata.name ?? '');
    const namespace = String(o.object.metadata.namespace ?? 'default');
    const proxy = proxyOf(name, namespace);
    return { name, namespace, role, object: o.object, source: ref(o), ip: podIp(o.object), ...(proxy ? { proxy } : {}) };
  };
  const findPod = (name: string, namespace: string) => pods.find((p) => p.object.metadata.name === name && (p.object.metadata.namespace ?? 'default') === namespace);

  const ingress = capture.meta.from === 'ingress';
  let client: PodView | undefined;
  let clientRef: RequestPath['clientRef'];
  if (!ingress) {
    clientRef = parsePodName(capture.meta.from, 'default');
    const p = findPod(clientRef.name, clientRef.namespace);
    if (p) client = view(p, 'client');
  }

  const gateways: PodView[] = [];
  const via = capture.meta.via;
  if (via || ingress) {
    const selectGateways = (selector: Record<string, string>, namespace?: string) =>
      pods.filter((p) => (!namespace || p.object.metadata.namespace === namespace) && labelsMatch(selector, p.object.metadata.labels as Record<string, string>));
    let found: LoadedObject[] = [];
    if (via) {
      const r = parsePodName(via, 'istio-system');
      const pod = findPod(r.name, r.namespace);
      if (pod) found = [pod];
      else {
        const svc = objects.find((o) => o.object.kind === 'Service' && o.object.metadata.name === r.name && (o.object.metadata.namespace ?? 'default') === r.namespace);
        if (svc) found = selectGateways((svc.object.spec?.selector ?? {}) as Record<string, string>, r.namespace);
      }
    } else found = selectGateways({ istio: 'ingressgateway' });
    gateways.push(...found.map((p) => view(p, 'gateway')));
  }

  const { host, port } = parseHostPort(capture.meta.to);
  const defaultNs = client?.namespace ?? clientRef?.namespace ?? 'default';
  let service: ServiceView | undefined;
  let servers: PodView[] = [];
  const labels = host.split('.');
  const toPod = parsePodName(host.replace(/^pod\//, ''), defaultNs);
  const directPod = host.startsWith('pod/') || (!host.includes('.') && !objects.some((o) => o.object.kind === 'Service' && o.object.metadata.name === host)) ? findPod(toPod.name, toPod.namespace) : undefined;
  if (directPod) {
    servers = [view(directPod, 'server')];
  } else {
    const name = labels[0] ?? host;
    const namespace = labels.length > 1 && labels[1] !== 'svc' ? labels[1]! : defaultNs;
    const svc = objects.find((o) => o.object.kind === 'Service' && o.object.metadata.name === name && (o.object.metadata.namespace ?? 'default') === namespace);
    if (svc) {
      const spec = (svc.object.spec ?? {}) as Record<string, unknown>;
      const ports = (Array.isArray(spec.ports) ? spec.ports : []) as Record<string, unknown>[];
      const sp = (port ? ports.find((p) => Number(p.port) === port) : undefined) ?? ports[0] ?? {};
      const selector = (spec.selector ?? {}) as Record<string, string>;
      service = {
        kind: 'Service',
        name,
        namespace,
        fqdn: `${name}.${namespace}.${DOMAIN}`,
        port: Number(sp.port ?? port ?? 80),
        targetPort: (sp.targetPort as number | string | undefined) ?? Number(sp.port ?? port ?? 80),
        selector,
        object: svc.object,
        source: ref(svc),
      };
      servers = pods.filter((p) => p.object.metadata.namespace === namespace && labelsMatch(selector, p.object.metadata.labels as Record<string, string>)).map((p) => view(p, 'server'));
    } else {
      const se = serviceEntryFor(objects, host, port);
      if (se) {
        service = se.view;
        servers = se.view.selector && Object.keys(se.view.selector).length > 0 ? pods.filter((p) => (p.object.metadata.namespace ?? 'default') === se.view.namespace && labelsMatch(se.view.selector, p.object.metadata.labels as Record<string, string>)).map((p) => view(p, 'server')) : [];
      }
    }
  }
  // A pod target without ":port": the port its app declares, when it declares exactly one.
  const podPort = !port && !service && servers.length === 1 ? soleAppPort(servers[0]!.object) : undefined;
  const resolvedPort = port ?? service?.port ?? podPort;
  return { ingress, ...(client ? { client } : {}), clientRef, gateways, ...(service ? { service } : {}), host, ...(resolvedPort ? { port: resolvedPort } : {}), servers, objects };
}

/** Whether a ServiceEntry host (exact, or "*.example.com") covers HOST. */
export function seHostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  return pattern.startsWith('*.') && host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

/**
 * TO as a ServiceEntry host: the entry whose hosts cover it (an exact host before a wildcard),
 * its port (TO's port, else the first), and the pods its workloadSelector picks as endpoints.
 * A mesh-external entry has no pods: its endpoints are addresses or DNS names.
 */
function serviceEntryFor(objects: readonly LoadedObject[], host: string, port: number | undefined): { view: ServiceView } | undefined {
  const entries = objects.filter((o) => o.object.kind === 'ServiceEntry');
  const hostsOf = (o: LoadedObject) => ((o.object.spec?.hosts ?? []) as unknown[]).map(String);
  const se = entries.find((o) => hostsOf(o).includes(host)) ?? entries.find((o) => hostsOf(o).some((h) => seHostMatches(h, host)));
  if (!se) return undefined;
  const spec = (se.object.spec ?? {}) as Record<string, unknown>;
  const ports = (Array.isArray(spec.ports) ? spec.ports : []) as Record<string, unknown>[];
  const sp = (port ? ports.find((p) => Number(p.number) === port) : undefined) ?? ports[0] ?? {};
  const selector = (((spec.workloadSelector ?? {}) as Record<string, unknown>).labels ?? {}) as Record<string, string>;
  const number = Number(sp.number ?? port ?? 80);
  return {
    view: {
      kind: 'ServiceEntry',
      name: String(se.object.metadata.name ?? ''),
      namespace: String(se.object.metadata.namespace ?? 'default'),
      fqdn: host,
      port: number,
      targetPort: (sp.targetPort as number | undefined) ?? number,
      selector,
      object: se.object,
      source: ref(se),
    },
  };
}

function soleAppPort(pod: K8sObject): number | undefined {
  const ports = ((pod.spec?.containers ?? []) as Record<string, unknown>[])
    .filter((c) => c.name !== 'istio-proxy')
    .flatMap((c) => ((c.ports ?? []) as Record<string, unknown>[]).map((p) => Number(p.containerPort)))
    .filter((n) => Number.isInteger(n) && n > 0);
  return ports.length === 1 ? ports[0] : undefined;
}

/** The app container port a Service targetPort names, for one pod. */
export function containerPort(pod: K8sObject, targetPort: number | string): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of (pod.spec?.containers ?? []) as Record<string, unknown>[]) {
    for (const p of (c.ports ?? []) as Record<string, unknown>[]) if (p.name === targetPort) return Number(p.containerPort);
  }
  return undefined;
}

/** The names a client uses for the target: short, namespaced, FQDN, with and without port. */
export function hostAliases(path: RequestPath): string[] {
  const out = new Set<string>([path.host]);
  const s = path.service;
  if (s?.kind === 'ServiceEntry') {
    out.add(s.fqdn);
    for (const a of (s.object.spec?.addresses ?? []) as unknown[]) out.add(String(a));
  } else if (s) {
    for (const h of [s.name, `${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`, s.fqdn]) out.add(h);
    const ip = s.object.spec?.clusterIP;
    if (typeof ip === 'string' && ip !== 'None') out.add(ip);
  }
  for (const h of [...out]) if (path.port) out.add(`${h}:${path.port}`);
  return [...out];
}

export function proxyName(p: PodView): string {
  return `${p.name}.${p.namespace}`;
}
