import { isIP } from 'node:net';
import { parse } from 'yaml';
import { isPlainObject } from '../../util/objects.js';

/**
 * The sidecar injector's annotation value checks (pkg/kube/inject/validate.go AnnotationValidation).
 * Each returns the problem as the injector words it, or undefined when the value is accepted.
 */
export type AnnotationValidator = (value: string) => string | undefined;

/** Go strconv.ParseUint(s, 10, bits), returning its error text. */
function parseUint(s: string, bits: 16 | 32): string | undefined {
  const fn = `strconv.ParseUint: parsing ${JSON.stringify(s)}`;
  if (!/^[0-9]+$/.test(s)) return `${fn}: invalid syntax`;
  if (BigInt(s) > (1n << BigInt(bits)) - 1n) return `${fn}: value out of range`;
  return undefined;
}

function parsePort(s: string): string | undefined {
  const err = parseUint(s.trim(), 16);
  return err ? `failed parsing port '${s}': ${err}` : undefined;
}

function parsePorts(list: string): string | undefined {
  const trimmed = list.trim();
  if (!trimmed) return undefined;
  for (const p of trimmed.split(',')) {
    const err = parsePort(p);
    if (err) return `failed parsing port '${p}': ${err}`;
  }
  return undefined;
}

function portList(param: string): AnnotationValidator {
  return (v) => {
    const err = parsePorts(v);
    return err ? `${param} invalid: ${err}` : undefined;
  };
}

/** Go netip.ParsePrefix: "addr/bits", no zone, bits within the address size, no leading zeros. */
function parsePrefix(s: string): string | undefined {
  const fn = `netip.ParsePrefix(${JSON.stringify(s)})`;
  const slash = s.lastIndexOf('/');
  if (slash < 0) return `${fn}: no '/'`;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const family = isIP(addr);
  if (!family || addr.includes('%')) return `${fn}: ParseAddr(${JSON.stringify(addr)}): unable to parse IP`;
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return `${fn}: bad bits after slash: ${JSON.stringify(bits)}`;
  if (Number(bits) > (family === 4 ? 32 : 128)) return `${fn}: prefix length out of range`;
  return undefined;
}

function cidrList(list: string): string | undefined {
  if (!list) return undefined;
  for (const cidr of list.split(',')) {
    const err = parsePrefix(cidr);
    if (err) return `failed parsing cidr '${cidr}': ${err}`;
  }
  return undefined;
}

/** Top-level fields of istio.mesh.v1alpha1.ProxyConfig (the annotation is strictly decoded). */
const PROXY_CONFIG_FIELDS = new Set([
  'configPath', 'binaryPath', 'serviceCluster', 'drainDuration', 'discoveryAddress', 'discoveryRefreshDelay',
  'zipkinAddress', 'statsdUdpAddress', 'proxyAdminPort', 'controlPlaneAuthPolicy', 'customConfigFile',
  'statNameLength', 'concurrency', 'proxyBootstrapTemplatePath', 'interceptionMode', 'tracing', 'sds',
  'envoyAccessLogService', 'envoyMetricsService', 'proxyMetadata', 'runtimeValues', 'statusPort',
  'extraStatTags', 'gatewayTopology', 'terminationDrainDuration', 'meshId', 'readinessProbe', 'proxyStatsMatcher',
  'holdApplicationUntilProxyStarts', 'caCertificatesPem', 'image', 'privateKeyProvider', 'proxyHeaders',
  'fileFlushInterval', 'fileFlushMinSizeKb', 'serviceClusterName', 'tracingServiceName', 'parentShutdownDuration',
  'startupProbe',
]);

const DURATION = /^-?\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h)$|^-?(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+$/;

/**
 * A reduced form of the injector's proxy.istio.io/config check: the value must decode as a
 * ProxyConfig (a YAML mapping with known fields), and the few fields with simple rules must hold.
 */
function validateProxyConfig(value: string): string | undefined {
  let doc: unknown;
  try {
    doc = parse(value);
  } catch (e) {
    return `failed to convert to apply proxy config: ${(e as Error).message.split('\n')[0]}`;
  }
  if (doc === null || doc === undefined) return undefined;
  if (!isPlainObject(doc)) return 'failed to convert to apply proxy config: not a YAML mapping';
  for (const k of Object.keys(doc)) {
    if (!PROXY_CONFIG_FIELDS.has(k)) return `failed to convert to apply proxy config: unknown field "${k}" in istio.mesh.v1alpha1.ProxyConfig`;
  }
  for (const f of ['drainDuration', 'terminationDrainDuration', 'discoveryRefreshDelay', 'parentShutdownDuration', 'fileFlushInterval']) {
    const v = doc[f];
    if (v !== undefined && (typeof v !== 'string' || !DURATION.test(v))) {
      return `failed to convert to apply proxy config: invalid google.protobuf.Duration value for ${f}`;
    }
  }
  for (const f of ['proxyAdminPort', 'statusPort']) {
    const v = doc[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)) {
      return `${f}: port number ${String(v)} must be in the range 1..65535`;
    }
  }
  const c = doc.concurrency;
  if (c !== undefined && c !== null && (typeof c !== 'number' || !Number.isInteger(c) || c < 0)) {
    return 'concurrency must be greater than or equal to 0';
  }
  return undefined;
}

export const ANNOTATION_VALIDATORS: ReadonlyMap<string, AnnotationValidator> = new Map<string, AnnotationValidator>([
  [
    'sidecar.istio.io/interceptionMode',
    (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${v}`),
  ],
  // Upstream's message names excludeInboundPorts for the status port too.
  ['status.sidecar.istio.io/port', (v) => {
    const err = parsePort(v);
    return err ? `excludeInboundPorts invalid: ${err}` : undefined;
  }],
  ['readiness.status.sidecar.istio.io/initialDelaySeconds', (v) => parseUint(v, 32)],
  ['readiness.status.sidecar.istio.io/periodSeconds', (v) => parseUint(v, 32)],
  ['readiness.status.sidecar.istio.io/failureThreshold', (v) => parseUint(v, 32)],
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', (v) => {
    if (v === '*') return undefined;
    const err = cidrList(v);
    return err ? `includeIPRanges invalid: ${err}` : undefined;
  }],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', (v) => {
    const err = cidrList(v);
    return err ? `excludeIPRanges invalid: ${err}` : undefined;
  }],
  ['traffic.sidecar.istio.io/includeInboundPorts', (v) => (v === '*' ? undefined : portList('includeInboundPorts')(v))],
  ['traffic.sidecar.istio.io/excludeInboundPorts', portList('excludeInboundPorts')],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', portList('excludeOutboundPorts')],
  // Go strconv.ParseBool.
  ['prometheus.istio.io/merge-metrics', (v) =>
    ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)
      ? undefined
      : `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`],
  ['proxy.istio.io/config', validateProxyConfig],
]);
