/**
 * The functions Istio adds to Go text/template + Sprig for injection templates
 * (pkg/kube/inject/template.go InjectionFuncmap). Registered after Sprig, so they win on clashes
 * (toYaml does not trim the final newline; indent indents every line but the first).
 */
import { stringify as yamlStringify } from 'yaml';
import { emitYaml } from '../util/yaml-emit.js';
import type { FuncMap } from './template/index.js';
import { markStringMap, ZERO } from './template/index.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null || v === ZERO ? '' : String(v));
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function splitPorts(ports: string): string[] {
  return ports.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/** Adds the status port to the excluded inbound ports unless already there (iptables -d). */
export function excludeInboundPort(port: unknown, excluded: string): string {
  const portStr = str(typeof port === 'number' ? String(port) : port).trim();
  if (portStr.length === 0 || portStr === '0') return excluded;
  const out: string[] = [];
  for (const p of excluded.split(',')) {
    if (p === portStr) return excluded;
    if (p.trim().length > 0) out.push(p.trim());
  }
  out.push(portStr);
  return out.join(',');
}

/** Multus: add istio-cni to k8s.v1.cni.cncf.io/networks (comma list or JSON list form). */
export function appendMultusNetwork(existing: string, network: string): string {
  if (existing === '') return network;
  // "namespace/name" names a NetworkAttachmentDefinition in another namespace (Multus syntax).
  const slash = network.indexOf('/');
  const ns = slash === -1 ? undefined : network.slice(0, slash);
  const name = slash === -1 ? network : network.slice(slash + 1);
  const i = existing.lastIndexOf(']');
  if (i !== -1) {
    let nets: unknown;
    try {
      nets = JSON.parse(existing);
    } catch {
      return existing;
    }
    if (Array.isArray(nets) && nets.some((n) => isMap(n) && n.name === name && (n.namespace ?? undefined) === ns)) return existing;
    return `${existing.slice(0, i)}, {"name": "${name}"${ns !== undefined ? `, "namespace": "${ns}"` : ''}}${existing.slice(i)}`;
  }
  if (existing.split(',').some((n) => n.trim() === network)) return existing;
  return `${existing}, ${network}`;
}

/**
 * OTEL_RESOURCE_ATTRIBUTES for the proxy, when a mesh OpenTelemetry provider asks for
 * serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS (Istio 1.29+). Follows OpenTelemetry's
 * Kubernetes service-attribute conventions: resource.opentelemetry.io/* annotations win, else
 * the namespace and app.kubernetes.io/version; the instance id is <namespace>.<pod>.<container>
 * of the first application container. Matches upstream's golden for the default case; the
 * annotation overrides follow the OpenTelemetry convention, not a verified istiod output.
 */
function otelResourceAttributes(mesh: unknown, annotations: unknown, labels: unknown, namespace: string, containers: unknown): string {
  const providers = isMap(mesh) && Array.isArray(mesh.extensionProviders) ? mesh.extensionProviders : [];
  const wanted = providers.some((p) => isMap(p) && isMap(p.opentelemetry) && p.opentelemetry.serviceAttributeEnrichment === 'OTEL_SEMANTIC_CONVENTIONS');
  if (!wanted) return '';
  const ann = isMap(annotations) ? annotations : {};
  const lab = isMap(labels) ? labels : {};
  const ns = namespace || 'default';
  const attrs: string[] = [];
  const name = ann['resource.opentelemetry.io/service.name'];
  if (typeof name === 'string' && name) attrs.push(`service.name=${name}`);
  const svcNs = ann['resource.opentelemetry.io/service.namespace'];
  attrs.push(`service.namespace=${typeof svcNs === 'string' && svcNs ? svcNs : ns}`);
  const version = ann['resource.opentelemetry.io/service.version'] ?? lab['app.kubernetes.io/version'];
  if (typeof version === 'string' && version) attrs.push(`service.version=${version}`);
  const app = (Array.isArray(containers) ? containers : []).find((c) => isMap(c) && c.name !== 'istio-proxy');
  if (isMap(app)) attrs.push(`service.instance.id=${ns}.$(POD_NAME).${str(app.name)}`);
  return attrs.join(',');
}

function omitNil(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(omitNil);
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined && x !== ZERO) out[k] = omitNil(x);
  return out;
}

function containerPorts(containers: unknown, keep: (c: Record<string, unknown>) => boolean): string {
  const parts: string[] = [];
  for (const c of Array.isArray(containers) ? containers : []) {
    if (!isMap(c) || !keep(c)) continue;
    for (const p of Array.isArray(c.ports) ? c.ports : []) {
      if (!isMap(p) || p.protocol === 'UDP' || p.protocol === 'SCTP') continue;
      parts.push(String(p.containerPort));
    }
  }
  return parts.join(',');
}

/**
 * @param env the environment istiod (or kube-inject) runs with; `env KEY DEFAULT` reads it.
 * @param proxyConfigJSON renders .ProxyConfig as istiod's protoToJSON does (non-default fields).
 */
export function istioFuncs(env: Readonly<Record<string, string | undefined>>, proxyConfigJSON: (pc: unknown) => string): FuncMap {
  return {
    isset: (m, key) => isMap(m) && Object.prototype.hasOwnProperty.call(m, str(key)),
    excludeInboundPort: (port, excluded) => excludeInboundPort(port, str(excluded)),
    includeInboundPorts: (containers) => containerPorts(containers, () => true),
    applicationPorts: (containers) => containerPorts(containers, (c) => c.name !== 'istio-proxy'),
    kubevirtInterfaces: (s) => str(s),
    annotation: (meta, name, def) => {
      const ann = isMap(meta) ? meta.annotations ?? meta.Annotations : undefined;
      if (isMap(ann) && Object.prototype.hasOwnProperty.call(ann, str(name))) return str(ann[str(name)]);
      // fmt.Sprint of the default: nil prints "<nil>", a missing struct field prints "".
      if (def === undefined || def === null) return '<nil>';
      return typeof def === 'number' || typeof def === 'boolean' ? String(def) : str(def);
    },
    valueOrDefault: (v, def) => (v === '' || v === undefined || v === null || v === ZERO ? def : v),
    toJSON: (m) => (m === undefined || m === null || m === ZERO ? '{}' : JSON.stringify(m)),
    toJson: (m) => (m === undefined || m === null || m === ZERO ? '{}' : JSON.stringify(m)),
    fromJSON: (j) => {
      try {
        return JSON.parse(str(j)) as unknown;
      } catch {
        return '{}';
      }
    },
    structToJSON: (v) => (v === undefined || v === null || v === ZERO ? '{}' : JSON.stringify(v)),
    protoToJSON: (v) => proxyConfigJSON(v),
    toYaml: (v) => (v === undefined || v === null || v === ZERO ? 'null\n' : (emitYaml(v, { declineShared: true }) ?? yamlStringify(v, { lineWidth: 0, sortMapEntries: true }))),
    indent: (n, s) => str(s).split('\n').map((l, i) => (i > 0 ? ' '.repeat(Number(n)) + l : l)).join('\n'),
    directory: (p) => {
      const s = str(p);
      const i = s.lastIndexOf('/');
      return i === -1 ? '' : s.slice(0, i + 1);
    },
    contains: (needle, haystack) => str(haystack).includes(str(needle)),
    toLower: (s) => str(s).toLowerCase(),
    appendMultusNetwork: (existing, net) => appendMultusNetwork(str(existing), str(net)),
    env: (key, def) => {
      const v = env[str(key)];
      return v === undefined || v === '' ? def : v;
    },
    // Helm values may null out a key to drop a default (resources.limits.cpu: null): keep such keys out of toYaml.
    omitNil: (v) => omitNil(v),
    otelResourceAttributes: (mesh, annotations, labels, namespace, containers) => otelResourceAttributes(mesh, annotations, labels, str(namespace), containers),
    formatDuration: (d) => str(d),
    strdict: (...kv) => {
      const out: Record<string, string> = {};
      for (let i = 0; i + 1 < kv.length; i += 2) out[str(kv[i])] = str(kv[i + 1]);
      return markStringMap(out);
    },
    omit: (m, ...keys) => (isMap(m) ? Object.fromEntries(Object.entries(m).filter(([k]) => !keys.map(str).includes(k))) : {}),
    mergeMaps: (...ms) => Object.assign({}, ...ms.filter(isMap)),
  };
}
