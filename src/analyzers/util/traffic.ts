import type { Snapshot } from '../../analysis/snapshot.js';
import type { MeshConfig } from '../../analysis/mesh-config.js';
import type { Labels, Resource } from '../../resources/types.js';
import { parseDuration } from '../../schema/duration.js';
import { asObjects, asRecord, asString, asStringMap, get } from '../../util/objects.js';
import { CLUSTER_LOCAL } from './host.js';
import { podInMesh } from './injection.js';
import { matchesLabels } from './selector.js';
import { namespaceInAmbientMode, podInAmbientMode } from './workload.js';

/**
 * Helpers for istio-ts's own traffic analyzers (the ITS block): which Kubernetes Service a host
 * names, which pods back it, and which PeerAuthentication mode a workload port enforces.
 */

/** The Kubernetes Service a host names, seen from `namespace` ("reviews", "reviews.prod", FQDN). */
export function kubeServiceForHost(snapshot: Snapshot, namespace: string, host: string): Resource | undefined {
  if (!host || host.includes('*')) return undefined;
  const parts = host.split('.');
  if (parts.length === 1) return snapshot.get('Service', namespace, host);
  const rest = parts.slice(2).join('.');
  if (rest === '' || rest === 'svc' || rest === CLUSTER_LOCAL) return snapshot.get('Service', parts[1]!, parts[0]!);
  return undefined;
}

/** `spec.selector` of a Service ({} when it has none: endpoints are managed by hand). */
export function serviceSelector(svc: Resource): Labels {
  return asStringMap(get(svc.object, 'spec', 'selector'));
}

/** The pods a Service selects; none for a Service without a selector. */
export function podsOfService(snapshot: Snapshot, svc: Resource): Resource[] {
  const sel = serviceSelector(svc);
  if (Object.keys(sel).length === 0) return [];
  return snapshot.inNamespace('Pod', svc.namespace).filter((p) => matchesLabels(sel, p.labels));
}

/** The Services whose selector picks a pod. */
export function servicesOfPod(snapshot: Snapshot, pod: Resource): Resource[] {
  return snapshot.inNamespace('Service', pod.namespace).filter((s) => {
    const sel = serviceSelector(s);
    return Object.keys(sel).length > 0 && matchesLabels(sel, pod.labels);
  });
}

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: string;
  readonly appProtocol?: string;
}

export function servicePorts(svc: Resource): ServicePort[] {
  return asObjects(get(svc.object, 'spec', 'ports')).map((p) => {
    const port = Number(p.port ?? 0);
    const tp = p.targetPort;
    return {
      name: asString(p.name),
      port,
      targetPort: typeof tp === 'number' ? tp : typeof tp === 'string' && tp !== '' ? (/^\d+$/.test(tp) ? Number(tp) : tp) : port,
      protocol: asString(p.protocol) || 'TCP',
      ...(typeof p.appProtocol === 'string' ? { appProtocol: p.appProtocol } : {}),
    };
  });
}

/** A named targetPort resolved against the pod's container ports (undefined when no container names it). */
export function resolveTargetPort(pod: Resource, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of asObjects(get(pod.object, 'spec', 'containers'))) {
    for (const p of asObjects(c.ports)) if (p.name === target) return Number(p.containerPort);
  }
  return undefined;
}

/** A workload's pods count once: pods made up from the same template stand for their owner. */
export function distinctWorkloads(pods: readonly Resource[]): Resource[] {
  const seen = new Set<string>();
  return pods.filter((p) => {
    const o = p.synthetic?.owner;
    const key = o ? `${o.kind}/${o.namespace}/${o.name}` : `Pod/${p.namespace}/${p.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A pod whose traffic the mesh secures: a sidecar (injected or to be injected) or ambient capture. */
export function podSecuredByMesh(snapshot: Snapshot, pod: Resource): boolean {
  if (podInMesh(snapshot, pod) || podInAmbientMode(pod)) return true;
  return namespaceInAmbientMode(snapshot.get('Namespace', '', pod.namespace));
}

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface EffectiveMtls {
  readonly mode: MtlsMode;
  /** The PeerAuthentication that decided the mode; undefined for Istio's default (PERMISSIVE). */
  readonly policy?: Resource;
}

function oldestFirst(a: Resource, b: Resource): number {
  const ta = String(a.object.metadata.creationTimestamp ?? '');
  const tb = String(b.object.metadata.creationTimestamp ?? '');
  return ta < tb ? -1 : ta > tb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function modeOf(v: unknown): MtlsMode | undefined {
  const m = asString(asRecord(v).mode).toUpperCase();
  return m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : undefined;
}

/**
 * The mTLS mode a workload enforces on a container port, as istiod resolves PeerAuthentication:
 * the workload policy (selector; the oldest when several match) with its port-level setting first,
 * then the namespace policy, then the mesh-wide policy in the root namespace; UNSET inherits, and
 * with no policy at all the mode is PERMISSIVE.
 */
export function effectiveMtls(snapshot: Snapshot, mesh: MeshConfig, istioNamespace: string, pod: Resource, port?: number): EffectiveMtls {
  const root = String(mesh.rootNamespace || istioNamespace);
  const hasSelector = (pa: Resource) => Object.keys(asStringMap(get(pa.object, 'spec', 'selector', 'matchLabels'))).length > 0;
  const inNs = snapshot.inNamespace('PeerAuthentication', pod.namespace);
  const workload = inNs
    .filter((pa) => hasSelector(pa) && matchesLabels(asStringMap(get(pa.object, 'spec', 'selector', 'matchLabels')), pod.labels))
    .sort(oldestFirst)[0];
  const nsWide = inNs.filter((pa) => !hasSelector(pa)).sort(oldestFirst)[0];
  const meshWide = snapshot.inNamespace('PeerAuthentication', root).filter((pa) => !hasSelector(pa)).sort(oldestFirst)[0];
  if (workload) {
    const spec = asRecord(workload.object.spec);
    const portMode = port !== undefined ? modeOf(asRecord(spec.portLevelMtls)[String(port)]) : undefined;
    if (portMode) return { mode: portMode, policy: workload };
    const m = modeOf(spec.mtls);
    if (m) return { mode: m, policy: workload };
  }
  for (const pa of [nsWide, meshWide]) {
    if (!pa) continue;
    const m = modeOf(get(pa.object, 'spec', 'mtls'));
    if (m) return { mode: m, policy: pa };
  }
  return { mode: 'PERMISSIVE' };
}

/** A Go duration in milliseconds, or undefined. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const ns = parseDuration(v);
  return ns === undefined ? undefined : ns / 1e6;
}
