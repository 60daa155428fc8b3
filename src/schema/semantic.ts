import { envoyPatchType } from './envoy-fields.js';
import type { FieldPath } from '../resources/types.js';
import { parseDuration } from './duration.js';
import { analyzeUnreachableRules, type RuleFinding } from './virtualservice-rules.js';

/**
 * Checks from upstream's ValidateConfig (pkg/config/validation) that a structural schema cannot
 * express, limited to the cheap ones that catch real outages. Each returns problems with the path
 * of the offending field; `warning` marks the ones upstream reports as warnings.
 */
export interface SemanticProblem {
  readonly path: FieldPath;
  readonly text: string;
  readonly warning?: boolean;
}

export interface SemanticResult {
  readonly problems: SemanticProblem[];
  readonly rules: { readonly section: 'http' | 'tcp' | 'tls'; readonly finding: RuleFinding }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const isDNS1123Label = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);
const DNS_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

export function isIP(s: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) return true;
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && (s.match(/::/g) ?? []).length <= 1;
}

/** upstream agent.ValidateWildcardDomain: a DNS name whose first label may be "*" or start with "*". */
export function wildcardDomainError(domain: string): string | undefined {
  if (domain.length === 0) return 'empty domain name not allowed';
  if (domain.length > 255) return `domain name ${JSON.stringify(domain)} too long (max 255)`;
  let labels = domain.split('.');
  if (labels[labels.length - 1] === '') labels = labels.slice(0, -1); // a trailing dot (FQDN) is allowed
  const [first, ...rest] = labels;
  if (first === undefined) return `domain name ${JSON.stringify(domain)} invalid`;
  if (first !== '*' && !(first.startsWith('*') ? DNS_LABEL.test(first.slice(1)) : DNS_LABEL.test(first) && first.length <= 63)) {
    return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  }
  for (const l of rest) {
    if (l.length > 63 || !DNS_LABEL.test(l)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(l)} invalid)`;
  }
  return undefined;
}

const portError = (n: unknown) => (typeof n === 'number' && (n < 1 || n > 65535) ? `port number ${n} must be in the range 1..65535` : undefined);

/** Istio's protocol names (pkg/config/protocol), matched case-insensitively as upstream does. */
const PROTOCOLS = new Set(['GRPC', 'GRPC-WEB', 'HTTP', 'HTTP_PROXY', 'HTTP2', 'HTTPS', 'TCP', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'UDP']);

class Collector {
  readonly problems: SemanticProblem[] = [];
  error(path: FieldPath, text: string | undefined) {
    if (text) this.problems.push({ path, text });
  }
  warn(path: FieldPath, text: string) {
    this.problems.push({ path, text, warning: true });
  }
}

function checkGateway(spec: Obj, c: Collector) {
  const servers = arr(spec.servers);
  if (servers.length === 0) c.error(['spec'], 'gateway must have at least one server');
  const portNames = new Map<string, number>();
  servers.forEach((s, i) => {
    if (!isObj(s)) return;
    const at = ['spec', 'servers', i];
    const hosts = arr(s.hosts);
    if (Array.isArray(s.hosts) && hosts.length === 0) c.error([...at, 'hosts'], 'server config must contain at least one host');
    hosts.forEach((h, j) => {
      if (typeof h !== 'string') return;
      // Gateway hosts are "namespace/dnsName"; the namespace part selects which VirtualServices may bind.
      const slash = h.indexOf('/');
      const ns = slash >= 0 ? h.slice(0, slash) : '';
      const name = slash >= 0 ? h.slice(slash + 1) : h;
      if (slash >= 0 && !['*', '.', '~'].includes(ns) && !isDNS1123Label(ns)) {
        c.error([...at, 'hosts', j], `invalid namespace value ${JSON.stringify(ns)} in host ${JSON.stringify(h)}`);
      }
      if (!isIP(name)) c.error([...at, 'hosts', j], wildcardDomainError(name));
    });
    const port = s.port;
    if (isObj(port)) {
      c.error([...at, 'port', 'number'], portError(port.number));
      const protocol = str(port.protocol);
      if (protocol && !PROTOCOLS.has(protocol.toUpperCase())) {
        c.error([...at, 'port', 'protocol'], `invalid protocol ${JSON.stringify(protocol)}, supported protocols are ${[...PROTOCOLS].join(', ')}`);
      }
      if (!str(port.name)) c.error([...at, 'port'], 'port name must be set');
      else {
        // upstream ValidateGateway: a name may appear once, whatever the port number.
        if (portNames.has(str(port.name))) c.error([...at, 'port', 'name'], `port names in servers must be unique: duplicate name ${port.name}`);
        portNames.set(str(port.name), port.number as number);
      }
      const p = protocol.toUpperCase();
      if ((p === 'HTTPS' || p === 'TLS') && !isObj(s.tls)) c.error(at, 'server must have TLS settings for HTTPS/TLS protocols');
    }
    if (isObj(s.tls)) {
      const t = s.tls;
      const mode = str(t.mode) || 'PASSTHROUGH';
      const hasCreds = !!str(t.credentialName) || arr(t.credentialNames).length > 0 || arr(t.tlsCertificates).length > 0;
      // upstream validateTLSOptions: each missing file is its own error (istioctl prints two for SIMPLE).
      if ((mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') && !hasCreds) {
        const m = mode === 'SIMPLE' ? 'SIMPLE' : 'MUTUAL';
        if (!str(t.privateKey)) c.error([...at, 'tls'], `${m} TLS requires a private key`);
        if (!str(t.serverCertificate)) c.error([...at, 'tls'], `${m} TLS requires a server certificate`);
        if (m === 'MUTUAL' && !str(t.caCertificates)) c.error([...at, 'tls'], 'MUTUAL TLS requires a client CA bundle');
      }
    }
  });
}

function checkDestination(d: unknown, at: FieldPath, c: Collector) {
  if (!isObj(d)) return;
  const host = str(d.host);
  if (host === '*') c.error([...at, 'host'], `invalid destination host ${host}`);
  else if (host) c.error([...at, 'host'], wildcardDomainError(host));
  if (typeof d.subset === 'string' && !isDNS1123Label(d.subset)) c.error([...at, 'subset'], `subset name is invalid: ${d.subset}`);
  if (isObj(d.port)) c.error([...at, 'port', 'number'], portError(d.port.number));
}

function checkRouteDestinations(routes: unknown, at: FieldPath, c: Collector) {
  const rs = arr(routes);
  let total = 0;
  rs.forEach((r, i) => {
    if (!isObj(r)) return;
    checkDestination(r.destination, [...at, i, 'destination'], c);
    const w = typeof r.weight === 'number' ? r.weight : 0;
    if (w < 0) c.error([...at, i, 'weight'], `weight ${w} < 0`);
    total += w;
  });
  // A single destination gets all traffic whatever its weight; several with no weight get none.
  if (rs.length > 1 && total === 0) c.error(at, 'total destination weight = 0');
}

function gatewayNameErrors(names: unknown, at: FieldPath, c: Collector) {
  arr(names).forEach((g, i) => {
    if (typeof g !== 'string' || g === 'mesh') return;
    const parts = g.split('/');
    if (parts.length === 1) {
      if (g.includes('.')) {
        const [name, ns] = g.split('.');
        c.warn([...at, i], `using legacy gatewayName format ${JSON.stringify(g)}; prefer the <namespace>/<name> format: "${ns}/${name}"`);
      }
      c.error([...at, i], wildcardDomainError(g));
      return;
    }
    const [ns, name] = [parts[0]!, parts.slice(1).join('/')];
    if (!ns || !name) c.error([...at, i], 'config namespace and gateway name cannot be empty');
    else {
      if (!isDNS1123Label(ns)) c.error([...at, i], `invalid value for namespace: ${JSON.stringify(ns)}`);
      if (!isDNS1123Label(name)) c.error([...at, i], `invalid value for gateway name: ${JSON.stringify(name)}`);
    }
  });
}

function checkVirtualService(spec: Obj, c: Collector, rules: SemanticResult['rules']) {
  checkVirtualServiceHosts(spec, c);
  if (!arr(spec.http).length && !arr(spec.tcp).length && !arr(spec.tls).length) {
    c.error(['spec'], 'http, tcp or tls must be provided in virtual service');
  }
  arr(spec.http).forEach((r, i) => {
    if (isObj(r)) checkHttpRoute(r, ['spec', 'http', i], c);
  });
  arr(spec.tls).forEach((r, i) => {
    if (isObj(r)) checkTlsRoute(r, ['spec', 'tls', i], c);
  });
  arr(spec.tcp).forEach((r, i) => {
    if (isObj(r)) checkTcpRoute(r, ['spec', 'tcp', i], c);
  });
  for (const section of ['http', 'tcp', 'tls'] as const) {
    for (const finding of analyzeUnreachableRules(spec[section], section === 'http')) rules.push({ section, finding });
  }
}

/** Delegates (no hosts), gateway names, host syntax (no "*" on the mesh gateway) and duplicate hosts. */
function checkVirtualServiceHosts(spec: Obj, c: Collector) {
  const hosts = arr(spec.hosts);
  const gateways = arr(spec.gateways);
  if (hosts.length === 0) {
    // Without hosts this is a delegate VirtualService, which only carries HTTP routes.
    if (gateways.length) c.error(['spec', 'gateways'], 'delegate virtual service must have no gateways specified');
    if (arr(spec.tls).length) c.error(['spec', 'tls'], 'delegate virtual service must have no tls route specified');
    if (arr(spec.tcp).length) c.error(['spec', 'tcp'], 'delegate virtual service must have no tcp route specified');
  }
  gatewayNameErrors(spec.gateways, ['spec', 'gateways'], c);
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  let hostsValid = true;
  hosts.forEach((h, i) => {
    if (typeof h !== 'string') return;
    const err = wildcardDomainError(h);
    if (err && !isIP(h)) {
      c.error(['spec', 'hosts', i], err);
      hostsValid = false;
    } else if (appliesToMesh && h === '*') {
      c.error(['spec', 'hosts', i], 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      hostsValid = false;
    }
  });
  if (!hostsValid) return;
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (typeof hosts[i] === 'string' && hosts[i] === hosts[j]) c.error(['spec', 'hosts', j], `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
    }
  }
}

/** One http route: route, redirect or direct response; match ports; destinations; mirror; retries; fault. */
function checkHttpRoute(r: Obj, at: FieldPath, c: Collector) {
  checkHttpRouteAction(r, at, c);
  arr(r.match).forEach((m, j) => {
    if (isObj(m)) c.error([...at, 'match', j, 'port'], portError(m.port));
  });
  checkRouteDestinations(r.route, [...at, 'route'], c);
  checkDestination(r.mirror, [...at, 'mirror'], c);
  if (isObj(r.mirrorPercentage) && typeof r.mirrorPercentage.value === 'number') {
    const v = r.mirrorPercentage.value;
    if (v > 100) c.error([...at, 'mirrorPercentage', 'value'], `mirror_percentage must have a max value of 100 (it has ${v})`);
    if (v < 0) c.error([...at, 'mirrorPercentage', 'value'], `mirror_percentage must have a min value of 0 (it has ${v})`);
  }
  if (r.mirrorPercent !== undefined) c.warn([...at, 'mirrorPercent'], 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  if (isObj(r.retries)) {
    const rt = r.retries;
    if (typeof rt.attempts === 'number' && rt.attempts < 0) c.error([...at, 'retries', 'attempts'], 'attempts cannot be negative');
    if ((rt.attempts === undefined || rt.attempts === 0) && (rt.perTryTimeout !== undefined || str(rt.retryOn))) {
      c.error([...at, 'retries'], 'http retry policy configured when attempts are set to 0 (disabled)');
    }
  }
  if (isObj(r.fault)) {
    const f = r.fault;
    if (!isObj(f.abort) && !isObj(f.delay)) c.error([...at, 'fault'], 'HTTP fault injection must have an abort and/or a delay');
    if (isObj(f.abort) && typeof f.abort.httpStatus === 'number' && (f.abort.httpStatus < 200 || f.abort.httpStatus > 600)) {
      c.error([...at, 'fault', 'abort', 'httpStatus'], `HTTP status ${f.abort.httpStatus} is not in range 200-599`);
    }
  }
}

/** What an http route does: exactly one of route, redirect (a valid one) or direct response (or a delegate). */
function checkHttpRouteAction(r: Obj, at: FieldPath, c: Collector) {
  const hasRoute = arr(r.route).length > 0;
  if (!isObj(r.redirect)) {
    if (!hasRoute && !isObj(r.directResponse) && !isObj(r.delegate)) c.error(at, 'HTTP route, redirect or direct response is required');
    return;
  }
  if (hasRoute) c.error(at, 'HTTP route cannot contain both route and redirect');
  if (isObj(r.fault)) c.error(at, 'HTTP route cannot contain both fault and redirect');
  if (isObj(r.rewrite)) c.error(at, 'HTTP route rule cannot contain both rewrite and redirect');
  const rd = r.redirect;
  if (!str(rd.uri) && !str(rd.authority) && rd.port === undefined && rd.derivePort === undefined && !str(rd.scheme)) {
    c.error([...at, 'redirect'], 'redirect must specify URI, authority, scheme, or port');
  }
  if (typeof rd.redirectCode === 'number' && rd.redirectCode !== 0 && (rd.redirectCode < 300 || rd.redirectCode > 399)) {
    c.error([...at, 'redirect', 'redirectCode'], `${rd.redirectCode} is not a valid redirect code, must be 3xx`);
  }
}

/** One tls route: at least one match, each with SNI hosts and a valid port; a route. */
function checkTlsRoute(r: Obj, at: FieldPath, c: Collector) {
  if (arr(r.match).length === 0) c.error(at, 'TLS route must have at least one match condition');
  arr(r.match).forEach((m, j) => {
    if (!isObj(m)) return;
    if (arr(m.sniHosts).length === 0) c.error([...at, 'match', j], 'TLS match must have at least one SNI host');
    c.error([...at, 'match', j, 'port'], portError(m.port));
  });
  if (arr(r.route).length === 0) c.error(at, 'TLS route is required');
  checkRouteDestinations(r.route, [...at, 'route'], c);
}

/** One tcp route: valid match ports and a route. */
function checkTcpRoute(r: Obj, at: FieldPath, c: Collector) {
  arr(r.match).forEach((m, j) => {
    if (isObj(m)) c.error([...at, 'match', j, 'port'], portError(m.port));
  });
  if (arr(r.route).length === 0) c.error(at, 'TCP route is required');
  checkRouteDestinations(r.route, [...at, 'route'], c);
}

function checkTrafficPolicy(tp: unknown, at: FieldPath, c: Collector) {
  if (!isObj(tp)) return;
  arr(tp.portLevelSettings).forEach((p, i) => {
    if (!isObj(p)) return;
    if (!isObj(p.port)) c.error([...at, 'portLevelSettings', i], 'port traffic policy must have a port selector');
    else c.error([...at, 'portLevelSettings', i, 'port', 'number'], portError(p.port.number));
  });
}

function checkDestinationRule(spec: Obj, c: Collector) {
  const host = str(spec.host);
  if (host) c.error(['spec', 'host'], wildcardDomainError(host));
  checkTrafficPolicy(spec.trafficPolicy, ['spec', 'trafficPolicy'], c);
  const names = new Set<string>();
  arr(spec.subsets).forEach((s, i) => {
    if (!isObj(s)) return;
    const name = str(s.name);
    if (!name) c.error(['spec', 'subsets', i], 'subset name cannot be empty');
    else if (!isDNS1123Label(name)) c.error(['spec', 'subsets', i, 'name'], `subset name is invalid: ${name}`);
    else if (names.has(name)) c.error(['spec', 'subsets', i, 'name'], `duplicate subset names: ${name}`);
    names.add(name);
    checkTrafficPolicy(s.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy'], c);
  });
}

function checkServiceEntry(spec: Obj, c: Collector, _rules: SemanticResult['rules'], opts: SemanticOptions) {
  const hosts = arr(spec.hosts);
  if (hosts.length === 0) c.error(['spec'], 'service entry must have at least one host');
  const resolution = str(spec.resolution) || 'NONE';
  hosts.forEach((h, i) => {
    if (typeof h !== 'string') return;
    c.error(['spec', 'hosts', i], wildcardDomainError(h));
    // Without endpoints, DNS resolution looks the hosts up themselves, so they must be FQDNs.
    if (h.includes('*') && (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && arr(spec.endpoints).length === 0) {
      c.error(['spec', 'hosts', i], `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`);
    }
  });
  arr(spec.addresses).forEach((a, i) => {
    if (typeof a !== 'string') return;
    const [ip, bits, extra] = a.split('/');
    const max = ip && ip.includes(':') ? 128 : 32;
    if (extra !== undefined || !ip || !isIP(ip) || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      c.error(['spec', 'addresses', i], `invalid address ${JSON.stringify(a)}: must be an IP address or CIDR range`);
    }
  });
  // upstream warns once: without addresses (and without allocation) TCP ports of hosts with
  // resolution NONE share one wildcard listener. It compares the protocol as written ("tcp" is
  // not warned about), and an unset protocol counts as TCP.
  const tcpPort = arr(spec.ports).some((p) => isObj(p) && (p.protocol === undefined || p.protocol === '' || p.protocol === 'TCP'));
  if (!opts.ipAutoallocate && arr(spec.addresses).length === 0 && (str(spec.resolution) || 'NONE') === 'NONE' && tcpPort) {
    c.warn([], 'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled');
  }
  arr(spec.ports).forEach((p, i) => {
    if (!isObj(p)) return;
    if (!str(p.name)) c.error(['spec', 'ports', i], 'port name must be set');
    const protocol = str(p.protocol);
    if (protocol && !PROTOCOLS.has(protocol.toUpperCase())) c.error(['spec', 'ports', i, 'protocol'], `unsupported protocol ${JSON.stringify(protocol)}`);
  });
}

function checkSidecar(spec: Obj, c: Collector) {
  if (!arr(spec.egress).length && !arr(spec.ingress).length && !isObj(spec.outboundTrafficPolicy) && !isObj(spec.inboundConnectionPool)) {
    c.error(['spec'], 'sidecar: empty configuration provided');
  }
  arr(spec.egress).forEach((e, i) => {
    if (!isObj(e)) return;
    const at = ['spec', 'egress', i];
    if (isObj(e.port)) c.error([...at, 'port', 'number'], portError(e.port.number));
    const hosts = arr(e.hosts);
    if (hosts.length === 0) c.error(at, 'sidecar: egress listener must contain at least one host');
    hosts.forEach((h, j) => {
      if (typeof h !== 'string') return;
      const slash = h.indexOf('/');
      if (slash < 0) {
        c.error([...at, 'hosts', j], `sidecar: host must be of form namespace/dnsName, got ${JSON.stringify(h)}`);
        return;
      }
      const ns = h.slice(0, slash);
      const name = h.slice(slash + 1);
      if (!['*', '.', '~'].includes(ns) && !isDNS1123Label(ns)) c.error([...at, 'hosts', j], `invalid namespace value ${JSON.stringify(ns)} in host ${JSON.stringify(h)}`);
      c.error([...at, 'hosts', j], wildcardDomainError(name));
    });
  });
  arr(spec.ingress).forEach((e, i) => {
    if (!isObj(e)) return;
    const at = ['spec', 'ingress', i];
    if (!isObj(e.port)) c.error(at, 'sidecar: ingress listener must have a port');
    else c.error([...at, 'port', 'number'], portError(e.port.number));
  });
}

function checkAuthorizationPolicy(spec: Obj, c: Collector) {
  const action = str(spec.action) || 'ALLOW';
  if (action === 'CUSTOM' && !isObj(spec.provider)) c.error(['spec'], 'authorization policy with CUSTOM action must specify a provider');
  if (action !== 'CUSTOM' && isObj(spec.provider)) c.error(['spec', 'provider'], `provider is only allowed with CUSTOM action, got ${action}`);
  arr(spec.rules).forEach((r, i) => {
    if (!isObj(r)) return;
    arr(r.when).forEach((w, j) => {
      if (isObj(w) && !arr(w.values).length && !arr(w.notValues).length) {
        c.error(['spec', 'rules', i, 'when', j], 'condition must have at least one of values or notValues');
      }
    });
  });
}

function checkRequestAuthentication(spec: Obj, c: Collector) {
  arr(spec.jwtRules).forEach((r, i) => {
    if (isObj(r) && !str(r.issuer)) c.error(['spec', 'jwtRules', i], 'issuer must be set');
  });
}

/** Patch operations whose value istiod decodes into the target's Envoy message. */
const VALUE_OPERATIONS = new Set(['MERGE', 'ADD', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE']);

function checkEnvoyFilter(spec: Obj, c: Collector) {
  c.warn([], 'EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.');
  arr(spec.configPatches).forEach((p, i) => {
    if (!isObj(p) || !isObj(p.patch)) return;
    const value = p.patch.value;
    if (!isObj(value) || !VALUE_OPERATIONS.has(str(p.patch.operation))) return;
    const type = envoyPatchType(str(p.applyTo));
    if (!type) return;
    // istiod decodes the value leniently and warns on the first field the message does not have.
    const unknown = Object.keys(value).find((k) => !type.fields.has(k));
    if (unknown !== undefined) c.warn(['spec', 'configPatches', i, 'patch', 'value', unknown], `Envoy filter: unknown field ${JSON.stringify(unknown)} in ${type.message}`);
  });
}

const BY_KIND: Record<string, (spec: Obj, c: Collector, rules: SemanticResult['rules'], opts: SemanticOptions) => void> = {
  AuthorizationPolicy: checkAuthorizationPolicy,
  DestinationRule: checkDestinationRule,
  EnvoyFilter: checkEnvoyFilter,
  Gateway: checkGateway,
  RequestAuthentication: checkRequestAuthentication,
  ServiceEntry: checkServiceEntry,
  Sidecar: checkSidecar,
  VirtualService: checkVirtualService,
};

/** Kinds with semantic checks beyond the CRD schema (listed in `istio-ts analyze -L` descriptions). */
export const SEMANTIC_KINDS: readonly string[] = Object.keys(BY_KIND);

/** What semantic checks need from outside the object. */
export interface SemanticOptions {
  /** The mesh allocates addresses to ServiceEntries (ISTIO_META_DNS_CAPTURE with auto-allocation). */
  readonly ipAutoallocate?: boolean;
}

export function semanticChecks(kind: string, object: Obj, opts: SemanticOptions = {}): SemanticResult {
  const c = new Collector();
  const rules: SemanticResult['rules'] = [];
  const check = BY_KIND[kind];
  // An object without spec is judged as an empty spec (a Sidecar with no spec is "empty configuration").
  if (check && (isObj(object.spec) || object.spec === undefined || object.spec === null)) check(isObj(object.spec) ? object.spec : {}, c, rules, opts);
  return { problems: c.problems, rules };
}

/** Cheap sanity checks of the mesh-wide MeshConfig (upstream ValidateMeshConfig, partly). */
export function meshConfigChecks(mesh: Obj): SemanticProblem[] {
  const c = new Collector();
  const duration = (path: string[], v: unknown) => {
    if (v === undefined || v === null) return;
    if (typeof v !== 'string' || parseDuration(v) === undefined) c.error(path, `${path.join('.')}: invalid duration ${JSON.stringify(v)}`);
    else if (parseDuration(v)! < 1e6) c.error(path, `${path.join('.')}: duration ${v} must be at least 1ms`);
  };
  const port = (path: string[], v: unknown) => {
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) c.error(path, `${path.join('.')}: port ${JSON.stringify(v)} must be in the range 0..65535`);
  };
  const oneOf = (path: string[], v: unknown, allowed: string[]) => {
    if (v === undefined || v === null || v === '') return;
    if (typeof v !== 'string' || !allowed.includes(v.toUpperCase())) c.error(path, `${path.join('.')}: unsupported value ${JSON.stringify(v)} (supported: ${allowed.join(', ')})`);
  };
  for (const k of ['connectTimeout', 'protocolDetectionTimeout', 'dnsRefreshRate']) duration([k], mesh[k]);
  for (const k of ['proxyListenPort', 'proxyInboundListenPort', 'proxyHttpPort']) port([k], mesh[k]);
  oneOf(['ingressControllerMode'], mesh.ingressControllerMode, ['UNSPECIFIED', 'OFF', 'DEFAULT', 'STRICT']);
  oneOf(['outboundTrafficPolicy', 'mode'], isObj(mesh.outboundTrafficPolicy) ? mesh.outboundTrafficPolicy.mode : undefined, ['REGISTRY_ONLY', 'ALLOW_ANY']);
  oneOf(['accessLogEncoding'], mesh.accessLogEncoding, ['TEXT', 'JSON']);
  if (typeof mesh.trustDomain === 'string' && mesh.trustDomain !== '' && wildcardDomainError(mesh.trustDomain)) {
    c.error(['trustDomain'], `trustDomain: ${wildcardDomainError(mesh.trustDomain)}`);
  }
  const pc = mesh.defaultConfig;
  if (isObj(pc)) {
    for (const k of ['drainDuration', 'terminationDrainDuration', 'discoveryRefreshDelay', 'parentShutdownDuration']) duration(['defaultConfig', k], pc[k]);
    for (const k of ['proxyAdminPort', 'statusPort']) port(['defaultConfig', k], pc[k]);
    if (typeof pc.discoveryAddress === 'string' && pc.discoveryAddress !== '' && !/^[^:\s]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(pc.discoveryAddress)) {
      c.error(['defaultConfig', 'discoveryAddress'], `defaultConfig.discoveryAddress: ${JSON.stringify(pc.discoveryAddress)} must be host:port`);
    }
  }
  return c.problems;
}

/** A CIDR ("10.0.0.0/16", "2001:db8::/32"), as ValidateIPSubnet accepts it. */
function cidrError(s: string): string | undefined {
  const [ip, bits, extra] = s.split('/');
  const max = ip && ip.includes(':') ? 128 : 32;
  if (extra !== undefined || !ip || !isIP(ip) || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > max) return `invalid CIDR ${JSON.stringify(s)}`;
  return undefined;
}

/**
 * upstream ValidateMeshNetworks: each network's endpoints come from a CIDR or a registry (a DNS
 * label), and each gateway is a registry service (an FQDN) or an address (an IP, or a hostname as
 * istiod resolves gateway hostnames) with a valid port. `base` is where `networks` sits.
 */
export function meshNetworksChecks(networks: Obj, base: FieldPath): SemanticProblem[] {
  const c = new Collector();
  for (const [name, def] of Object.entries(networks)) {
    if (!isObj(def)) continue;
    arr(def.endpoints).forEach((e, j) => {
      if (!isObj(e)) return;
      const at = [...base, name, 'endpoints', j];
      if (e.fromCidr !== undefined && e.fromRegistry !== undefined) c.error(at, `${name}: only one of fromCidr and fromRegistry may be set`);
      else if (typeof e.fromCidr === 'string') c.error([...at, 'fromCidr'], cidrError(e.fromCidr) && `${name}: ${cidrError(e.fromCidr)}`);
      else if (typeof e.fromRegistry === 'string' && !(e.fromRegistry.length <= 63 && DNS_LABEL.test(e.fromRegistry))) {
        c.error([...at, 'fromRegistry'], `${name}: invalid registry name: ${e.fromRegistry}`);
      }
    });
    arr(def.gateways).forEach((g, j) => {
      if (!isObj(g)) return;
      const at = [...base, name, 'gateways', j];
      if (g.registryServiceName !== undefined && g.address !== undefined) c.error(at, `${name}: only one of registryServiceName and address may be set`);
      else if (typeof g.registryServiceName === 'string') {
        const err = wildcardDomainError(g.registryServiceName) ?? (g.registryServiceName.includes('*') ? 'wildcards are not allowed' : undefined);
        c.error([...at, 'registryServiceName'], err && `${name}: ${err}`);
      } else if (typeof g.address === 'string' && !isIP(g.address)) {
        const err = wildcardDomainError(g.address) ?? (g.address.includes('*') ? 'wildcards are not allowed' : undefined);
        c.error([...at, 'address'], err && `${name}: ${err}`);
      }
      const p = portError(g.port) ?? (g.port === undefined || g.port === 0 ? 'port number 0 must be in the range 1..65535' : undefined);
      c.error(g.port === undefined ? at : [...at, 'port'], p && `${name}: ${p}`);
    });
  }
  return c.problems;
}
