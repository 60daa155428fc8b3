/**
 * The istio-sidecar-injector ConfigMap, exactly as istiod reads it:
 *   data.config — YAML: policy, alwaysInjectSelector, neverInjectSelector, injectedAnnotations,
 *                 defaultTemplates, templates {name: Go text/template text}
 *   data.values — JSON: the Helm values subset the templates read (.Values.*)
 * `manifest generate` / `install` ship it; `kube-inject` renders the same templates offline.
 */
import { stringify as yamlStringify } from 'yaml';
import { deepMerge, isPlainObject } from '../util/objects.js';
import { builtinTemplates } from './templates.js';

/** The Istio release whose images the built-in defaults point at. */
export const DEFAULT_ISTIO_HUB = 'docker.io/istio';
export const DEFAULT_ISTIO_TAG = '1.28.0';

/**
 * The default profile's values that injection uses (manifests/charts/istio-control/istio-discovery
 * values, default profile). Keys mirror upstream Helm values so user --set paths work unchanged.
 */
export const DEFAULT_INJECTION_VALUES: Record<string, unknown> = Object.freeze({
  revision: '',
  global: {
    hub: DEFAULT_ISTIO_HUB,
    tag: DEFAULT_ISTIO_TAG,
    variant: '',
    imagePullPolicy: '',
    imagePullSecrets: [],
    istioNamespace: 'istio-system',
    caAddress: '',
    caName: '',
    pilotCertProvider: 'istiod',
    jwtPolicy: 'third-party-jwt',
    logAsJson: false,
    logging: { level: 'default:info' },
    meshID: '',
    mountMtlsCerts: false,
    multiCluster: { enabled: false, clusterName: '' },
    network: '',
    trustDomain: '',
    sds: { token: { aud: 'istio-ca' } },
    sts: { servicePort: 0 },
    proxy: {
      autoInject: 'enabled',
      clusterDomain: 'cluster.local',
      componentLogLevel: 'misc:error',
      enableCoreDump: false,
      excludeIPRanges: '',
      excludeInboundPorts: '',
      excludeOutboundPorts: '',
      image: 'proxyv2',
      includeIPRanges: '*',
      includeInboundPorts: '*',
      includeOutboundPorts: '',
      logLevel: 'warning',
      outlierLogPath: '',
      privileged: false,
      readinessFailureThreshold: 4,
      readinessInitialDelaySeconds: 0,
      readinessPeriodSeconds: 15,
      startupProbe: { enabled: true, failureThreshold: 600 },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
      statusPort: 15020,
      tracer: 'none',
      holdApplicationUntilProxyStarts: false,
      capNetBindService: false,
      lifecycle: {},
    },
    proxy_init: { image: 'proxyv2' },
  },
  pilot: { cni: { enabled: false, provider: 'default' } },
  sidecarInjectorWebhook: {
    enableNamespacesByDefault: false,
    reinvocationPolicy: 'Never',
    rewriteAppHTTPProbe: true,
    injectedAnnotations: {},
    neverInjectSelector: [],
    alwaysInjectSelector: [],
    defaultTemplates: [],
    templates: {},
  },
}) as Record<string, unknown>;

function rec(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

/**
 * Builds data.config and data.values of ConfigMap istio-sidecar-injector from a Helm values tree.
 * Missing values fall back to DEFAULT_INJECTION_VALUES. User templates in
 * sidecarInjectorWebhook.templates are added next to the built-in ones (and win on a name clash).
 */
export function injectorConfigMapData(values: Record<string, unknown>): { config: string; values: string } {
  const v = rec(deepMerge(structuredClone(DEFAULT_INJECTION_VALUES), values));
  const global = rec(v.global);
  const proxy = rec(global.proxy);
  const hook = rec(v.sidecarInjectorWebhook);
  const userTemplates = rec(hook.templates);
  const defaultTemplates = Array.isArray(hook.defaultTemplates) && hook.defaultTemplates.length > 0 ? hook.defaultTemplates : ['sidecar'];
  const config = {
    defaultTemplates,
    policy: String(proxy.autoInject ?? 'enabled'),
    alwaysInjectSelector: Array.isArray(hook.alwaysInjectSelector) ? hook.alwaysInjectSelector : [],
    neverInjectSelector: Array.isArray(hook.neverInjectSelector) ? hook.neverInjectSelector : [],
    injectedAnnotations: rec(hook.injectedAnnotations),
    templates: { ...builtinTemplates(), ...Object.fromEntries(Object.entries(userTemplates).map(([k, t]) => [k, String(t)])) },
  };
  // istiod reads only these top-level values; the chart picks the same subset.
  const picked: Record<string, unknown> = {
    global: v.global,
    pilot: { cni: rec(rec(v.pilot).cni) },
    revision: v.revision ?? '',
    sidecarInjectorWebhook: v.sidecarInjectorWebhook,
  };
  if (v.cni !== undefined) picked.cni = v.cni;
  return {
    config: yamlStringify(config, { lineWidth: 0, blockQuote: 'literal' }),
    values: JSON.stringify(picked, null, 2),
  };
}
