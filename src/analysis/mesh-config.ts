import { isPlainObject, deepMerge } from '../util/objects.js';

/**
 * The parts of Istio's MeshConfig that analyzers read, with upstream's defaults
 * (pkg/config/mesh DefaultMeshConfig). Unknown fields are kept as they are.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MeshConfig = Record<string, any> & {
  ingressControllerMode: string;
  ingressService: string;
  ingressClass: string;
  rootNamespace: string;
  enableAutoMtls: boolean;
  defaultConfig: Record<string, unknown>;
};

export function defaultMeshConfig(istioNamespace = 'istio-system'): MeshConfig {
  return {
    enableTracing: true,
    accessLogFile: '',
    accessLogEncoding: 'TEXT',
    accessLogFormat: '',
    defaultConfig: {
      configPath: './etc/istio/proxy',
      binaryPath: '/usr/local/bin/envoy',
      serviceCluster: 'istio-proxy',
      drainDuration: '45s',
      terminationDrainDuration: '5s',
      proxyAdminPort: 15000,
      controlPlaneAuthPolicy: 'MUTUAL_TLS',
      discoveryAddress: `istiod.${istioNamespace}.svc:15012`,
      statNameLength: 189,
      statusPort: 15020,
      proxyMetadata: {},
    },
    ingressClass: 'istio',
    ingressService: 'istio-ingressgateway',
    ingressControllerMode: 'STRICT',
    ingressSelector: '',
    enablePrometheusMerge: true,
    enableAutoMtls: true,
    trustDomain: 'cluster.local',
    trustDomainAliases: [],
    defaultServiceExportTo: ['*'],
    defaultVirtualServiceExportTo: ['*'],
    defaultDestinationRuleExportTo: ['*'],
    localityLbSetting: { enabled: true },
    dnsRefreshRate: '60s',
    rootNamespace: istioNamespace,
    outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    inboundTrafficPolicy: { mode: 'PASSTHROUGH' },
    extensionProviders: [],
    defaultProviders: {},
  };
}

/** Applies a user MeshConfig (already parsed) on top of the defaults, as upstream's ApplyMeshConfig does. */
export function applyMeshConfig(base: MeshConfig, overlay: unknown): MeshConfig {
  if (!isPlainObject(overlay)) return base;
  return deepMerge(base, overlay) as MeshConfig;
}
