/**
 * The kinds istio-ts understands. `kind` is the collection name analyzers use; it equals the
 * Kubernetes kind except where two API groups share a kind (Gateway API's Gateway is
 * `KubernetesGateway`, as upstream names its collection).
 */
export interface KindInfo {
  readonly kind: string;
  readonly group: string;
  readonly k8sKind: string;
  readonly namespaced: boolean;
  /** Istio or Gateway API configuration: always "available" offline (absence means none exist). */
  readonly config: boolean;
}

function k(kind: string, group: string, namespaced = true, config = false, k8sKind = kind): KindInfo {
  return { kind, group, k8sKind, namespaced, config };
}

export const KINDS: readonly KindInfo[] = [
  // Istio configuration
  k('AuthorizationPolicy', 'security.istio.io', true, true),
  k('DestinationRule', 'networking.istio.io', true, true),
  k('EnvoyFilter', 'networking.istio.io', true, true),
  k('Gateway', 'networking.istio.io', true, true),
  k('PeerAuthentication', 'security.istio.io', true, true),
  k('ProxyConfig', 'networking.istio.io', true, true),
  k('RequestAuthentication', 'security.istio.io', true, true),
  k('ServiceEntry', 'networking.istio.io', true, true),
  k('Sidecar', 'networking.istio.io', true, true),
  k('Telemetry', 'telemetry.istio.io', true, true),
  k('TrafficExtension', 'extensions.istio.io', true, true),
  k('VirtualService', 'networking.istio.io', true, true),
  k('WasmPlugin', 'extensions.istio.io', true, true),
  k('WorkloadEntry', 'networking.istio.io', true, true),
  k('WorkloadGroup', 'networking.istio.io', true, true),
  // Gateway API
  k('KubernetesGateway', 'gateway.networking.k8s.io', true, true, 'Gateway'),
  k('GatewayClass', 'gateway.networking.k8s.io', false, true),
  k('HTTPRoute', 'gateway.networking.k8s.io', true, true),
  k('GRPCRoute', 'gateway.networking.k8s.io', true, true),
  k('TCPRoute', 'gateway.networking.k8s.io', true, true),
  k('TLSRoute', 'gateway.networking.k8s.io', true, true),
  k('ReferenceGrant', 'gateway.networking.k8s.io', true, true),
  k('BackendTLSPolicy', 'gateway.networking.k8s.io', true, true),
  // Kubernetes
  k('ConfigMap', ''),
  k('Endpoints', ''),
  k('Namespace', '', false),
  k('Node', '', false),
  k('Pod', ''),
  k('Secret', ''),
  k('Service', ''),
  k('ServiceAccount', ''),
  k('DaemonSet', 'apps'),
  k('Deployment', 'apps'),
  k('ReplicaSet', 'apps'),
  k('StatefulSet', 'apps'),
  k('CronJob', 'batch'),
  k('Job', 'batch'),
  k('ReplicationController', ''),
  k('DeploymentConfig', 'apps.openshift.io'),
  k('Ingress', 'networking.k8s.io'),
  k('NetworkPolicy', 'networking.k8s.io'),
  k('MutatingWebhookConfiguration', 'admissionregistration.k8s.io', false),
  k('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', false),
  k('CustomResourceDefinition', 'apiextensions.k8s.io', false),
  // Synthetic: mesh-wide settings, from --meshConfigFile or the cluster's istio ConfigMap.
  k('MeshConfig', '', false, true),
  k('MeshNetworks', '', false, true),
];

const byGroupKind = new Map<string, KindInfo>(KINDS.map((i) => [`${i.group}/${i.k8sKind}`, i]));
const byName = new Map<string, KindInfo>(KINDS.map((i) => [i.kind, i]));

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/**
 * Groups that once served a kind Kubernetes has since moved (extensions/v1beta1 Deployment, removed
 * in 1.16): such objects are still read, so workload.ApiVersionAnalyzer can say why they fail.
 */
const LEGACY_GROUPS: Record<string, string> = {
  'extensions/Deployment': 'apps',
  'extensions/DaemonSet': 'apps',
  'extensions/ReplicaSet': 'apps',
  'extensions/Ingress': 'networking.k8s.io',
};

/** The collection for an object's apiVersion + kind, or undefined for kinds istio-ts ignores. */
export function lookupKind(apiVersion: string, kind: string): KindInfo | undefined {
  const gk = `${groupOf(apiVersion)}/${kind}`;
  const legacy = LEGACY_GROUPS[gk];
  return byGroupKind.get(legacy ? `${legacy}/${kind}` : gk);
}

export function kindInfo(kind: string): KindInfo | undefined {
  return byName.get(kind);
}

/** Workload kinds whose pod template describes the pods they create. */
export const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'DeploymentConfig',
]);
