/**
 * The istioctl analyzers over the capture's cluster/*.yaml (pods as captured, none synthesized),
 * keeping findings about the involved resources: the pods on the path, the target Service, their
 * Namespaces, and Istio config in those namespaces or the root namespace. A finding lands on the
 * segment whose proxy the resource configures.
 */
import type { Diagnostic } from '../../analysis/engine.js';
import { runPipeline } from '../../analysis/pipeline.js';
import { defaultMeshConfig } from '../../analysis/mesh-config.js';
import { allAnalyzers } from '../../analyzers/index.js';
import type { SegmentName } from '../model.js';
import type { RequestPath } from '../path.js';
import { defineProbe, pathPods, sidecarSegment } from './types.js';

const ROOT_NS = 'istio-system';

// Findings that break or misroute traffic on their own; other warnings (port names, deprecations…)
// are listed but do not make a segment faulty.
const TRAFFIC_CODES = new Set([
  'IST0101', // ReferencedResourceNotFound: VS→subset/gateway/host, Gateway selector
  'IST0102', // NamespaceNotInjected
  'IST0103', // PodMissingProxy
  'IST0127', // NoMatchingWorkloadsFound (AuthorizationPolicy selector)
  'IST0128', // NoServerCertificateVerificationDestinationLevel
  'IST0132', // VirtualServiceHostNotFoundInGateway
  'IST0143', // LocalhostListener
  'IST0145', // ConflictingGateways
  'IST0162', // GatewayPortNotDefinedOnService
  'IST0173', // DestinationRuleSubsetNotSelectPods
]);

function segmentFor(d: Diagnostic, path: RequestPath): SegmentName {
  const r = d.resource;
  const kind = r?.kind ?? '';
  const clientSide: SegmentName = path.ingress ? 'gateway' : 'client-sidecar';
  const podOf = (name: string, ns: string) => pathPods(path).find((p) => p.name === name && p.namespace === ns);
  switch (kind) {
    case 'Pod': {
      const p = r ? podOf(r.name, r.namespace) : undefined;
      return p ? sidecarSegment(p) : 'server-sidecar';
    }
    case 'Namespace': {
      if (path.client && r?.name === path.client.namespace && !path.ingress) return 'client-sidecar';
      return 'server-sidecar';
    }
    case 'Gateway':
      return 'gateway';
    case 'VirtualService': {
      const gws = ((r?.object.spec?.gateways ?? []) as string[]).filter((g) => g !== 'mesh');
      return gws.length > 0 && path.gateways.length > 0 ? 'gateway' : clientSide;
    }
    case 'DestinationRule':
    case 'ServiceEntry':
    case 'Sidecar':
    case 'EnvoyFilter':
      return clientSide;
    case 'AuthorizationPolicy':
    case 'PeerAuthentication':
    case 'RequestAuthentication':
    case 'Service':
      return 'server-sidecar';
    default:
      return 'control-plane';
  }
}

interface Ref {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly apiVersion: string;
  readonly object?: Record<string, unknown>;
}

function involved(r: Ref | undefined, path: RequestPath): boolean {
  if (!r) return false;
  const pods = pathPods(path);
  const namespaces = new Set([...pods.map((p) => p.namespace), ...(path.service ? [path.service.namespace] : [])]);
  if (r.kind === 'Pod') return pods.some((p) => p.name === r.name && p.namespace === r.namespace);
  if (r.kind === 'Service') return !!path.service && r.name === path.service.name && r.namespace === path.service.namespace;
  if (r.kind === 'Namespace') return namespaces.has(r.name);
  if (r.apiVersion.includes('istio.io')) {
    if (!namespaces.has(r.namespace) && r.namespace !== ROOT_NS) return false;
    // A resource that selects workloads (Sidecar, AuthorizationPolicy, PeerAuthentication…)
    // configures the pods it selects: one that selects none of the path's pods is not involved.
    // The capture holds only the path's pods, so "selects no pod" findings about it would be
    // false (a Sidecar for another pod of the namespace is not missing its pod).
    const sel = workloadSelector(r.object);
    if (!sel) return true;
    return pods.some((p) => (r.namespace === ROOT_NS || p.namespace === r.namespace) && Object.entries(sel).every(([k, v]) => (p.object.metadata.labels as Record<string, string> | undefined)?.[k] === v));
  }
  return false;
}

/** spec.workloadSelector.labels (Sidecar, EnvoyFilter) or spec.selector.matchLabels (security, Telemetry). */
function workloadSelector(o: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const spec = (o?.spec ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const kind = String(o?.kind ?? '');
  // A ServiceEntry's workloadSelector picks its endpoints, not the proxies it configures.
  if (kind === 'ServiceEntry' || kind === 'WorkloadGroup') return undefined;
  const labels = (spec.workloadSelector?.labels ?? spec.selector?.matchLabels) as Record<string, string> | undefined;
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

export const analyzersProbe = defineProbe({
  name: 'analyzers',
  description: 'istioctl analyze finds nothing that breaks traffic on the involved resources',
  reads: ['cluster/*.yaml'],
  evidence: ['analyzer.finding', 'analyzer.warning', 'analyzer.minor', 'analyzer.clean'],
  run(ctx) {
    if (ctx.capture.objects.length === 0) return;
    // The capture is the whole input: no files, so no load problems; the pipeline does the rest.
    const result = runPipeline({ objects: ctx.capture.objects }, {
      allNamespaces: true,
      namespace: 'default',
      istioNamespace: ROOT_NS,
      meshConfig: defaultMeshConfig(ROOT_NS),
      addDefaults: false,
      synthesizePods: false,
      analyzers: allAnalyzers,
    });
    const mine = result.findings.filter((d) => involved(d.resource, ctx.path));
    for (const d of mine) {
      const args = { code: d.code, level: d.level, message: d.message, origin: d.origin, namespace: d.namespace || ROOT_NS };
      const source = d.reference || 'cluster/*.yaml';
      // An Error breaks traffic; a Warning may (attribution keeps it only if it can explain
      // a failure the access logs show).
      if (TRAFFIC_CODES.has(d.code) && d.level === 'Error') ctx.report('analyzer.finding', segmentFor(d, ctx.path), args, source);
      else if (TRAFFIC_CODES.has(d.code) && d.level === 'Warning') ctx.report('analyzer.warning', segmentFor(d, ctx.path), args, source);
      else ctx.report('analyzer.minor', segmentFor(d, ctx.path), args, source);
    }
    if (mine.length === 0) {
      const count = ctx.capture.objects.filter((o) => involved({ kind: o.object.kind, name: String(o.object.metadata.name), namespace: String(o.object.metadata.namespace ?? ''), apiVersion: o.object.apiVersion, object: o.object as unknown as Record<string, unknown> }, ctx.path)).length;
      ctx.report('analyzer.clean', 'control-plane', { count }, 'cluster/*.yaml');
    }
  },
});
