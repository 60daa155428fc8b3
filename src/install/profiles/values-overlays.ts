import type { Tree } from '../types.js';

/**
 * Helm-level overlays selected by `values.profile` (upstream manifests/helm-profiles/<name>.yaml,
 * copied into every chart as files/profile-<name>.yaml). They sit between the chart defaults and
 * the user's values: chart defaults < profile overlay < platform overlay < user values.
 */
const lowRequests = { requests: { cpu: '10m', memory: '40Mi' } };

export const PROFILE_VALUE_OVERLAYS: Readonly<Record<string, Tree>> = {
  ambient: {
    meshConfig: {
      defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' } },
      // Services labelled istio.io/global=true are visible mesh-wide (ambient multi-network).
      serviceScopeConfigs: [
        {
          servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] },
          scope: 'GLOBAL',
        },
      ],
    },
    global: { variant: 'distroless' },
    pilot: { env: { PILOT_ENABLE_AMBIENT: 'true' } },
    cni: { ambient: { enabled: true } },
  },
  demo: {
    meshConfig: {
      accessLogFile: '/dev/stdout',
      extensionProviders: [
        { name: 'otel', envoyOtelAls: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 } },
        { name: 'skywalking', skywalking: { service: 'tracing.istio-system.svc.cluster.local', port: 11800 } },
        { name: 'otel-tracing', opentelemetry: { port: 4317, service: 'opentelemetry-collector.observability.svc.cluster.local' } },
        { name: 'jaeger', opentelemetry: { port: 4317, service: 'jaeger-collector.istio-system.svc.cluster.local' } },
      ],
    },
    cni: { resources: lowRequests },
    ztunnel: { resources: lowRequests },
    global: { proxy: { resources: lowRequests }, waypoint: { resources: lowRequests } },
    pilot: { autoscaleEnabled: false, traceSampling: 100, resources: { requests: { cpu: '10m', memory: '100Mi' } } },
    gateways: {
      'istio-egressgateway': { autoscaleEnabled: false, resources: lowRequests },
      'istio-ingressgateway': {
        autoscaleEnabled: false,
        resources: lowRequests,
        ports: [
          { port: 15021, targetPort: 15021, name: 'status-port' },
          { port: 80, targetPort: 8080, name: 'http2' },
          { port: 443, targetPort: 8443, name: 'https' },
          { port: 31400, targetPort: 31400, name: 'tcp' },
          { port: 15443, targetPort: 15443, name: 'tls' },
        ],
      },
    },
  },
  preview: { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } } },
  remote: {
    istiodRemote: { enabled: true },
    configMap: false,
    telemetry: { enabled: false },
    global: { omitSidecarInjectorConfigMap: true },
  },
  stable: { experimental: { stableValidationPolicy: true } },
};

/** `values.global.platform` overlays (files/profile-platform-<p>.yaml). */
export const PLATFORM_VALUE_OVERLAYS: Readonly<Record<string, Tree>> = {
  gke: { cni: { cniBinDir: '/home/kubernetes/bin' } },
  k3d: { cni: { cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', cniBinDir: '/bin' } },
  k3s: { cni: { cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', cniBinDir: '/var/lib/rancher/k3s/data/current/bin' } },
  microk8s: { cni: { cniConfDir: '/var/snap/microk8s/current/args/cni-network', cniBinDir: '/var/snap/microk8s/current/opt/cni/bin' } },
  minikube: { cni: { cniNetnsDir: '/var/run/docker/netns' } },
  // OpenShift runs Multus: istio-cni writes its own conf file instead of chaining, and pods need spc_t.
  openshift: {
    cni: {
      cniBinDir: '/var/lib/cni/bin',
      cniConfDir: '/etc/cni/multus/net.d',
      chained: false,
      cniConfFileName: 'istio-cni.conf',
      provider: 'multus',
      seLinuxOptions: { type: 'spc_t' },
    },
    pilot: { cni: { enabled: true, provider: 'multus' }, trustedZtunnelNamespace: 'kube-system' },
  },
};
