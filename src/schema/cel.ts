import { parseDuration, MILLISECOND_NS } from './duration.js';

/**
 * Istio's CRDs carry CEL `x-kubernetes-validations` that the API server evaluates. istio-ts has no
 * CEL interpreter; instead each rule the shipped CRDs use is translated here into an equivalent JS
 * predicate, keyed by the rule text with whitespace collapsed. A rule missing from this table is
 * not checked (test/schema/cel.test.ts fails when the shipped CRDs contain one).
 *
 * Predicates receive `self` as the API server would; when `self` has the wrong type the structural
 * check already reports it, so predicates return true rather than report twice.
 */
export type CelCheck = (self: unknown) => boolean;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: unknown, k: string) => isObj(o) && o[k] !== undefined && o[k] !== null;
const count = (o: unknown, ...keys: string[]) => keys.filter((k) => has(o, k)).length;
const str = (v: unknown): v is string => typeof v === 'string';
const onString = (f: (s: string) => boolean): CelCheck => (v) => !str(v) || f(v);
const onObj = (f: (o: Obj) => boolean): CelCheck => (v) => !isObj(v) || f(v);
const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** CEL's url(x).getScheme(), or undefined when CEL's isURL(x) is false (Go url.ParseRequestURI). */
function urlScheme(s: string): string | undefined {
  // ParseRequestURI accepts absolute URLs and absolute paths; a scheme must start with a letter.
  if (s.startsWith('/')) return '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  if (!m) return undefined;
  if (/\s/.test(s)) return undefined;
  return m[1]!.toLowerCase();
}

function wasmUrl(allowed: readonly string[]): CelCheck {
  return onString((s) => {
    const direct = urlScheme(s);
    if (direct !== undefined) return allowed.includes(direct);
    const viaHttp = urlScheme(`http://${s}`);
    return viaHttp !== undefined && allowed.includes(viaHttp);
  });
}

const RULES: Record<string, CelCheck> = {
  "duration(self) >= duration('1ms')": onString((s) => {
    const ns = parseDuration(s);
    return ns !== undefined && ns >= MILLISECOND_NS;
  }),
  '0 < self && self <= 65535': (v) => typeof v !== 'number' || (v > 0 && v <= 65535),
  '!self.contains("*")': onString((s) => !s.includes('*')),
  'self.size() == 0': (v) => (str(v) || Array.isArray(v) ? v.length === 0 : isObj(v) ? Object.keys(v).length === 0 : true),
  'self.all(key, !key.contains("*"))': onObj((o) => Object.keys(o).every((k) => !k.includes('*'))),
  'self.all(key, key.size() != 0)': onObj((o) => Object.keys(o).every((k) => k.length !== 0)),
  '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': onObj(
    (o) => !(str(o.address) && o.address.startsWith('unix://')) || !has(o, 'ports'),
  ),
  'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true': onString(
    (s) => !s.startsWith('unix://') || s[7] === '/' || s[7] === '@',
  ),
  'self.startsWith("unix://") ? !self.endsWith("/") : true': onString((s) => !s.startsWith('unix://') || !s.endsWith('/')),
  'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))': onObj((o) =>
    Object.keys(o).every((k) => k.length < 63 && PORT_NAME.test(k)),
  ),
  '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'selector', 'targetRef', 'targetRefs') <= 1,
  ),
  '(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'tlsCertificates', 'credentialNames') <= 1,
  ),
  '(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'credentialName', 'credentialNames') <= 1,
  ),
  '(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'credentialNames', 'tlsCertificates') <= 1,
  ),
  'has(self.address) || has(self.network)': onObj((o) => has(o, 'address') || has(o, 'network')),
  'url(self).getScheme() in ["http", "https"]': onString((s) => ['http', 'https'].includes(urlScheme(s) ?? '')),
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'workloadSelector', 'endpoints') <= 1,
  ),
  '!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))':
    onObj((o) => {
      const cidr = Array.isArray(o.addresses) && o.addresses.some((a) => str(a) && a.includes('/'));
      const resolution = str(o.resolution) ? o.resolution : 'NONE';
      return !(cidr && !['STATIC', 'NONE'].includes(resolution));
    }),
  '((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true': onObj(
    (o) => (str(o.resolution) ? o.resolution : 'NONE') !== 'NONE' || !has(o, 'endpoints'),
  ),
  '((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true':
    onObj((o) => o.resolution !== 'DNS_ROUND_ROBIN' || !Array.isArray(o.endpoints) || o.endpoints.length <= 1),
  'self != "*"': (v) => v !== '*',
  'self.all(l1, self.exists_one(l2, l1.number == l2.number))': (v) => {
    if (!Array.isArray(v)) return true;
    const numbers = v.map((p) => (isObj(p) ? p.number : undefined));
    return numbers.every((n, i) => numbers.indexOf(n) === i);
  },
  'self in ["", "HTTP", "HTTPS"]': (v) => !str(v) || ['', 'HTTP', 'HTTPS'].includes(v),
  '(has(self.valueFrom) ? self.valueFrom : "") != "HOST" || !has(self.value)': onObj(
    (o) => o.valueFrom !== 'HOST' || !has(o, 'value'),
  ),
  '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) && !has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true':
    onObj(
      (o) =>
        !(has(o, 'serviceAccounts') || has(o, 'notServiceAccounts')) ||
        count(o, 'principals', 'notPrincipals', 'namespaces', 'notNamespaces') === 0,
    ),
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true':
    onObj((o) => {
      if (!has(o, 'portLevelMtls')) return true;
      const ml = isObj(o.selector) ? o.selector.matchLabels : undefined;
      return isObj(ml) && Object.keys(ml).length > 0;
    }),
  'self.all(key, 0 < int(key) && int(key) <= 65535)': onObj((o) =>
    Object.keys(o).every((k) => /^[+-]?\d+$/.test(k) && Number(k) > 0 && Number(k) <= 65535),
  ),
  '(has(self.jwksUri) ? 1 : 0) + (has(self.jwks_uri) ? 1 : 0) + (has(self.jwks) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'jwksUri', 'jwks_uri', 'jwks') <= 1,
  ),
  '((has(self.operation) ? self.operation : "") == "UPSERT") ? (self.value != "") : true': onObj(
    (o) => o.operation !== 'UPSERT' || (o.value !== undefined && o.value !== ''),
  ),
  '((has(self.operation) ? self.operation : "") == "REMOVE") ? !has(self.value) : true': onObj(
    (o) => o.operation !== 'REMOVE' || !has(o, 'value'),
  ),
  '(has(self.selector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': onObj((o) => count(o, 'selector', 'targetRefs') <= 1),
  'has(self.wasm) != has(self.lua)': onObj((o) => has(o, 'wasm') !== has(o, 'lua')),
  'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "file", "oci"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "file", "oci"])':
    wasmUrl(['', 'http', 'https', 'file', 'oci']),
  'isURL(self) ? (url(self).getScheme() in ["", "http", "https", "oci", "file"]) : (isURL("http://" + self) && url("http://" + self).getScheme() in ["", "http", "https", "oci", "file"])':
    wasmUrl(['', 'http', 'https', 'oci', 'file']),
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': onObj(
    (o) => count(o, 'workloadSelector', 'targetRefs') <= 1,
  ),
  'has(self.context) ? ((self.context == "WAYPOINT") ? has(self.waypoint) : !has(self.waypoint)) : !has(self.waypoint)': onObj(
    (o) => (o.context === 'WAYPOINT' ? has(o, 'waypoint') : !has(o, 'waypoint')),
  ),
};

export function normalizeRule(rule: string): string {
  return rule.replace(/\s+/g, ' ').trim();
}

/** The JS equivalent of a CEL rule, or undefined when istio-ts does not know the rule. */
export function celCheck(rule: string): CelCheck | undefined {
  return RULES[normalizeRule(rule)];
}
