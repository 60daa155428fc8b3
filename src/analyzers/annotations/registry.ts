/**
 * Istio's resource annotation registry, as istio.io/api annotation/annotations.gen.go
 * (AllResourceAnnotations) defines it: name, feature status, whether it is hidden or deprecated,
 * and the resource types it may be put on ("Any" = every type). Data only.
 */

export type FeatureStatus = 'Alpha' | 'Beta' | 'Stable';
export type AnnotationResourceType =
  | 'Any'
  | 'AuthorizationPolicy'
  | 'Gateway'
  | 'GatewayClass'
  | 'Ingress'
  | 'Namespace'
  | 'Pod'
  | 'Service'
  | 'ServiceEntry'
  | 'WorkloadEntry';

export interface AnnotationDef {
  readonly name: string;
  readonly featureStatus: FeatureStatus;
  readonly hidden: boolean;
  readonly deprecated: boolean;
  readonly resources: readonly AnnotationResourceType[];
}

export const ANNOTATIONS: readonly AnnotationDef[] = [
  { name: 'alpha.istio.io/canonical-serviceaccounts', featureStatus: 'Alpha', hidden: true, deprecated: true, resources: ['Service'] },
  { name: 'alpha.istio.io/kubernetes-serviceaccounts', featureStatus: 'Alpha', hidden: true, deprecated: true, resources: ['Service'] },
  { name: 'ambient.istio.io/bypass-inbound-capture', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['Pod'] },
  { name: 'ambient.istio.io/redirection', featureStatus: 'Beta', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'ambient.istio.io/waypoint-inbound-binding', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['GatewayClass', 'Gateway'] },
  { name: 'galley.istio.io/analyze-suppress', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Any'] },
  { name: 'gateway.istio.io/controller-version', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['Any'] },
  { name: 'gateway.istio.io/name-override', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['Gateway'] },
  { name: 'gateway.istio.io/service-account', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['Gateway'] },
  { name: 'inject.istio.io/templates', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'istio.io/autoRegistrationGroup', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['WorkloadEntry'] },
  { name: 'istio.io/connectedAt', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['WorkloadEntry'] },
  { name: 'istio.io/disconnectedAt', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['WorkloadEntry'] },
  { name: 'istio.io/dry-run', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['AuthorizationPolicy'] },
  { name: 'istio.io/rev', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'istio.io/workloadController', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['WorkloadEntry'] },
  { name: 'kubernetes.io/ingress.class', featureStatus: 'Stable', hidden: false, deprecated: false, resources: ['Ingress'] },
  { name: 'networking.istio.io/exportTo', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Service'] },
  { name: 'networking.istio.io/service-type', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['Gateway'] },
  { name: 'networking.istio.io/traffic-distribution', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Service', 'ServiceEntry'] },
  { name: 'prometheus.istio.io/merge-metrics', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'proxy.istio.io/config', featureStatus: 'Beta', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'proxy.istio.io/overrides', featureStatus: 'Alpha', hidden: true, deprecated: false, resources: ['Pod'] },
  { name: 'readiness.status.sidecar.istio.io/applicationPorts', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'readiness.status.sidecar.istio.io/failureThreshold', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'readiness.status.sidecar.istio.io/initialDelaySeconds', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'readiness.status.sidecar.istio.io/periodSeconds', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/agentLogLevel', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/bootstrapOverride', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/componentLogLevel', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/discoveryAddress', featureStatus: 'Alpha', hidden: false, deprecated: true, resources: ['Pod'] },
  { name: 'sidecar.istio.io/enableCoreDump', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/extraStatTags', featureStatus: 'Alpha', hidden: false, deprecated: true, resources: ['Pod'] },
  { name: 'sidecar.istio.io/inject', featureStatus: 'Beta', hidden: false, deprecated: true, resources: ['Pod'] },
  { name: 'sidecar.istio.io/interceptionMode', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/logLevel', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/nativeSidecar', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/proxyCPU', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/proxyCPULimit', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/proxyImage', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/proxyImageType', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/proxyMemory', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/proxyMemoryLimit', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/rewriteAppHTTPProbers', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/statsHistogramBuckets', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/statsInclusionPrefixes', featureStatus: 'Alpha', hidden: false, deprecated: true, resources: ['Pod'] },
  { name: 'sidecar.istio.io/statsInclusionRegexps', featureStatus: 'Alpha', hidden: false, deprecated: true, resources: ['Pod'] },
  { name: 'sidecar.istio.io/statsInclusionSuffixes', featureStatus: 'Alpha', hidden: false, deprecated: true, resources: ['Pod'] },
  { name: 'sidecar.istio.io/status', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/userVolume', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'sidecar.istio.io/userVolumeMount', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'status.sidecar.istio.io/port', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'topology.istio.io/controlPlaneClusters', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Namespace'] },
  { name: 'traffic.istio.io/nodeSelector', featureStatus: 'Stable', hidden: false, deprecated: false, resources: ['Service'] },
  { name: 'traffic.sidecar.istio.io/excludeInboundPorts', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/excludeInterfaces', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/excludeOutboundIPRanges', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/excludeOutboundPorts', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/includeInboundPorts', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/includeOutboundIPRanges', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/includeOutboundPorts', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
  { name: 'traffic.sidecar.istio.io/kubevirtInterfaces', featureStatus: 'Alpha', hidden: false, deprecated: false, resources: ['Pod'] },
];

const byName = new Map<string, AnnotationDef>(ANNOTATIONS.map((a) => [a.name, a]));

export function lookupAnnotation(name: string): AnnotationDef | undefined {
  return byName.get(name);
}
